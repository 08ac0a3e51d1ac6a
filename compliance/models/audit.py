"""The audit trail: append-only, one entry per created, changed or deleted record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, enum_column, utcnow
from .enums import AuditAction


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_record", "record_type", "record_ref"),
        sa.Index("ix_audit_event_record_id", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(320))
    # Where the change came from: cli, import, seed, web.
    source: Mapped[str] = mapped_column(sa.String(50))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    record_type: Mapped[str] = mapped_column(sa.String(64))
    record_ref: Mapped[str] = mapped_column(sa.String(200))
    # The record's id in its table (ids are never reused), for the record types that have one:
    # what the entry belongs to. Its ref is only what the record was called then: another record
    # may carry that ref later and must not see this entry. Hashed like every other column.
    record_id: Mapped[int | None]
    # The record as the exchange format writes it, before and after the change.
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # The hash chain (services/audit_chain.py): the previous entry's hash, and this entry's.
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    entry_hash: Mapped[str] = mapped_column(sa.String(64))


class AuditTrailIsAppendOnly(Exception):
    pass


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(mapper, connection, target: AuditEvent) -> None:
    """The audit trail is append-only: the ORM refuses to change or delete an entry."""
    raise AuditTrailIsAppendOnly(f"audit entry {target.id} cannot be changed or deleted")
