"""Issue 15 item 4: a meeting action writes that meeting only and refreshes that meeting's findings
only; the findings it leaves stored are exactly those a full run of every rule gives."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, Finding, MeetingAttendee, Organisation, PanelMeeting, User
from compliance.models.enums import FindingStatus
from compliance.models.finding import finding_area
from compliance.services import findings, meetings, register
from compliance.services.access import Scope

PANEL = "riverford-channel"


def _open_findings() -> set[tuple]:
    areas: dict[int, list[str]] = {}
    from compliance.models import Area

    for finding_id, ref in db.session.execute(sa.select(finding_area.c.finding_id, Area.ref).join(Area)):
        areas.setdefault(finding_id, []).append(ref)
    rows = db.session.scalars(sa.select(Finding).where(Finding.status != FindingStatus.REMEDIATED))
    return {
        (
            r.rule_code,
            r.subject_type.value,
            r.subject_ref,
            r.severity.value,
            r.message,
            tuple(sorted(areas.get(r.id, ()))),
        )
        for r in rows
    }


def _recomputed() -> set[tuple]:
    raised = findings.evaluate_at(register.default_as_of())
    return {
        (i.rule, i.subject_type.value, i.subject_ref, i.severity.value, i.message, tuple(sorted(i.areas)))
        for i in raised
    }


def _chair() -> Scope:
    user = db.session.scalar(sa.select(User).where(User.email == "channel.chair@riverford.example.gov.uk"))
    return Scope.of(user)


def _meeting(ref: str) -> PanelMeeting:
    db.session.remove()
    return meetings.get_meeting(_chair(), ref)


def _same_as_full_recompute(step: str) -> None:
    db.session.remove()
    assert _open_findings() == _recomputed(), step


def test_stored_findings_after_each_meeting_action_equal_a_full_recompute(demo):
    _same_as_full_recompute("the demo")
    panel = meetings.get_panel(_chair(), PANEL)
    ref = meetings.start_meeting(
        _chair(),
        panel,
        held_on=date(2026, 11, 18),
        minutes_ref="RCP/2026/11b",
        cases_discussed=3,
        police_present=False,  # the panel's constitution finding changes
        copy_attendees=True,
        actor="test",
    )
    _same_as_full_recompute("started, the last meeting's attendees copied, no confidentiality yet")
    attending = set(
        db.session.scalars(
            sa.select(Organisation.ref).join(MeetingAttendee, MeetingAttendee.organisation_id == Organisation.id)
        )
    )
    partners = meetings.partner_organisations(meetings.get_panel(_chair(), PANEL))
    newcomer = next(o.ref for o in partners if o.ref not in attending)
    meeting = _meeting(ref)
    meetings.add_attendees(
        _chair(),
        meeting,
        [
            {"role": "Mentor", "organisation": newcomer, "membership": "invited"},  # the panel's first from there
            {
                "role": "Housing Officer",
                "organisation": "riverford-city-council",
                "confidentiality": {"method": "signed_agreement", "signed_on": "2026-11-18"},
            },
        ],
        "test",
        version=meeting.record_version,
    )
    _same_as_full_recompute("two added, one from an organisation new to the panel")
    meeting = _meeting(ref)
    meetings.apply_minuted_statement(_chair(), meeting, "RCP/2026/11b item 1", "test", meeting.record_version)
    _same_as_full_recompute("the minuted statement")
    meeting = _meeting(ref)
    first = meeting.attendees[0].id
    meetings.set_confidentiality(_chair(), meeting, first, {"method": "none"}, "test", meeting.record_version)
    _same_as_full_recompute("one attendee's confidentiality changed")
    meeting = _meeting(ref)
    newcomer_id = next(a.id for a in meeting.attendees if a.organisation.ref == newcomer)
    meetings.remove_attendee(_chair(), meeting, newcomer_id, "test", meeting.record_version)
    _same_as_full_recompute("the newcomer removed")
    meeting = _meeting(ref)
    meetings.record_cases_discussed(_chair(), meeting, 0, "test", meeting.record_version)
    _same_as_full_recompute("no cases discussed after all")


def test_a_meeting_action_writes_that_meeting_only_and_keeps_the_other_ids(demo):
    meeting = _meeting("riverford-channel-2026-11")
    others = dict(
        db.session.execute(
            sa.select(MeetingAttendee.id, MeetingAttendee.meeting_id).where(MeetingAttendee.meeting_id != meeting.id)
        ).all()
    )
    own, meeting_id = [a.id for a in meeting.attendees], meeting.id
    meetings.add_attendee(
        _chair(),
        meeting,
        {"role": "Late joiner", "organisation": "riverford-college", "confidentiality": {"method": "none"}},
        "test",
        meeting.record_version,
    )
    db.session.remove()
    after = dict(
        db.session.execute(
            sa.select(MeetingAttendee.id, MeetingAttendee.meeting_id).where(MeetingAttendee.meeting_id != meeting_id)
        ).all()
    )
    assert after == others  # no other meeting's attendee was rewritten
    meeting = _meeting("riverford-channel-2026-11")
    assert [a.id for a in meeting.attendees][: len(own)] == own
    entry = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (entry.record_type, entry.record_ref) == ("panel", PANEL)
    assert [m["ref"] for m in entry.after["meetings"]] == ["riverford-channel-2026-11"]
    assert entry.after["meetings"][0]["attendees"][-1]["role"] == "Late joiner"
    assert "Late joiner" not in str(entry.before)
