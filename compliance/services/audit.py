"""The audit trail: every create, change and delete of a register record, with who, when and the
record before and after (as the exchange format writes it). Append-only: nothing here updates or
deletes an entry, and no other code writes to the table (audit_chain.py chains and inserts what this
module hands it; the ORM's entries are chained as they are flushed)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEvent
from ..models.enums import AuditAction
from . import audit_chain


def record_change(
    *,
    actor: str,
    source: str,
    record_type: str,
    record_ref: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    record_id: int | None = None,
) -> AuditEvent | None:
    """Add one entry for a record's change; None (and no entry) when nothing changed. `record_id`
    (the record's id in its table) is what ties the entry to the record: give it for every record
    type that has one (those of `RECORD_TYPES` in exchange/fields.py, evidence documents)."""
    if before == after:
        return None
    if before is None:
        action = AuditAction.CREATE
    elif after is None:
        action = AuditAction.DELETE
    else:
        action = AuditAction.UPDATE
    event = AuditEvent(
        actor=actor,
        source=source,
        action=action,
        record_type=record_type,
        record_ref=record_ref,
        record_id=record_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def record_creations(created: list[tuple[str, dict[str, Any], int]], *, actor: str, source: str) -> None:
    """One entry per record created in bulk ((record type, the record as imported, its new id)),
    written in a few multi-row INSERTs: an import of a whole register creates tens of thousands of records."""
    if not created:
        return
    rows = [
        {
            "actor": actor,
            "source": source,
            "action": AuditAction.CREATE,
            "record_type": record_type,
            "record_ref": record["ref"],
            "record_id": record_id,
            "before": None,
            "after": record,
        }
        for record_type, record, record_id in created
    ]
    audit_chain.append(AuditEvent.__table__, rows)


def record_report(
    *,
    kind: str,
    area_ref: str | None,
    sha256: str,
    details: dict[str, Any],
    actor: str,
    source: str,
    ref: str | None = None,
) -> AuditEvent | None:
    """One entry for a report generated (kind: pdf, workbook, foi), with the file's SHA-256 and its
    scope. A report of one area carries the area's id (its readers see the entry); one of every
    area carries none (an admin's)."""
    from ..models import Area

    area_id = db.session.scalar(sa.select(Area.id).where(Area.ref == area_ref)) if area_ref else None
    return record_change(
        actor=actor,
        source=source,
        record_type="report",
        record_ref=(ref or f"{kind}-{area_ref or 'all-areas'}")[:64],
        record_id=area_id,
        before=None,
        after={"kind": kind, "scope": f"area {area_ref}" if area_ref else "all areas", "sha256": sha256, **details},
    )


def changed_fields(event: AuditEvent) -> list[str]:
    """The top-level fields an entry changed, in the record's order."""
    before, after = event.before or {}, event.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [key.replace("_", " ") for key in keys if before.get(key) != after.get(key)]


def changes_since(record_type: str, record_ref: str, count: int) -> list[tuple[AuditEvent, list[tuple[str, Any, Any]]]]:
    """The last `count` changes of a record, newest first, each with the (field, before, after)
    of the top-level fields it changed."""
    statement = (
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.record_id == _current_id(record_type, record_ref))
        .order_by(AuditEvent.id.desc())
        .limit(count)
    )
    out = []
    for event in db.session.scalars(statement):
        before, after = event.before or {}, event.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        out.append(
            (event, [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)])
        )
    return out


def _current_id(record_type: str, record_ref: str) -> sa.ScalarSelect:
    """The id of the record that has this ref now (a subquery)."""
    from ..exchange import fields as f

    model = f.BY_SUBJECT[record_type].model
    return sa.select(model.id).where(model.ref == record_ref).scalar_subquery()


def history(record_type: str, record_id: int) -> list[AuditEvent]:
    """One record's entries, oldest first, by its id."""
    statement = (
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(statement))
