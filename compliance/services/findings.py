"""Findings and their life: raised by the rules, accepted as a risk, remediated, closed, reopened.

`refresh()` runs every rule at the register's evaluation date and brings the stored findings in
line: new findings open, findings the rules no longer raise close (remediated, with the date),
findings raised again reopen. Every step is a FindingEvent, so the history is never lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Area, Finding, FindingEvent
from ..models.enums import FindingEventKind, FindingStatus, Severity
from ..rules.base import RaisedFinding
from ..rules.engine import evaluate
from . import reference, register
from .access import NotVisible, Scope


class FindingError(Exception):
    """A request about a finding that cannot be done; the message says why."""


@dataclass(frozen=True)
class Refreshed:
    as_of: date
    raised: list[RaisedFinding]
    opened: int
    reopened: int
    closed: int


def _stored() -> dict[tuple[str, str, str], Finding]:
    statement = sa.select(Finding).options(selectinload(Finding.areas))
    return {(f.rule_code, f.subject_type.value, f.subject_ref): f for f in db.session.scalars(statement)}


def evaluate_at(as_of: date) -> list[RaisedFinding]:
    """What the rules raise at `as_of`, without storing anything."""
    reference.ensure_loaded()
    return evaluate(register.rule_context(as_of))


def refresh(actor: str, as_of: date | None = None) -> Refreshed:
    """Run the rules at the register's evaluation date and store the outcome."""
    as_of = as_of or register.default_as_of()
    raised = evaluate_at(as_of)
    stored = _stored()
    areas = {area.ref: area for area in db.session.scalars(sa.select(Area))}
    opened = reopened = closed = 0
    seen = set()
    for item in raised:
        seen.add(item.key)
        finding = stored.get(item.key)
        if finding is None:
            finding = Finding(
                rule_code=item.rule,
                subject_type=item.subject_type,
                subject_ref=item.subject_ref,
                status=FindingStatus.OPEN,
                first_raised_on=as_of,
                severity=item.severity,
            )
            db.session.add(finding)
            _event(finding, FindingEventKind.RAISED, actor, as_of, item.severity)
            opened += 1
        elif finding.status == FindingStatus.REMEDIATED:
            finding.status = FindingStatus.OPEN
            finding.remediated_on = None
            _event(finding, FindingEventKind.REOPENED, actor, as_of, item.severity)
            reopened += 1
        elif finding.severity != item.severity:
            _event(
                finding,
                FindingEventKind.SEVERITY_CHANGED,
                actor,
                as_of,
                item.severity,
                note=f"{finding.severity.value} to {item.severity.value}",
            )
        finding.severity = item.severity
        finding.subject_name = item.subject_name
        finding.message = item.message
        finding.last_raised_on = as_of
        wanted = [areas[ref] for ref in item.areas if ref in areas]
        if [a.ref for a in finding.areas] != [a.ref for a in wanted]:
            finding.areas = wanted
    for key, finding in stored.items():
        if key not in seen and finding.status != FindingStatus.REMEDIATED:
            finding.status = FindingStatus.REMEDIATED
            finding.remediated_on = as_of
            _event(
                finding,
                FindingEventKind.CLOSED,
                actor,
                as_of,
                finding.severity,
                note="The rules no longer raise this finding.",
            )
            closed += 1
    db.session.flush()
    return Refreshed(as_of, raised, opened, reopened, closed)


def _event(
    finding: Finding, kind: FindingEventKind, actor: str, on: date, severity: Severity, note: str | None = None
) -> None:
    status = finding.status
    finding.events.append(FindingEvent(kind=kind, on=on, actor=actor, severity=severity, status=status, note=note))


def statuses(keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], FindingStatus]:
    """The stored status of each key that has a stored finding."""
    wanted = set(keys)
    return {key: finding.status for key, finding in _stored().items() if key in wanted}


def accept_risk(finding: Finding, *, actor: str, reason: str, review_on: date, today: date | None = None) -> None:
    """Record that the organisation accepts the risk of an open finding, until `review_on`."""
    today = today or date.today()
    if finding.status == FindingStatus.REMEDIATED:
        raise FindingError("This finding is closed: there is no risk to accept.")
    if not reason.strip():
        raise FindingError("Enter why the risk is accepted.")
    if review_on <= today:
        raise FindingError("The review date must be in the future.")
    finding.status = FindingStatus.ACCEPTED_RISK
    finding.accepted_reason = reason.strip()
    finding.accepted_by = actor
    finding.accepted_on = today
    finding.review_on = review_on
    _event(finding, FindingEventKind.RISK_ACCEPTED, actor, today, finding.severity, note=finding.accepted_reason)
    db.session.commit()


def mark_remediated(finding: Finding, *, actor: str) -> None:
    """Close a finding by hand once the record is fixed. Refused while the rules still raise it:
    the rules, not a click, decide whether a gap exists. The refresh it runs is kept either way."""
    refresh(actor=actor)
    db.session.commit()
    if finding.status != FindingStatus.REMEDIATED:
        raise FindingError(
            "The rules still find this gap. Fix the record (the finding says what is missing) and it will close."
        )


def get(finding_id: int, scope: Scope) -> Finding:
    statement = (
        sa.select(Finding)
        .options(selectinload(Finding.areas), selectinload(Finding.events))
        .where(Finding.id == finding_id, scope.where(Finding))
    )
    finding = db.session.scalar(statement)
    if finding is None:
        raise NotVisible(f"finding {finding_id}")
    return finding
