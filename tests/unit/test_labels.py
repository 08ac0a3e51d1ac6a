"""One table of display labels: every coded value of every enum has words a DPO recognises."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from compliance.labels import LABELS, art6_text, label, value_label
from compliance.models import enums as e

ENUMS = [
    cls
    for cls in vars(e).values()
    if isinstance(cls, type) and issubclass(cls, StrEnum) and cls is not StrEnum and cls.__module__ == e.__name__
]


@pytest.mark.parametrize("enum_cls", ENUMS, ids=lambda cls: cls.__name__)
def test_every_value_has_a_label_that_is_not_the_stored_value(enum_cls):
    for member in enum_cls:
        text = label(member)
        assert text and "_" not in text, (member, text)
        assert text[0].isupper(), (member, text)
    assert set(LABELS[enum_cls]) == {member.value for member in enum_cls}


def test_legal_citations_follow_the_domain_brief():
    assert value_label("art6", "e_public_task") == "Art 6(1)(e) public task"
    assert value_label("art9", "g_substantial_public_interest") == "Art 9(2)(g) substantial public interest"
    assert value_label("part3", "s35_2_b_necessary").startswith("DPA 2018 Part 3, s35(2)(b)")
    assert value_label("categories", "sc_political") == "Special category: political opinions"
    assert value_label("transfer_channel", "pcm") == "Prevent Case Management (PCM)"
    assert value_label("regime", "dpa_part3").startswith("DPA 2018 Part 3")
    assert art6_text("ea_recognised_legitimate_interest", "safeguarding_vulnerable_individuals") == (
        "Art 6(1)(ea) recognised legitimate interest: safeguarding vulnerable individuals"
    )


def test_a_key_shared_by_record_types_finds_each_ones_values():
    assert value_label("kind", "national_pcm") == "Prevent Case Management (PCM)"
    assert value_label("kind", "pmap").startswith("Prevent Multi-Agency Panel")
    assert value_label("status", "in_force") == "In force"
    assert value_label("status", "in_progress") == "In progress"
    assert re.fullmatch(r"Unknown thing", value_label("nothing", "unknown_thing"))
