"""A DPO's decision to withhold an FOI answer (national security s24, law enforcement s31)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin


class FoiWithholding(TimestampMixin, Base):
    """The register never withholds by itself: a DPO decides, with the public interest test."""

    __tablename__ = "foi_withholding"
    __table_args__ = (sa.UniqueConstraint("area_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"))
    question: Mapped[int]
    # Labels as FOI answers cite them: "s24", "s31".
    exemptions: Mapped[list[str]] = mapped_column(sa.JSON)
    public_interest: Mapped[str] = mapped_column(sa.Text)
    decided_by: Mapped[str] = mapped_column(sa.String(320))
    decided_on: Mapped[date]


class FoiRelease(TimestampMixin, Base):
    """A DPO marked an area's draft final for release: downloads of that very draft (the same
    text, `fingerprint`) drop the OFFICIAL-SENSITIVE marking. A draft that changes since is a new
    draft, marked again."""

    __tablename__ = "foi_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), unique=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    marked_by: Mapped[str] = mapped_column(sa.String(320))
    marked_on: Mapped[date]
