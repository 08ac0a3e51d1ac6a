"""Channel (and similar) panels, their meetings, attendees and confidentiality records."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSED_IDS, ArchiveMixin, Base, TimestampMixin, VersionMixin, enum_column, ref_column
from .enums import ConfidentialityMethod, ConfidentialityPolicy, Membership, PanelKind
from .organisation import Organisation

if TYPE_CHECKING:
    from .area import Area

panel_area = sa.Table(
    "panel_area",
    Base.metadata,
    sa.Column("panel_id", sa.ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

panel_police_force = sa.Table(
    "panel_police_force",
    Base.metadata,
    sa.Column("panel_id", sa.ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Panel(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "panel"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    name: Mapped[str] = mapped_column(sa.String(500))
    kind: Mapped[PanelKind] = mapped_column(enum_column(PanelKind))
    chair_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"))
    confidentiality_policy: Mapped[ConfidentialityPolicy | None] = mapped_column(enum_column(ConfidentialityPolicy))

    areas: Mapped[list[Area]] = relationship(secondary=panel_area, order_by="Area.ref")
    chair_organisation: Mapped[Organisation] = relationship()
    police_forces: Mapped[list[Organisation]] = relationship(secondary=panel_police_force, order_by="Organisation.ref")
    meetings: Mapped[list[PanelMeeting]] = relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="(PanelMeeting.held_on, PanelMeeting.ref)"
    )


class PanelMeeting(TimestampMixin, VersionMixin, Base):
    __tablename__ = "panel_meeting"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date]
    minutes_ref: Mapped[str | None] = mapped_column(sa.String(200))
    cases_discussed: Mapped[int | None]
    resident_area_police_present: Mapped[bool | None]

    panel: Mapped[Panel] = relationship(back_populates="meetings")
    attendees: Mapped[list[MeetingAttendee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendee.position"
    )


class MeetingAttendee(Base):
    __tablename__ = "meeting_attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("panel_meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Personal data (FOIA s40(2)): never in FOI or public outputs.
    name: Mapped[str | None] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    membership: Mapped[Membership | None] = mapped_column(enum_column(Membership))

    meeting: Mapped[PanelMeeting] = relationship(back_populates="attendees")
    organisation: Mapped[Organisation] = relationship()
    confidentiality: Mapped[ConfidentialityRecord | None] = relationship(
        back_populates="attendee", cascade="all, delete-orphan", uselist=False
    )


class ConfidentialityRecord(Base):
    """How one attendee accepted the confidentiality of one meeting."""

    __tablename__ = "confidentiality_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_attendee.id", ondelete="CASCADE"), unique=True)
    method: Mapped[ConfidentialityMethod] = mapped_column(enum_column(ConfidentialityMethod))
    minutes_ref: Mapped[str | None] = mapped_column(sa.String(200))
    signed_on: Mapped[date | None]

    attendee: Mapped[MeetingAttendee] = relationship(back_populates="confidentiality")
