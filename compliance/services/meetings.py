"""The panel chair's work: meetings, attendees and how each accepted confidentiality.

Every change writes that meeting's rows only (write_scope.save_meeting): checked against the
user's scope, the meeting's version and the exchange schema, audited as a change of the panel
(the meeting before and after), and followed by a refresh of that meeting's findings, in one
transaction. Its cost does not grow with the panel's history (bench/meeting_action.py).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..exchange.validate import InvalidDocument, Problem
from ..extensions import db
from ..models import ConfidentialityRecord, MeetingAttendee, Organisation, Panel, PanelMeeting
from ..models.enums import ConfidentialityMethod, Membership
from ..models.organisation import organisation_area
from ..models.panel import panel_area
from . import audit, findings, write_scope
from .access import Forbidden, NotVisible, Scope


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


def heading(scope: Scope, ref: str) -> tuple[str, date]:
    """(panel name, date held) of a meeting the user may see; NotVisible otherwise. One query: what
    a meeting page whose content is kept needs each request."""
    statement = (
        sa.select(Panel.name, PanelMeeting.held_on)
        .join(Panel, Panel.id == PanelMeeting.panel_id)
        .where(PanelMeeting.ref == ref, scope.where(PanelMeeting))
    )
    row = db.session.execute(statement).first()
    if row is None:
        raise NotVisible(f"meeting {ref}")
    return row[0], row[1]


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


def _write_meeting(
    scope: Scope,
    meeting: PanelMeeting,
    change: Callable[[PanelMeeting], None],
    actor: str,
    version: int | None = None,
    *,
    creating: bool = False,
    panel_too: bool = False,
) -> None:
    """Write `change` to this meeting's rows only (write_scope.save_meeting: scope, version, schema,
    audit, one transaction) and refresh the findings about this meeting only."""

    def refresh(changed: PanelMeeting, attendance_changed: set[int]):
        return findings.refresh_meeting(
            changed, actor, attendance_changed=bool(attendance_changed), panel_too=panel_too
        )

    write_scope.save_meeting(scope, meeting, change, actor=actor, refresh=refresh, version=version, creating=creating)


def same_day_meetings(panel: Panel, held_on: date) -> list[str]:
    """The refs of the panel's meetings already recorded on this date."""
    statement = sa.select(PanelMeeting.ref).where(PanelMeeting.panel_id == panel.id, PanelMeeting.held_on == held_on)
    return sorted(db.session.scalars(statement))


def new_meeting_ref(panel: Panel, held_on: date) -> str:
    base = f"{panel.ref}-{held_on.isoformat()}"[:60]
    taken = set(db.session.scalars(sa.select(PanelMeeting.ref).where(PanelMeeting.ref.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)


def _organisations(refs: Iterable[str]) -> dict[str, Organisation]:
    refs = sorted(set(refs))
    if not refs:
        return {}
    return {o.ref: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.ref.in_(refs)))}


def _attendee(item: dict[str, Any], organisations: dict[str, Organisation], position: int) -> MeetingAttendee:
    """A new attendee row from an exchange-format attendee (its organisation by ref)."""
    organisation = organisations.get(item["organisation"])
    if organisation is None:
        raise InvalidDocument([Problem("attendees.organisation", f"{item['organisation']} is not in the register")])
    attendee = MeetingAttendee(
        position=position,
        name=item.get("name"),
        role=item["role"],
        organisation=organisation,
        membership=Membership(item["membership"]) if item.get("membership") else None,
    )
    _set_confidentiality(attendee, item.get("confidentiality"))
    return attendee


def _set_confidentiality(attendee: MeetingAttendee, record: dict[str, Any] | None) -> None:
    if not record:
        attendee.confidentiality = None
        return
    method = ConfidentialityMethod(record["method"])
    signed_on = date.fromisoformat(record["signed_on"]) if record.get("signed_on") else None
    current = attendee.confidentiality
    if current is None:
        attendee.confidentiality = ConfidentialityRecord(
            method=method, minutes_ref=record.get("minutes_ref"), signed_on=signed_on
        )
    else:  # changed in place: the attendee keeps its record's id
        current.method, current.minutes_ref, current.signed_on = method, record.get("minutes_ref"), signed_on


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
    previous = None
    if copy_attendees:
        previous = db.session.scalar(
            sa.select(PanelMeeting)
            .options(selectinload(PanelMeeting.attendees).selectinload(MeetingAttendee.organisation))
            .where(PanelMeeting.panel_id == panel.id, PanelMeeting.ref != ref)
            .order_by(PanelMeeting.held_on.desc(), PanelMeeting.ref.desc())
            .limit(1)
        )

    meeting = PanelMeeting(
        ref=ref,
        panel=panel,
        held_on=held_on,
        minutes_ref=minutes_ref,
        cases_discussed=cases_discussed,
        resident_area_police_present=police_present,
    )

    def change(new: PanelMeeting) -> None:
        for position, attendee in enumerate(previous.attendees if previous is not None else ()):
            new.attendees.append(
                MeetingAttendee(
                    position=position,
                    name=attendee.name,
                    role=attendee.role,
                    organisation=attendee.organisation,
                    membership=attendee.membership,
                )
            )

    # A meeting without the resident area's police changes what the panel's constitution rule says.
    _write_meeting(scope, meeting, change, actor, creating=True, panel_too=police_present is False)
    return ref


def add_attendees(
    scope: Scope, meeting: PanelMeeting, new: list[dict[str, Any]], actor: str, version: int | None = None
) -> None:
    """Add several attendees (exchange-format attendees) to the meeting in one write."""
    organisations = _organisations(item["organisation"] for item in new)

    def change(changed: PanelMeeting) -> None:
        start = max((a.position for a in changed.attendees), default=-1) + 1
        for offset, item in enumerate(new):
            changed.attendees.append(_attendee(item, organisations, start + offset))

    _write_meeting(scope, meeting, change, actor, version)


def add_attendee(
    scope: Scope, meeting: PanelMeeting, new: dict[str, Any], actor: str, version: int | None = None
) -> None:
    add_attendees(scope, meeting, [new], actor, version)


def regular_attendees(meeting: PanelMeeting, recent: int = 6) -> list[MeetingAttendee]:
    """The people who attended the panel's `recent` latest other meetings (one of each role,
    organisation and name, the latest first), less those already recorded at this meeting: the
    chair ticks who came (two queries)."""
    latest = (
        sa.select(PanelMeeting.id)
        .where(PanelMeeting.panel_id == meeting.panel_id, PanelMeeting.id != meeting.id)
        .order_by(PanelMeeting.held_on.desc(), PanelMeeting.ref.desc())
        .limit(recent)
    )
    statement = (
        sa.select(MeetingAttendee)
        .join(PanelMeeting, PanelMeeting.id == MeetingAttendee.meeting_id)
        .options(selectinload(MeetingAttendee.organisation))
        .where(MeetingAttendee.meeting_id.in_(latest))
        .order_by(PanelMeeting.held_on.desc(), MeetingAttendee.position)
    )
    seen = {(a.role, a.organisation_id, a.name) for a in meeting.attendees}
    out = []
    for item in db.session.scalars(statement):
        key = (item.role, item.organisation_id, item.name)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def preview(meeting: PanelMeeting, new: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The meeting's attendees as they would be with `new` added, and the findings the rules
    would raise about the meeting then: for the chair to check before anything is written."""
    from types import SimpleNamespace

    from ..rules.base import REGISTRY
    from ..rules.context import RuleContext
    from ..rules.engine import evaluate
    from . import register

    organisations = _organisations(item["organisation"] for item in new)
    added = []
    for item in new:
        confidentiality = item.get("confidentiality")
        added.append(
            SimpleNamespace(
                id=None,
                name=item.get("name"),
                role=item["role"],
                organisation=organisations[item["organisation"]],
                membership=Membership(item["membership"]) if item.get("membership") else None,
                confidentiality=SimpleNamespace(
                    method=ConfidentialityMethod(confidentiality["method"]),
                    minutes_ref=confidentiality.get("minutes_ref"),
                    signed_on=date.fromisoformat(confidentiality["signed_on"])
                    if confidentiality.get("signed_on")
                    else None,
                )
                if confidentiality
                else None,
            )
        )
    attendees = [*meeting.attendees, *added]
    stand_in = SimpleNamespace(
        ref=meeting.ref,
        panel=meeting.panel,
        held_on=meeting.held_on,
        cases_discussed=meeting.cases_discussed,
        resident_area_police_present=meeting.resident_area_police_present,
        attendees=attendees,
    )
    ctx = RuleContext(
        as_of=register.default_as_of(),
        partner_types=register.partner_types(),
        commencements=register.commencement_dates(),
    )
    ctx.__dict__["meetings"] = [stand_in]
    codes = [code for code, spec in REGISTRY.items() if spec.subject_type.value == "panel_meeting"]
    return attendees, evaluate(ctx, codes)


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
    _, item = attendee(meeting, attendee_id)
    _write_meeting(scope, meeting, lambda _: _set_confidentiality(item, confidentiality), actor, version)


def apply_minuted_statement(
    scope: Scope, meeting: PanelMeeting, minutes_ref: str, actor: str, version: int | None = None
) -> int:
    """Record the minuted verbal statement for everyone present who has no signed agreement."""
    present = [
        a
        for a in meeting.attendees
        if a.confidentiality is None or a.confidentiality.method != ConfidentialityMethod.SIGNED_AGREEMENT
    ]
    if not present:
        return 0
    statement = {"method": ConfidentialityMethod.VERBAL_RECORDED_IN_MINUTES.value, "minutes_ref": minutes_ref}

    def change(_: PanelMeeting) -> None:
        for item in present:
            _set_confidentiality(item, statement)

    _write_meeting(scope, meeting, change, actor, version)
    return len(present)


def remove_attendee(
    scope: Scope, meeting: PanelMeeting, attendee_id: int, actor: str, version: int | None = None
) -> None:
    _, item = attendee(meeting, attendee_id)
    _write_meeting(scope, meeting, lambda changed: changed.attendees.remove(item), actor, version)


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

    def change(changed: PanelMeeting) -> None:
        changed.cases_discussed = cases_discussed

    _write_meeting(scope, meeting, change, actor, version)


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
