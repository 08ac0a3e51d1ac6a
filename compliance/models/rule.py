"""The rule catalogue and its legal references: data a DPO can update (seeds/reference/)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, enum_column
from .enums import Severity, SubjectType

rule_legal_reference = sa.Table(
    "rule_legal_reference",
    Base.metadata,
    sa.Column("rule_code", sa.ForeignKey("rule.code", ondelete="CASCADE"), primary_key=True),
    sa.Column("legal_reference_id", sa.ForeignKey("legal_reference.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False, default=0),
)


class LegalReference(TimestampMixin, Base):
    __tablename__ = "legal_reference"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(100), unique=True)
    citation: Mapped[str] = mapped_column(sa.String(300))
    title: Mapped[str | None] = mapped_column(sa.String(1000))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    source: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.String(2000))


class Rule(TimestampMixin, Base):
    """One gap rule: its stable code, what it is about and what to do about it."""

    __tablename__ = "rule"

    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    gnn: Mapped[str] = mapped_column(sa.String(3), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    subject_type: Mapped[SubjectType] = mapped_column(enum_column(SubjectType))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    severity_note: Mapped[str | None] = mapped_column(sa.String(1000))
    why: Mapped[str] = mapped_column(sa.Text)
    remediation: Mapped[str] = mapped_column(sa.Text)

    references: Mapped[list[LegalReference]] = relationship(
        secondary=rule_legal_reference, order_by=rule_legal_reference.c.position
    )


class Commencement(TimestampMixin, Base):
    """When a provision the rules apply came into force (seeds/reference/commencements.json).

    A register evaluated before that date is judged by the law of its date, so the rules read
    these dates; they are data because commencement regulations are what a DPO checks and may
    need to correct."""

    __tablename__ = "commencement"

    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    provision: Mapped[str] = mapped_column(sa.String(500))
    in_force_from: Mapped[date]
    amended_by: Mapped[str] = mapped_column(sa.String(300))  # the Act whose provision it is
    citation: Mapped[str | None] = mapped_column(sa.String(500))  # the commencement instrument
    source: Mapped[str | None] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.String(2000))
