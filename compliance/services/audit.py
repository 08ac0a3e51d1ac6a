"""The audit trail: every create, change and delete of a register record, with who, when and the
record before and after (as the exchange format writes it). Append-only: nothing here updates or
deletes an entry, and no other code writes to the table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEvent
from ..models.enums import AuditAction


def record_change(
    *,
    actor: str,
    source: str,
    record_type: str,
    record_ref: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent | None:
    """Add one entry for a record's change; None (and no entry) when nothing changed."""
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
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def history(record_type: str, record_ref: str) -> list[AuditEvent]:
    statement = (
        sa.select(AuditEvent)
        .where(AuditEvent.record_type == record_type, AuditEvent.record_ref == record_ref)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(statement))
