"""The gap-rule registry and what a rule returns.

A rule is a pure function of one subject (a data flow, a DSA, a panel meeting...) and the
loaded register around it (`RuleContext`). It returns a `Hit` when it raises a finding, or None.
Rules never touch the database: the services load the records and evaluate them here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..models.enums import Severity, SubjectType

DISCLAIMER = "Not legal advice: refer to the DPO."


@dataclass(frozen=True)
class Hit:
    """What a rule says about its subject. `severity` overrides the rule's default when given;
    `areas` overrides the subject's areas when the rule knows better (e.g. where it fires)."""

    detail: str
    severity: Severity | None = None
    areas: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RaisedFinding:
    """One finding from one run of the rules."""

    rule: str
    subject_type: SubjectType
    subject_ref: str
    subject_name: str
    areas: tuple[str, ...]
    severity: Severity
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        # (`_value_`: the member's value as stored on it; `.value` is a slower descriptor, and keys
        # are made for each of 15,000 findings a refresh.)
        return (self.rule, self.subject_type._value_, self.subject_ref)

    @property
    def area(self) -> str | None:
        return self.areas[0] if self.areas else None


RuleFunction = Callable[[Any, Any], Hit | None]


@dataclass(frozen=True)
class RuleSpec:
    code: str
    gnn: str
    subject_type: SubjectType
    severity: Severity
    check: RuleFunction = field(compare=False)


REGISTRY: dict[str, RuleSpec] = {}


def rule(code: str, gnn: str, subject_type: SubjectType, severity: Severity) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function under its stable code."""

    def register(check: RuleFunction) -> RuleFunction:
        if code in REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        REGISTRY[code] = RuleSpec(code, gnn, subject_type, severity, check)
        return check

    return register


def listing(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def humanise(value: str) -> str:
    return value.replace("_", " ")


# Words that start with a vowel letter but a consonant sound, and the reverse.
_A_BEFORE = ("uni", "use", "usu", "eu", "one", "once")
_AN_BEFORE = ("hour", "honest", "honour", "mou", "fbi", "nhs", "s2", "s3", "s4")


def a_or_an(phrase: str) -> str:
    """The phrase with its indefinite article: "an email mailbox", "a spreadsheet", "an MOU"."""
    word = phrase.lower()
    vowel = word[:1] in set("aeiou") and not word.startswith(_A_BEFORE)
    return ("an " if vowel or word.startswith(_AN_BEFORE) else "a ") + phrase


def plural(count: int, singular: str, many: str | None = None) -> str:
    """ "1 agreement", "2 agreements"."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
