"""The panel chair's work: meetings, attendees and how each accepted confidentiality.

Every change is written as the panel's exchange record through the import, so it is validated,
audited and followed by a findings refresh in one transaction, exactly like a file import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..exchange import fields as f
from ..exchange import serialise
from ..exchange.validate import InvalidDocument, Problem
from ..extensions import db
from ..models import MeetingAttendee, Organisation, Panel, PanelMeeting
from ..models.organisation import organisation_area
from ..models.panel import panel_area
from . import audit, write_scope
from .access import Forbidden, NotVisible, Scope
from .records import Archived

PANELS = f.BY_KEY["panels"]


def panels(scope: Scope) -> list[Panel]:
    statement = (
        sa.select(Panel)
        .options(selectinload(Panel.meetings), selectinload(Panel.areas))
        .where(scope.where(Panel))
        .order_by(Panel.name)
    )
    return list(db.session.scalars(statement))


def get_panel(scope: Scope, ref: str) -> Panel:
    panel = db.session.scalar(sa.select(Panel).where(Panel.ref == ref, scope.where(Panel)))
    if panel is None:
        raise NotVisible(f"panel {ref}")
    return panel


def get_meeting(scope: Scope, ref: str) -> PanelMeeting:
    statement = (
        sa.select(PanelMeeting)
        .options(
            selectinload(PanelMeeting.panel).selectinload(Panel.areas),
            selectinload(PanelMeeting.attendees).selectinload(MeetingAttendee.confidentiality),
            selectinload(PanelMeeting.attendees).selectinload(MeetingAttendee.organisation),
        )
        .where(PanelMeeting.ref == ref, scope.where(PanelMeeting))
    )
    meeting = db.session.scalar(statement)
    if meeting is None:
        raise NotVisible(f"meeting {ref}")
    return meeting


def partner_organisations(panel: Panel) -> list[Organisation]:
    """The organisations of the panel's areas: who may be added as an attendee."""
    statement = (
        sa.select(Organisation)
        .join(organisation_area, organisation_area.c.organisation_id == Organisation.id)
        .join(panel_area, panel_area.c.area_id == organisation_area.c.area_id)
        .where(panel_area.c.panel_id == panel.id)
        .distinct()
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(statement))


def _write_panel(
    scope: Scope,
    panel: Panel,
    change: Callable[[dict[str, Any]], None],
    actor: str,
    meeting: tuple[str, int | None] | None = None,
) -> None:
    """Write the panel's record with `change` made to it. `meeting`: (ref, the version of the
    meeting the user's page showed): refused with write_scope.Conflict if it changed since."""
    scope.require(scope.can_record_meetings_of(panel))
    if panel.is_archived:
        raise Archived(f"The panel {panel.ref} is archived: a DPO must restore it before its meetings can change.")
    record = serialise.record(PANELS, panel)
    record.setdefault("meetings", [])
    change(record)
    versions = {("meetings", meeting[0]): meeting[1]} if meeting else None
    write_scope.save(scope, {"panels": [record]}, actor=actor, versions=versions)


def _meeting_of(record: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(m for m in record["meetings"] if m["ref"] == ref)


def new_meeting_ref(panel: Panel, held_on: date) -> str:
    base = f"{panel.ref}-{held_on.isoformat()}"[:60]
    taken = set(db.session.scalars(sa.select(PanelMeeting.ref).where(PanelMeeting.ref.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)


def start_meeting(
    scope: Scope,
    panel: Panel,
    *,
    held_on: date,
    minutes_ref: str | None,
    cases_discussed: int | None,
    police_present: bool | None,
    copy_attendees: bool,
    actor: str,
) -> str:
    ref = new_meeting_ref(panel, held_on)
    meeting: dict[str, Any] = {"ref": ref, "held_on": held_on.isoformat()}
    for key, value in (
        ("minutes_ref", minutes_ref),
        ("cases_discussed", cases_discussed),
        ("resident_area_police_present", police_present),
    ):
        if value is not None:
            meeting[key] = value

    def change(record: dict[str, Any]) -> None:
        if copy_attendees and record["meetings"]:
            previous = max(record["meetings"], key=lambda m: (m["held_on"], m["ref"]))
            meeting["attendees"] = [
                {k: v for k, v in attendee.items() if k != "confidentiality"}
                for attendee in previous.get("attendees", ())
            ]
        record["meetings"].append(meeting)

    _write_panel(scope, panel, change, actor)
    return ref


def add_attendee(
    scope: Scope, meeting: PanelMeeting, new: dict[str, Any], actor: str, version: int | None = None
) -> None:
    def change(record: dict[str, Any]) -> None:
        _meeting_of(record, meeting.ref).setdefault("attendees", []).append(new)

    _write_panel(scope, meeting.panel, change, actor, (meeting.ref, version))


def attendee(meeting: PanelMeeting, attendee_id: int) -> tuple[int, MeetingAttendee]:
    """The attendee of this meeting with this id, and where it is in the meeting's list; NotVisible
    when the meeting has no such attendee (a page opened before the list changed names one by its
    id, never by its row, so it can never act on someone else)."""
    for position, item in enumerate(meeting.attendees):
        if item.id == attendee_id:
            return position, item
    raise NotVisible(f"attendee {attendee_id} of meeting {meeting.ref}")


def set_confidentiality(
    scope: Scope,
    meeting: PanelMeeting,
    attendee_id: int,
    confidentiality: dict[str, Any] | None,
    actor: str,
    version: int | None = None,
) -> None:
    position, _ = attendee(meeting, attendee_id)

    def change(record: dict[str, Any]) -> None:
        item = _meeting_of(record, meeting.ref)["attendees"][position]
        if confidentiality:
            item["confidentiality"] = confidentiality
        else:
            item.pop("confidentiality", None)

    _write_panel(scope, meeting.panel, change, actor, (meeting.ref, version))


def apply_minuted_statement(
    scope: Scope, meeting: PanelMeeting, minutes_ref: str, actor: str, version: int | None = None
) -> int:
    """Record the minuted verbal statement for everyone present who has no signed agreement."""
    applied = 0

    def change(record: dict[str, Any]) -> None:
        nonlocal applied
        for attendee in _meeting_of(record, meeting.ref).get("attendees", ()):
            if attendee.get("confidentiality", {}).get("method") != "signed_agreement":
                attendee["confidentiality"] = {"method": "verbal_recorded_in_minutes", "minutes_ref": minutes_ref}
                applied += 1

    _write_panel(scope, meeting.panel, change, actor, (meeting.ref, version))
    return applied


def remove_attendee(
    scope: Scope, meeting: PanelMeeting, attendee_id: int, actor: str, version: int | None = None
) -> None:
    position, _ = attendee(meeting, attendee_id)

    def change(record: dict[str, Any]) -> None:
        del _meeting_of(record, meeting.ref)["attendees"][position]

    _write_panel(scope, meeting.panel, change, actor, (meeting.ref, version))


def new_organisation_ref(name: str) -> str:
    """A ref from the organisation's name ("Fenbridge Mentoring CIC" -> fenbridge-mentoring-cic),
    made unique against every area's organisations."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56].strip("-") or "organisation"
    taken = set(db.session.scalars(sa.select(Organisation.ref).where(Organisation.ref.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 10_000) if f"{base}-{n}" not in taken)


def add_organisation(scope: Scope, meeting: PanelMeeting, *, name: str, partner_type: str, actor: str) -> str:
    """An organisation the register lacks, added by the chair at a meeting so that an attendee can
    be recorded as from it: its name and partner type only, in the panel's areas the user sees,
    marked for the DPO to complete. Saved through write_scope like every browser write (scoped,
    audited, findings refreshed, one transaction). Returns its ref."""
    panel = meeting.panel
    scope.require(scope.can_record_meetings_of(panel))
    areas = sorted(a.ref for a in panel.areas if scope.sees_everything or a.id in scope.area_ids)
    if not areas:
        raise Forbidden()
    same = next((o for o in partner_organisations(panel) if o.name.casefold() == name.casefold()), None)
    if same is not None:
        raise InvalidDocument(
            [Problem("organisations[0].name", f"{same.name} is already in the register: choose it as the organisation")]
        )
    ref = new_organisation_ref(name)
    record = {"ref": ref, "name": name, "partner_type": partner_type, "areas": areas, "needs_completion": True}
    write_scope.save(scope, {"organisations": [record]}, actor=actor, creating=[("organisations", ref)])
    return ref


def attendance_sheet(scope: Scope, meeting: PanelMeeting, *, actor: str) -> bytes:
    """The meeting's attendance and confidentiality sheet (PDF, OFFICIAL-SENSITIVE, with the
    attendees' names: for the panel's own file). Its printing is audited, without the names."""
    from ..reports import attendance

    scope.require(scope.can_record_meetings_of(meeting.panel))
    attendees = []
    for attendee in meeting.attendees:
        record = attendee.confidentiality
        detail = None
        if record is not None and record.minutes_ref:
            detail = record.minutes_ref
        elif record is not None and record.signed_on:
            detail = record.signed_on.strftime("%-d %b %Y")
        attendees.append(
            attendance.Attendee(
                name=attendee.name,
                role=attendee.role,
                organisation=attendee.organisation.name,
                membership=attendee.membership.value if attendee.membership else None,
                confidentiality=record.method.value if record is not None else None,
                confidentiality_detail=detail,
            )
        )
    generated_at = datetime.now(UTC).replace(microsecond=0)
    data, pages = attendance.build(
        attendance.Sheet(
            panel=meeting.panel.name,
            meeting_ref=meeting.ref,
            held_on=meeting.held_on,
            minutes_ref=meeting.minutes_ref,
            attendees=attendees,
            generated_by=actor.removeprefix("web:"),
            generated_at=generated_at,
        )
    )
    # A report entry of the panel's (first) area, so that area's readers see it in the trail.
    audit.record_report(
        kind="attendance-sheet",
        ref=f"attendance-sheet-{meeting.ref}",
        area_ref=min((area.ref for area in meeting.panel.areas), default=None),
        sha256=hashlib.sha256(data).hexdigest(),
        details={
            "meeting": meeting.ref,
            "attendees": len(attendees),
            "generated_at": generated_at.isoformat(),
            "pages": pages,
        },
        actor=actor,
        source="report",
    )
    db.session.commit()
    return data


def record_cases_discussed(
    scope: Scope, meeting: PanelMeeting, cases_discussed: int, actor: str, version: int | None = None
) -> None:
    """The number of cases discussed, for a meeting recorded (or imported) without it."""

    def change(record: dict[str, Any]) -> None:
        _meeting_of(record, meeting.ref)["cases_discussed"] = cases_discussed

    _write_panel(scope, meeting.panel, change, actor, (meeting.ref, version))


def cases_not_recorded(scope: Scope, limit: int = 20) -> tuple[int, list[PanelMeeting]]:
    """Meetings whose number of cases discussed is not recorded (imported without it): how many,
    and the most recent, for the dashboard to ask their chairs to complete (two queries)."""
    condition = sa.and_(PanelMeeting.cases_discussed.is_(None), scope.where(PanelMeeting))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(PanelMeeting).where(condition)) or 0
    statement = (
        sa.select(PanelMeeting)
        .options(selectinload(PanelMeeting.panel))
        .where(condition)
        .order_by(PanelMeeting.held_on.desc(), PanelMeeting.ref)
        .limit(limit)
    )
    return total, list(db.session.scalars(statement))
