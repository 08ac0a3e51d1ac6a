"""Findings the gap rules raise, persisted with their life: open, accepted risk, remediated."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .area import Area
from .base import Base, VersionMixin, enum_column, utcnow
from .enums import FindingEventKind, FindingStatus, Severity, SubjectType
from .rule import Rule

finding_area = sa.Table(
    "finding_area",
    Base.metadata,
    sa.Column("finding_id", sa.ForeignKey("finding.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Finding(VersionMixin, Base):
    """One rule's finding about one subject. A finding that closes and is raised again reopens."""

    __tablename__ = "finding"
    __table_args__ = (
        # One finding per rule and subject record. By id, not ref: a record given a ref another
        # (removed) record had gets findings of its own, not that record's history and accepted risks.
        sa.UniqueConstraint("rule_code", "subject_type", "subject_id"),
        # A scoped refresh reads the findings of the subjects it decides.
        sa.Index("ix_finding_subject", "subject_ref", "subject_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_code: Mapped[str] = mapped_column(sa.ForeignKey("rule.code", ondelete="RESTRICT"))
    subject_type: Mapped[SubjectType] = mapped_column(enum_column(SubjectType))
    subject_ref: Mapped[str] = mapped_column(sa.String(64))
    # The subject's id in its table; null when the subject is gone (or was already gone when
    # migration 0011 linked findings to records).
    subject_id: Mapped[int | None]
    subject_name: Mapped[str | None] = mapped_column(sa.String(500))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    message: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[FindingStatus] = mapped_column(enum_column(FindingStatus), index=True)
    first_raised_on: Mapped[date]
    last_raised_on: Mapped[date]
    remediated_on: Mapped[date | None]
    accepted_reason: Mapped[str | None] = mapped_column(sa.Text)
    accepted_by: Mapped[str | None] = mapped_column(sa.String(320))
    accepted_on: Mapped[date | None]
    review_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    rule: Mapped[Rule] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=finding_area, order_by="Area.ref")
    events: Mapped[list[FindingEvent]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="FindingEvent.id"
    )

    @property
    def is_raised(self) -> bool:
        return self.status != FindingStatus.REMEDIATED


class FindingEvent(Base):
    """One step in a finding's history: the dashboard's trends are drawn from these."""

    __tablename__ = "finding_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("finding.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    on: Mapped[date] = mapped_column(index=True)
    kind: Mapped[FindingEventKind] = mapped_column(enum_column(FindingEventKind))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    status: Mapped[FindingStatus] = mapped_column(enum_column(FindingStatus))
    actor: Mapped[str] = mapped_column(sa.String(320))
    note: Mapped[str | None] = mapped_column(sa.Text)
    # The hash chain (services/audit_chain.py): the previous event's hash, and this event's.
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    entry_hash: Mapped[str] = mapped_column(sa.String(64))

    finding: Mapped[Finding] = relationship(back_populates="events")
