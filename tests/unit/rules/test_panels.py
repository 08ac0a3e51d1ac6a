"""G24-G26 and G31: panels, their meetings, and the partners who attend them."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import DsaParty, Mou
from compliance.models import enums as e

from .builders import attendee, baseline

MEETING = "city-channel-2026-10"
UNRECORDED = [
    pytest.param("verbal_not_recorded", None, id="verbal-not-recorded"),
    pytest.param("none", None, id="none"),
    pytest.param(None, None, id="absent"),
    pytest.param("verbal_recorded_in_minutes", None, id="verbal-minuted-without-minutes-ref"),
    pytest.param("verbal_recorded_in_minutes", "", id="verbal-minuted-with-empty-minutes-ref"),
]


# --- G24 CONFIDENTIALITY_UNRECORDED --------------------------------------------------------------------
@pytest.mark.parametrize(("method", "minutes_ref"), UNRECORDED)
def test_g24_an_unrecorded_statutory_partner_is_medium(method, minutes_ref):
    reg = baseline()
    reg.meeting.attendees.append(attendee("Early help lead", reg.council, method, minutes_ref))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == [("CONFIDENTIALITY_UNRECORDED", MEETING, "medium")]


@pytest.mark.parametrize(("method", "minutes_ref"), UNRECORDED)
def test_g24_an_unrecorded_outsider_is_high(method, minutes_ref):
    reg = baseline()
    mentor = reg.add_organisation("mentoring-charity", "voluntary_community")
    reg.meeting.attendees.append(attendee("Mentor", mentor, method, minutes_ref))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == [("CONFIDENTIALITY_UNRECORDED", MEETING, "high")]


@pytest.mark.parametrize(
    ("partner_type", "severity"),
    [
        ("local_authority", "medium"),  # Schedule 7 and panel member
        ("police", "medium"),  # panel member, not Schedule 7
        ("school", "medium"),  # Schedule 7, not panel member
        ("nhs_body", "medium"),
        ("probation", "medium"),
        ("home_office", "medium"),
        ("voluntary_community", "high"),  # neither
        ("intervention_provider", "high"),
        ("housing", "high"),
        ("supplier", "high"),
        ("regulator", "high"),
        ("other", "high"),
    ],
)
def test_g24_severity_depends_on_whether_the_unrecorded_attendee_owes_the_duty(partner_type, severity):
    reg = baseline()
    org = reg.add_organisation("attending-org", partner_type)
    reg.meeting.attendees.append(attendee("Practitioner", org, "verbal_not_recorded"))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == [("CONFIDENTIALITY_UNRECORDED", MEETING, severity)]


def test_g24_an_outsider_who_signed_does_not_raise_the_severity():
    reg = baseline()
    mentor = reg.add_organisation("mentoring-charity", "voluntary_community")
    reg.meeting.attendees.append(attendee("Mentor", mentor, "signed_agreement"))
    reg.meeting.attendees.append(attendee("Housing officer", reg.council, "none"))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == [("CONFIDENTIALITY_UNRECORDED", MEETING, "medium")]


@pytest.mark.parametrize("cases", [0, None])
def test_g24_not_when_no_case_was_discussed(cases):
    reg = baseline()
    reg.meeting.cases_discussed = cases
    charity = reg.add_organisation("charity", "voluntary_community")
    reg.meeting.attendees.append(attendee("Observer", charity, "none"))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == []


@pytest.mark.parametrize(
    ("method", "minutes_ref"), [("signed_agreement", None), ("verbal_recorded_in_minutes", "CP/10 item 1")]
)
def test_g24_not_when_every_attendee_has_a_record(method, minutes_ref):
    reg = baseline()
    reg.meeting.attendees.append(attendee("Social worker", reg.council, method, minutes_ref))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == []


def test_g24_names_roles_and_organisations_never_people():
    reg = baseline()
    charity = reg.add_organisation("charity", "voluntary_community")
    reg.meeting.attendees.append(attendee("Youth worker", reg.council, None, name="Jamie Secretname"))
    reg.meeting.attendees.append(attendee("Mentor", charity, "none", name="Sam Hiddenname"))
    message = reg.message("CONFIDENTIALITY_UNRECORDED")
    assert "Youth worker (City Council)" in message and "Mentor (Charity)" in message
    assert "Jamie" not in message and "Secretname" not in message and "Hiddenname" not in message
    assert "Chair" not in message  # those with a record are not listed


# --- G25 CONFIDENTIALITY_VERBAL_ONLY ------------------------------------------------------------------
def test_g25_everyone_recorded_and_some_only_verbally():
    reg = baseline()
    reg.meeting.attendees.append(attendee("Social worker", reg.council, "verbal_recorded_in_minutes", "CP/10 item 1"))
    assert reg.raised() == [("CONFIDENTIALITY_VERBAL_ONLY", MEETING, "low")]
    assert "1 of 3 attendees" in reg.message("CONFIDENTIALITY_VERBAL_ONLY")


def test_g25_every_attendee_verbal_in_the_minutes_as_in_the_foi_answer():
    reg = baseline()
    for person in reg.meeting.attendees:
        person.confidentiality.method = e.ConfidentialityMethod.VERBAL_RECORDED_IN_MINUTES
        person.confidentiality.minutes_ref = "CP/2026/10 item 1"
    assert reg.raised() == [("CONFIDENTIALITY_VERBAL_ONLY", MEETING, "low")]
    assert "every attendee" in reg.message("CONFIDENTIALITY_VERBAL_ONLY")


def test_g25_not_when_everyone_signed():
    assert baseline().raised("CONFIDENTIALITY_VERBAL_ONLY") == []


@pytest.mark.parametrize(("method", "minutes_ref"), UNRECORDED)
def test_g25_not_when_g24_fires(method, minutes_ref):
    reg = baseline()
    reg.meeting.attendees.append(attendee("Social worker", reg.council, "verbal_recorded_in_minutes", "CP/10 item 1"))
    reg.meeting.attendees.append(attendee("Teacher", reg.council, method, minutes_ref))
    assert reg.raised("CONFIDENTIALITY_VERBAL_ONLY", "CONFIDENTIALITY_UNRECORDED") == [
        ("CONFIDENTIALITY_UNRECORDED", MEETING, "medium")
    ]


def test_g25_only_when_every_attendee_has_a_record_even_if_g24_is_silent():
    reg = baseline()
    reg.meeting.cases_discussed = 0  # G24 does not look at this meeting
    reg.meeting.attendees.append(attendee("Social worker", reg.council, "verbal_recorded_in_minutes", "CP/10 item 1"))
    assert reg.raised("CONFIDENTIALITY_VERBAL_ONLY") == [("CONFIDENTIALITY_VERBAL_ONLY", MEETING, "low")]
    reg.meeting.attendees.append(attendee("Teacher", reg.council, None))
    assert reg.raised("CONFIDENTIALITY_VERBAL_ONLY", "CONFIDENTIALITY_UNRECORDED") == []


def test_g25_not_for_a_meeting_with_no_attendees():
    reg = baseline()
    reg.meeting.attendees = []
    assert reg.raised("CONFIDENTIALITY_VERBAL_ONLY") == []


# --- G26 PANEL_CONSTITUTION ---------------------------------------------------------------------------
@pytest.mark.parametrize("chair_type", ["police", "nhs_body", "home_office", "voluntary_community"])
def test_g26_chaired_by_someone_other_than_a_local_authority(chair_type):
    reg = baseline()
    reg.panel.chair_organisation = reg.add_organisation("chair-org", chair_type)
    assert reg.raised("PANEL_CONSTITUTION") == [("PANEL_CONSTITUTION", "city-channel", "high")]


def test_g26_resident_area_police_absent_from_a_meeting():
    reg = baseline()
    reg.meeting.resident_area_police_present = False
    assert reg.raised("PANEL_CONSTITUTION") == [("PANEL_CONSTITUTION", "city-channel", "high")]
    assert MEETING in reg.message("PANEL_CONSTITUTION")


@pytest.mark.parametrize("present", [True, None])
def test_g26_not_for_a_council_chair_with_police_present_or_not_recorded(present):
    reg = baseline()
    reg.meeting.resident_area_police_present = present
    assert reg.raised("PANEL_CONSTITUTION") == []


# --- G31 PANEL_PARTNER_UNGOVERNED ----------------------------------------------------------------------
def with_school_attending():
    reg = baseline()
    school = reg.add_organisation("st-marys", "school")
    reg.meeting.attendees.append(attendee("Safeguarding lead", school))
    return reg, school


def test_g31_a_panel_partner_with_no_flow_dsa_or_mou_in_the_area():
    reg, _ = with_school_attending()
    assert reg.raised("PANEL_PARTNER_UNGOVERNED") == [("PANEL_PARTNER_UNGOVERNED", "st-marys", "medium")]
    [finding] = reg.findings("PANEL_PARTNER_UNGOVERNED")
    assert finding.areas == ("city",) and finding.subject_type == e.SubjectType.ORGANISATION


def test_g31_governance_in_another_area_does_not_count():
    reg, school = with_school_attending()
    town = reg.add_area("town")
    reg.add_flow("town-school-referrals", school, reg.council, area=town)
    assert reg.raised("PANEL_PARTNER_UNGOVERNED") == [("PANEL_PARTNER_UNGOVERNED", "st-marys", "medium")]
    assert reg.findings("PANEL_PARTNER_UNGOVERNED")[0].areas == ("city",)


@pytest.mark.parametrize("governance", ["flow-sender", "flow-recipient", "dsa", "mou"])
def test_g31_not_when_a_flow_dsa_or_mou_involves_it_there(governance):
    reg, school = with_school_attending()
    if governance == "flow-sender":
        reg.add_flow("school-referrals", school, reg.council)
    elif governance == "flow-recipient":
        reg.add_flow("council-to-school", reg.council, school)
    elif governance == "dsa":
        reg.dsa.parties.append(DsaParty(organisation=school, signed_on=date(2024, 4, 1), position=2))
    else:
        mou = Mou(ref="mou", title="MOU", parties=[school, reg.council])
        reg.mous = [mou]
        reg.add_flow("council-mou-flow", reg.council, reg.police, dsa=None, mou=mou)
    assert reg.raised("PANEL_PARTNER_UNGOVERNED") == []


def test_g31_not_for_the_baseline_partners():
    assert baseline().raised("PANEL_PARTNER_UNGOVERNED") == []
