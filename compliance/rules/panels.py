"""Rules about Channel panels: confidentiality at each meeting, constitution, partners (G24-G26, G31)."""

from __future__ import annotations

from ..models import MeetingAttendee, Organisation, Panel, PanelMeeting
from ..models.enums import ConfidentialityMethod, PartnerType, Severity, SubjectType
from .base import Hit, listing, rule
from .context import RuleContext


def has_evidence(attendee: MeetingAttendee) -> bool:
    """Confidentiality that can be shown: a signed agreement, or a verbal statement in the minutes."""
    record = attendee.confidentiality
    if record is None:
        return False
    if record.method == ConfidentialityMethod.SIGNED_AGREEMENT:
        return True
    return record.method == ConfidentialityMethod.VERBAL_RECORDED_IN_MINUTES and bool(record.minutes_ref)


def unrecorded(meeting: PanelMeeting, ctx: RuleContext) -> list[MeetingAttendee]:
    """Attendees of a meeting that discussed cases whose confidentiality cannot be shown (G24)."""
    if not meeting.cases_discussed or meeting.cases_discussed <= 0:
        return []
    return ctx.attendees_without_evidence(meeting, has_evidence)


def _who(attendee: MeetingAttendee) -> str:
    # Role and organisation, never the attendee's name: findings reach reports.
    return f"{attendee.role} ({attendee.organisation.name})"


@rule("CONFIDENTIALITY_UNRECORDED", "G24", SubjectType.PANEL_MEETING, Severity.MEDIUM)
def confidentiality_unrecorded(meeting: PanelMeeting, ctx: RuleContext) -> Hit | None:
    missing = unrecorded(meeting, ctx)
    if not missing:
        return None
    outsiders = [attendee for attendee in missing if not ctx.owes_panel_confidentiality(attendee.organisation)]
    detail = (
        f"Meeting {meeting.ref} of {meeting.panel.name} on {meeting.held_on.isoformat()} discussed cases, "
        f"but there is no record that {listing(_who(a) for a in missing)} accepted confidentiality."
    )
    if outsiders:
        detail += (
            f" {listing(_who(a) for a in outsiders)} owe no statutory duty as a Schedule 7 partner or panel member."
        )
    return Hit(detail, severity=Severity.HIGH if outsiders else None)


@rule("CONFIDENTIALITY_VERBAL_ONLY", "G25", SubjectType.PANEL_MEETING, Severity.LOW)
def confidentiality_verbal_only(meeting: PanelMeeting, ctx: RuleContext) -> Hit | None:
    # (Every attendee with evidence: then none is unrecorded, whatever cases were discussed.)
    if not meeting.attendees or ctx.attendees_without_evidence(meeting, has_evidence):
        return None
    verbal = [
        a for a in meeting.attendees if a.confidentiality.method == ConfidentialityMethod.VERBAL_RECORDED_IN_MINUTES
    ]
    if not verbal:
        return None
    total = len(meeting.attendees)
    everyone = "every attendee" if len(verbal) == total else f"{len(verbal)} of {total} attendees"
    return Hit(
        f"At meeting {meeting.ref} of {meeting.panel.name} on {meeting.held_on.isoformat()}, {everyone} "
        "accepted confidentiality verbally, recorded in the minutes, not by a signed agreement."
    )


@rule("PANEL_CONSTITUTION", "G26", SubjectType.PANEL, Severity.HIGH)
def panel_constitution(panel: Panel, ctx: RuleContext) -> Hit | None:
    problems = []
    if panel.chair_organisation.partner_type != PartnerType.LOCAL_AUTHORITY:
        problems.append(f"it is chaired by {panel.chair_organisation.name}, not a local authority")
    absent = [meeting.ref for meeting in panel.meetings if meeting.resident_area_police_present is False]
    if absent:
        problems.append(f"the police force for the area was not present at {listing(absent)}")
    if problems:
        return Hit(f"Panel {panel.name} does not meet CTSA 2015 s37: {listing(problems)}.")
    return None


@rule("PANEL_PARTNER_UNGOVERNED", "G31", SubjectType.ORGANISATION, Severity.MEDIUM)
def panel_partner_ungoverned(organisation: Organisation, ctx: RuleContext) -> Hit | None:
    areas = ctx.ungoverned_panel_areas.get(organisation)
    if areas:
        return Hit(
            f"{organisation.name} attends panel meetings in {listing(areas)} but no data flow, DSA or MOU "
            "involving it is recorded there.",
            areas=tuple(areas),
        )
    return None
