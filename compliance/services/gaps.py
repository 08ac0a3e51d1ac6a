"""The gaps report: every finding with its law, remediation and status, worst first."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..labels import label, long_date, value_label
from ..models import Area
from ..models.enums import FindingStatus, Severity
from ..rules.base import RaisedFinding
from . import findings, reference, register
from .register import UnknownArea


@dataclass(frozen=True)
class Gap:
    rule: str
    gnn: str
    title: str
    severity: Severity
    areas: tuple[str, ...]
    subject_type: str
    subject_ref: str
    subject_name: str
    message: str
    references: tuple[str, ...]
    remediation: str
    status: FindingStatus

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "area": self.areas[0] if self.areas else None,
            "areas": list(self.areas),
            "subject": {"type": self.subject_type, "ref": self.subject_ref},
            "message": self.message,
            "references": list(self.references),
            "remediation": self.remediation,
            "status": self.status.value,
        }


@dataclass(frozen=True)
class GapsReport:
    as_of: date
    area: str | None
    gaps: list[Gap]

    def summary(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for gap in self.gaps:
            counts[gap.severity.value] += 1
        return counts

    def open_at_or_above(self, threshold: Severity) -> list[Gap]:
        return [g for g in self.gaps if g.status == FindingStatus.OPEN and g.severity.rank >= threshold.rank]


def report(*, actor: str, as_of: date | None = None, area: str | None = None) -> GapsReport:
    """Run the rules. At the register's own evaluation date the stored findings are refreshed
    (and the caller commits); at any other date the rules run without storing anything, and
    each finding takes its status from the stored finding with the same rule and subject."""
    if area is not None and db.session.scalar(sa.select(Area.id).where(Area.ref == area)) is None:
        raise UnknownArea(area)
    default = register.default_as_of()
    as_of = as_of or default
    rules = reference.rules_by_code()
    if area is not None and as_of == default:
        # One area at the register's date: refresh what its records decide; the stored findings
        # about it are then current (a national register need not be evaluated for one area).
        findings.refresh_area(area, actor, as_of)
        gaps = [_gap(item, rules[item.rule], status) for item, status in findings.in_area(area)]
        gaps.sort(key=lambda g: (-g.severity.rank, g.gnn, g.subject_type, g.subject_ref))
        return GapsReport(as_of=as_of, area=area, gaps=gaps)
    if as_of == default:
        raised = findings.refresh(actor=actor, as_of=as_of).raised
    else:
        raised = findings.evaluate_at(as_of)
    stored = findings.statuses(item.key for item in raised)
    gaps = [_gap(item, rules[item.rule], _status(stored.get(item.key))) for item in raised]
    if area is not None:
        gaps = [gap for gap in gaps if area in gap.areas]
    gaps.sort(key=lambda g: (-g.severity.rank, g.gnn, g.subject_type, g.subject_ref))
    return GapsReport(as_of=as_of, area=area, gaps=gaps)


def _status(stored: FindingStatus | None) -> FindingStatus:
    # A finding the rules raise is never "remediated", whatever was stored for another date.
    return FindingStatus.OPEN if stored in (None, FindingStatus.REMEDIATED) else stored


def _gap(item: RaisedFinding, rule: Any, status: FindingStatus) -> Gap:
    return Gap(
        rule=item.rule,
        gnn=rule.gnn,
        title=rule.title,
        severity=item.severity,
        areas=item.areas,
        subject_type=item.subject_type.value,
        subject_ref=item.subject_ref,
        subject_name=item.subject_name,
        message=item.message,
        references=tuple(ref.citation for ref in rule.references),
        remediation=rule.remediation,
        status=status,
    )


def as_json(result: GapsReport) -> str:
    doc = {
        "as_of": result.as_of.isoformat(),
        "summary": result.summary(),
        "gaps": [gap.as_json() for gap in result.gaps],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = (
    "rule",
    "severity",
    "status",
    "area",
    "subject_type",
    "subject_ref",
    "subject_name",
    "message",
    "references",
    "remediation",
)


def as_csv(result: GapsReport) -> str:
    from ..reports.workbook import inert  # never a formula in a spreadsheet that opens this

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for gap in result.gaps:
        writer.writerow(
            inert(cell) if isinstance(cell, str) else cell
            for cell in [
                gap.rule,
                gap.severity.value,
                gap.status.value,
                " ".join(gap.areas),
                gap.subject_type,
                gap.subject_ref,
                gap.subject_name,
                gap.message,
                "; ".join(gap.references),
                gap.remediation,
            ]
        )
    return out.getvalue()


def as_text(result: GapsReport) -> str:
    summary = result.summary()
    scope = f" in area {result.area}" if result.area else ""
    lines = [
        f"Gaps{scope} as of {long_date(result.as_of)}: "
        f"{summary['high']} high, {summary['medium']} medium, {summary['low']} low",
        "",
    ]
    for gap in result.gaps:
        status = "" if gap.status == FindingStatus.OPEN else f" [{label(gap.status).lower()}]"
        subject = value_label("subject_type", gap.subject_type)
        lines.append(f"{gap.severity.value.upper():6} {gap.rule} {subject} {gap.subject_ref}{status}")
        lines.append(f"       {gap.message}")
        lines.append(f"       What to do: {gap.remediation}")
        if gap.references:
            lines.append(f"       Law and guidance: {'; '.join(gap.references)}")
        lines.append("")
    if not result.gaps:
        lines.append("No gaps found.")
    return "\n".join(lines).rstrip() + "\n"
