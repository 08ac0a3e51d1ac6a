"""rules.engine.DATED names every rule whose outcome depends on the evaluation date: when only the
date moves on, `compliance gaps` evaluates those alone and keeps every other stored finding."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from compliance.extensions import db
from compliance.rules.base import REGISTRY
from compliance.rules.context import RuleContext
from compliance.rules.engine import DATED, evaluate
from compliance.services import register, synth


class Watching(RuleContext):
    """A rule context that notes which rule reads the evaluation date (directly, or through
    `in_force` and anything else that reads `as_of`)."""

    def __getattribute__(self, name: str):
        if name == "as_of":
            rule = object.__getattribute__(self, "__dict__").get("reading_rule")
            if rule is not None:
                object.__getattribute__(self, "__dict__")["date_readers"].add(rule)
        return object.__getattribute__(self, name)


@pytest.fixture
def loaded(app):
    synth.generate(6, seed=7, actor="test")
    db.session.remove()
    return register.rule_context(register.default_as_of())


def test_every_rule_that_reads_the_date_is_dated(loaded):
    ctx = Watching(**{field.name: getattr(loaded, field.name) for field in dataclasses.fields(loaded)})
    evaluate(ctx)  # the indexes, built before any rule is watched (none of them reads the date)
    ctx.__dict__["date_readers"] = set()
    for code, spec in REGISTRY.items():
        ctx.__dict__["reading_rule"] = code
        for subject in ctx.subjects(spec.subject_type):
            spec.check(subject, ctx)
    assert ctx.__dict__["date_readers"] == DATED


@pytest.mark.parametrize("as_of", [date(2019, 4, 1), date(2031, 3, 31)])
def test_the_other_rules_raise_the_same_whatever_the_date(loaded, as_of):
    undated = sorted(set(REGISTRY) - DATED)
    other = dataclasses.replace(loaded, as_of=as_of)
    assert evaluate(other, undated) == evaluate(loaded, undated)
    assert evaluate(other, sorted(DATED)) != evaluate(loaded, sorted(DATED))
