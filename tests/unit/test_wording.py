"""The words drafts and findings are built from: articles and plurals agree."""

from __future__ import annotations

import pytest

from compliance.rules.base import a_or_an, plural


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("email mailbox", "an email mailbox"),
        ("spreadsheet", "a spreadsheet"),
        ("network drive", "a network drive"),
        ("unapproved system", "an unapproved system"),
        ("university system", "a university system"),
        ("MOU", "an MOU"),
        ("NHS system", "an NHS system"),
        ("hour", "an hour"),
        ("one-off transfer", "a one-off transfer"),
        ("Annex B", "an Annex B"),
    ],
)
def test_the_article_agrees_with_the_sound_of_the_next_word(phrase, expected):
    assert a_or_an(phrase) == expected


def test_counts_agree_with_their_nouns():
    assert [plural(n, "agreement") for n in (0, 1, 2)] == ["0 agreements", "1 agreement", "2 agreements"]
    assert plural(2, "party", "parties") == "2 parties"
