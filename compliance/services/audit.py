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


RECORD_TYPES = (
    "area",
    "organisation",
    "storage_system",
    "privacy_notice",
    "data_flow",
    "dsa",
    "dpia",
    "processing_contract",
    "mou",
    "joint_controller_arrangement",
    "panel",
    "user",
    "rule",
    "legal_reference",
)
PAGE_SIZE = 50


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


def log(scope, *, page: int = 1, record_type: str = "", record_ref: str = "", actor: str = ""):
    """Entries, newest first. Auditors see entries about records in their areas and their own
    entries; an admin sees everything. Returns (entries, total, page, pages)."""
    from .records import Page

    condition = sa.true()
    if record_type:
        condition = sa.and_(condition, AuditEvent.record_type == record_type)
    if record_ref:
        condition = sa.and_(condition, AuditEvent.record_ref == record_ref)
    if actor:
        condition = sa.and_(condition, AuditEvent.actor.contains(actor))
    if not scope.sees_everything:
        condition = sa.and_(condition, _visible(scope))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(condition)) or 0
    statement = (
        sa.select(AuditEvent)
        .where(condition)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    return Page(list(db.session.scalars(statement)), total, max(page, 1), PAGE_SIZE)


def _current_id(record_type: str, record_ref: str) -> sa.ScalarSelect:
    """The id of the record that has this ref now (a subquery)."""
    from ..exchange import fields as f

    model = f.BY_SUBJECT[record_type].model
    return sa.select(model.id).where(model.ref == record_ref).scalar_subquery()


def _visible(scope):
    """Entries about records the user can see now, by the record's id (never by ref: a record given
    the ref of a removed one does not bring the removed one's entries with it), and about the
    evidence documents of those records."""
    from ..exchange import fields as f
    from ..models import EvidenceDocument

    conditions = []
    for kind in f.RECORD_TYPES:
        ids = sa.select(kind.model.id).where(scope.where(kind.model))
        conditions.append(sa.and_(AuditEvent.record_type == kind.subject, AuditEvent.record_id.in_(ids)))
        documents = sa.select(EvidenceDocument.id).where(
            EvidenceDocument.record_type == kind.subject, EvidenceDocument.record_id.in_(ids)
        )
        conditions.append(sa.and_(AuditEvent.record_type == "evidence_document", AuditEvent.record_id.in_(documents)))
    return sa.or_(*conditions)


def history(record_type: str, record_id: int) -> list[AuditEvent]:
    """One record's entries, oldest first, by its id."""
    statement = (
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(statement))
