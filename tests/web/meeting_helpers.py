"""Attendees are named by their id in addresses (never by their row): finding one for a test."""

from __future__ import annotations

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import MeetingAttendee, PanelMeeting


def attendee_ids(meeting_ref: str) -> list[int]:
    """The ids of a meeting's attendees, in the meeting's order."""
    statement = (
        sa.select(MeetingAttendee.id)
        .join(PanelMeeting, PanelMeeting.id == MeetingAttendee.meeting_id)
        .where(PanelMeeting.ref == meeting_ref)
        .order_by(MeetingAttendee.position)
    )
    ids = list(db.session.scalars(statement))
    db.session.remove()
    return ids
