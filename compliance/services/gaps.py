"""The gaps report: every finding with its law, remediation and status, worst first."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..labels import label, long_date, value_label
from ..models import Area, Finding
from ..models.enums import FindingStatus, Severity
from ..models.finding import finding_area
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


def report(*, actor: str, as_of: date | None = None, area: str | None = None, recompute: bool = False) -> GapsReport:
    """The gaps at `as_of` (the register's own evaluation date by default), of one area or all.

    At the register's date the stored findings are read, once they are exact for it
    (findings.bring_up_to_date: usually nothing to do, as every change keeps them exact; the rules
    that read the date when only the date has moved on). `recompute` runs every rule over the
    whole register instead and stores the outcome; the output is the same, byte for byte
    (tests/integration/test_gaps_stored.py). The caller commits.

    At any other date the rules run without storing anything, and each finding takes its status
    from the stored finding with the same rule and subject: the stored findings are for the
    register's date, and an audit question about another date is rare enough to run every rule."""
    _known(area)
    default = register.default_as_of()
    as_of = as_of or default
    rules = reference.rules_by_code()
    if as_of == default and not recompute:
        findings.bring_up_to_date(actor, as_of, area)
        return GapsReport(as_of=as_of, area=area, gaps=stored(area))
    if as_of == default:
        raised = findings.refresh(actor=actor, as_of=as_of).raised
    else:
        raised = findings.evaluate_at(as_of)
    statuses = findings.statuses(item.key for item in raised)
    gaps = [_gap(item, rules[item.rule], _status(statuses.get(item.key))) for item in raised]
    if area is not None:
        gaps = [gap for gap in gaps if area in gap.areas]
    return GapsReport(as_of=as_of, area=area, gaps=_worst_first(gaps))


def up_to_date(*, actor: str, area: str | None = None) -> date:
    """The register's date, with the stored findings (of `area`, or all) made exact for it: what
    stored() and stored_counts() then read, an area at a time if need be (a national PDF)."""
    _known(area)
    as_of = register.default_as_of()
    findings.bring_up_to_date(actor, as_of, area)
    return as_of


def stored(area: str | None) -> list[Gap]:
    """The stored findings about an area (every area: None), not closed, as gaps, worst first."""
    made = _GapMaker(reference.rules_by_code())
    return _worst_first([made(item, status) for item, status in findings.in_area(area)])


@dataclass(frozen=True)
class Counts:
    """The stored findings about an area (every area: None), counted: what a report's summary and
    contents show, without holding the findings themselves."""

    open: dict[str, int]  # severity -> open findings
    accepted: dict[str, int]  # severity -> findings accepted as a risk
    open_by_rule: dict[str, int]  # rule code -> open findings
    # area ref -> severity -> open findings, over every area those findings are about (a finding
    # about a DSA shared by two areas counts in both)
    open_by_area: dict[str, dict[str, int]]

    @classmethod
    def of(cls, gaps: list[Gap]) -> Counts:
        """The same counts of gaps in hand (a report at another date than the register's)."""
        open_, accepted, by_rule = defaultdict(int), defaultdict(int), defaultdict(int)
        by_area: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for gap in gaps:
            level = gap.severity.value
            if gap.status == FindingStatus.ACCEPTED_RISK:
                accepted[level] += 1
            elif gap.status == FindingStatus.OPEN:
                open_[level] += 1
                by_rule[gap.rule] += 1
                for ref in gap.areas:
                    by_area[ref][level] += 1
        return cls(dict(open_), dict(accepted), dict(by_rule), {ref: dict(c) for ref, c in by_area.items()})


def stored_counts(area: str | None = None) -> Counts:
    """The counts of what stored(area) gives, by the database (tests/integration/test_gaps_stored.py
    checks them against the gaps counted one by one)."""
    finding, area_table = Finding.__table__.c, Area.__table__.c
    severity, status = sa.type_coerce(finding.severity, sa.String), sa.type_coerce(finding.status, sa.String)
    chosen = [status != FindingStatus.REMEDIATED.value]
    if area is not None:
        about = sa.select(finding_area.c.finding_id).join(Area.__table__).where(area_table.ref == area)
        chosen.append(finding.id.in_(about))
    counted = sa.func.count()
    open_, accepted = defaultdict(int), defaultdict(int)
    for level, state, count in db.session.execute(
        sa.select(severity, status, counted).where(*chosen).group_by(severity, status)
    ):
        if state == FindingStatus.OPEN.value:
            open_[level] += count
        elif state == FindingStatus.ACCEPTED_RISK.value:
            accepted[level] += count
    is_open = [*chosen[1:], status == FindingStatus.OPEN.value]
    by_rule = dict(
        db.session.execute(sa.select(finding.rule_code, counted).where(*is_open).group_by(finding.rule_code)).all()
    )
    by_area: dict[str, dict[str, int]] = defaultdict(dict)
    rows = db.session.execute(
        sa.select(area_table.ref, severity, counted)
        .select_from(finding_area.join(Area.__table__).join(Finding.__table__))
        .where(*is_open)
        .group_by(area_table.ref, severity)
    )
    for ref, level, count in rows:
        by_area[ref][level] = count
    return Counts(open=dict(open_), accepted=dict(accepted), open_by_rule=by_rule, open_by_area=dict(by_area))


def _known(area: str | None) -> None:
    if area is not None and db.session.scalar(sa.select(Area.id).where(Area.ref == area)) is None:
        raise UnknownArea(area)


def _worst_first(gaps: list[Gap]) -> list[Gap]:
    # A rule raises at most one finding per subject, so this order is total.
    return sorted(gaps, key=lambda g: (-g.severity.rank, g.gnn, g.subject_type, g.subject_ref))


def _status(stored: FindingStatus | None) -> FindingStatus:
    # A finding the rules raise is never "remediated", whatever was stored for another date.
    return FindingStatus.OPEN if stored in (None, FindingStatus.REMEDIATED) else stored


class _GapMaker:
    """_gap() for many findings: what each rule contributes is read once per rule."""

    def __init__(self, rules: dict[str, Any]) -> None:
        self.rules = rules
        self.by_rule: dict[str, tuple[str, str, tuple[str, ...], str]] = {}

    def __call__(self, item: RaisedFinding, status: FindingStatus) -> Gap:
        known = self.by_rule.get(item.rule)
        if known is None:
            rule = self.rules[item.rule]
            known = self.by_rule[item.rule] = (
                rule.gnn,
                rule.title,
                tuple(ref.citation for ref in rule.references),
                rule.remediation,
            )
        gnn, title, references, remediation = known
        return Gap(
            rule=item.rule,
            gnn=gnn,
            title=title,
            severity=item.severity,
            areas=item.areas,
            subject_type=item.subject_type.value,
            subject_ref=item.subject_ref,
            subject_name=item.subject_name,
            message=item.message,
            references=references,
            remediation=remediation,
            status=status,
        )


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
    """The document `json.dumps(doc, indent=2, ensure_ascii=False)` writes for `as_json_doc()`,
    byte for byte, written gap by gap: the standard library encodes an indented document in pure
    Python, a second for a national register's 15,000 gaps (tests/unit/test_gaps_json.py compares
    the two)."""
    head = json.dumps({"as_of": result.as_of.isoformat(), "summary": result.summary()}, indent=2, ensure_ascii=False)
    if not result.gaps:
        return head[: -len("\n}")] + ',\n  "gaps": []\n}\n'
    rules: dict[tuple[str, tuple[str, ...], str], str] = {}
    parts = [head[: -len("\n}")], ',\n  "gaps": [\n']
    for number, gap in enumerate(result.gaps):
        tail_key = (gap.rule, gap.references, gap.remediation)
        tail = rules.get(tail_key)
        if tail is None:
            tail = rules[tail_key] = (
                f'      "references": {_json_list(gap.references)},\n      "remediation": {_text(gap.remediation)},\n'
            )
        parts.append(
            ("    {\n" if number == 0 else ",\n    {\n") + f'      "rule": {_text(gap.rule)},\n'
            f'      "severity": {_text(gap.severity.value)},\n'
            f'      "area": {_text(gap.areas[0]) if gap.areas else "null"},\n'
            f'      "areas": {_json_list(gap.areas)},\n'
            f'      "subject": {{\n        "type": {_text(gap.subject_type)},\n'
            f'        "ref": {_text(gap.subject_ref)}\n      }},\n'
            f'      "message": {_text(gap.message)},\n' + tail + f'      "status": {_text(gap.status.value)}\n    }}'
        )
    parts.append("\n  ]\n}\n")
    return "".join(parts)


def as_json_doc(result: GapsReport) -> dict[str, Any]:
    """The JSON document of the gaps (interfaces.md), as Python values."""
    return {
        "as_of": result.as_of.isoformat(),
        "summary": result.summary(),
        "gaps": [gap.as_json() for gap in result.gaps],
    }


# A JSON string as json.dumps(..., ensure_ascii=False) writes it (the C encoder).
_text = json.encoder.encode_basestring


def _json_list(items: tuple[str, ...]) -> str:
    """A list of strings inside a gap (at depth 3), as json.dumps(indent=2) writes it."""
    if not items:
        return "[]"
    return "[\n" + ",\n".join("        " + _text(item) for item in items) + "\n      ]"


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
