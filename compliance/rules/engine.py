"""Run every registered rule over a loaded register."""

from __future__ import annotations

from collections.abc import Iterable

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
        for subject in ordered[spec.subject_type]:
            hit = spec.check(subject, ctx)
            if hit is None:
                continue
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
