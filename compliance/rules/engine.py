"""Run every registered rule over a loaded register."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress, repeat

from ..models.enums import SubjectType
from . import (  # noqa: F401  (registers rules)
    areas,
    complaints,
    data_flows,
    dpias,
    dsas,
    lawful_basis,
    panels,
    processors,
    storage,
)
from .base import DISCLAIMER, REGISTRY, RaisedFinding, RuleSpec
from .context import RuleContext

SUBJECT_NAME_FIELDS = {
    SubjectType.DSA: "title",
    SubjectType.DPIA: "title",
    SubjectType.MOU: "title",
    SubjectType.PRIVACY_NOTICE: "title",
    SubjectType.PANEL_MEETING: "ref",
    SubjectType.PROCESSING_CONTRACT: "subject_matter",
}

# The rules whose outcome depends on the evaluation date (`ctx.as_of`, read directly or through
# `ctx.in_force`): reviews due, expiries, contracts in force, designations by financial year, and
# the law of the date (provisions of the Data (Use and Access) Act 2025 by their commencement).
# Every other rule raises the same findings whatever the date, so when only the date moves on,
# these alone are evaluated again (findings.bring_up_to_date). tests/unit/test_dated_rules.py
# watches every rule read the date and checks that this list names each one that does.
DATED = frozenset(
    {
        "DPIA_REVIEW_OVERDUE",  # G12: review_due before as_of
        "PROCESSOR_NO_CONTRACT",  # G13: a contract in force at as_of
        "CONTRACT_DEFICIENT",  # G14: ends_on before as_of
        "DSA_REVIEW_OVERDUE",  # G17: review_due or expires_on before as_of
        "DESIGNATION_UNSOURCED",  # G30: a designation for the financial year of as_of
        "RECOGNISED_LI_MISUSED",  # G33: Art 6(1)(ea) in force at as_of (and as_of in its message)
        "COMPLAINTS_PROCEDURE_MISSING",  # G35: the complaints duty in force at as_of
    }
)


# Fields (model attributes) of a record that no rule reads but the rules about that record itself,
# in working out its own findings (their names and areas included): a save that changes only these
# can move that record's findings alone, so findings.refresh_after_change decides that record alone
# (not its areas). tests/integration/test_own_fields.py traces every rule's reads over a register
# on which every rule fires and checks that each field named here is read only so.
OWN_FIELDS: dict[str, frozenset[str]] = {
    # Not its status, area, parties, lawful bases, agreements, DPIA, storage systems, start date
    # or relationship: the rules about those records, its organisations and its systems read them.
    "data_flows": frozenset(
        {
            "name",
            "programme",
            "frequency",
            "transfer_channel",
            "ended_on",
            "data_categories",
            "subjects_children",
            "subjects_vulnerable_adults",
            "combines_sources",
            "large_scale",
            "retention_period",
            "retention_trigger",
            "retention_review_points",
            "retention_disposal",
            "ropa_ref",
        }
    ),
}

# Fields of a record and the kinds of record whose rules read them (its own kind included, where
# they do), per list: a save that changes only fields named here can move the findings of that
# record and, of the records it points at (before or after), those of the kinds named, and no
# others, so findings.refresh_after_change decides the areas of those alone (a flow's start date:
# its area and its DPIA's, not the five areas of the police force it involves; a DSA's review
# date: its flows' areas, not those of its parties). tests/integration/test_field_readers.py runs
# each kind's rules alone over a register on which every rule fires and checks that no other kind
# reads a field named here. Only plain fields: a link moves what the record points at.
_FLOW, _DPIA, _DSA = SubjectType.DATA_FLOW, SubjectType.DPIA, SubjectType.DSA
FIELD_READERS: dict[str, dict[str, frozenset[SubjectType]]] = {
    "data_flows": {"started_on": frozenset({_FLOW, _DPIA})},
    "dsas": {
        **dict.fromkeys(("title", "status", "review_due", "expires_on", "checklist"), frozenset({_DSA})),
        "allowed_channels": frozenset({_FLOW}),
    },
    "dpias": {
        **dict.fromkeys(
            ("title", "completed_on", "residual_risk", "ico_prior_consultation", "review_due"), frozenset({_DPIA})
        ),
        "status": frozenset({_FLOW, _DPIA}),
        "best_interests_recorded": frozenset({_FLOW}),
    },
}


def subject_name(subject_type: SubjectType, subject) -> str:
    name = getattr(subject, SUBJECT_NAME_FIELDS.get(subject_type, "name"), None)
    return name or subject.ref


def evaluate(ctx: RuleContext, codes: Iterable[str] | None = None) -> list[RaisedFinding]:
    """Every finding the rules raise over `ctx`, in rule order then subject ref order."""
    specs: list[RuleSpec] = [REGISTRY[code] for code in codes] if codes is not None else list(REGISTRY.values())
    specs.sort(key=lambda spec: spec.gnn)
    findings: list[RaisedFinding] = []
    ordered: dict[SubjectType, list] = {}
    for spec in specs:
        if spec.subject_type not in ordered:
            ordered[spec.subject_type] = sorted(ctx.subjects(spec.subject_type), key=lambda s: s.ref)
        subjects = ordered[spec.subject_type]
        # Some 600,000 calls in a national register, nearly all returning None: the calls and the
        # dropping of Nones run in C (map, compress), only the hits reach the loop below.
        hits = list(map(spec.check, subjects, repeat(ctx)))
        for subject, hit in zip(compress(subjects, hits), filter(None, hits), strict=True):
            findings.append(
                RaisedFinding(
                    rule=spec.code,
                    subject_type=spec.subject_type,
                    subject_ref=subject.ref,
                    subject_name=subject_name(spec.subject_type, subject),
                    areas=hit.areas if hit.areas is not None else ctx.areas_of(spec.subject_type, subject),
                    severity=hit.severity or spec.severity,
                    message=f"{hit.detail} {DISCLAIMER}",
                )
            )
    return findings
