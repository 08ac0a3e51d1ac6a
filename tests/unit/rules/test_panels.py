"""G24-G26 and G31: panels and their meetings. G30: area designations."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import AreaDesignation, Mou
from compliance.models import enums as e
from compliance.rules.areas import financial_year

from .builders import attendee, baseline


# --- G24 CONFIDENTIALITY_UNRECORDED --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "minutes_ref"),
    [("verbal_not_recorded", None), ("none", None), (None, None), ("verbal_recorded_in_minutes", None)],
)
def test_g24_an_attendee_without_a_record_is_medium_for_statutory_partners(method, minutes_ref):
    reg = baseline()
    reg.meeting.attendees.append(attendee("Designated safeguarding lead", reg.council, method, minutes_ref))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == [
        ("CONFIDENTIALITY_UNRECORDED", "city-channel-2026-10", "medium")
    ]


def test_g24_high_when_the_unrecorded_attendee_owes_no_statutory_duty():
    reg = baseline()
    charity = reg.add_organisation("charity", "voluntary_community")
    reg.meeting.attendees.append(attendee("Mentor", charity, "verbal_not_recorded"))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == [("CONFIDENTIALITY_UNRECORDED", "city-channel-2026-10", "high")]


@pytest.mark.parametrize("cases", [0, None])
def test_g24_not_when_no_case_was_discussed(cases):
    reg = baseline()
    reg.meeting.cases_discussed = cases
    reg.meeting.attendees.append(attendee("Observer", reg.council, "none"))
    assert reg.raised("CONFIDENTIALITY_UNRECORDED") == []


def test_g24_names_roles_never_people():
    reg = baseline()
    reg.meeting.attendees.append(attendee("Youth worker", reg.council, None, name="Jamie Secret"))
    [finding] = [f for f in reg.findings() if f.rule == "CONFIDENTIALITY_UNRECORDED"]
    assert "Youth worker" in finding.message and "Jamie Secret" not in finding.message


# --- G25 CONFIDENTIALITY_VERBAL_ONLY ------------------------------------------------------------------
def test_g25_everyone_recorded_and_someone_only_verbally():
    reg = baseline()
    reg.meeting.attendees.append(attendee("Social worker", reg.council, "verbal_recorded_in_minutes", "CP/10 item 1"))
    assert reg.raised("CONFIDENTIALITY_VERBAL_ONLY") == [("CONFIDENTIALITY_VERBAL_ONLY", "city-channel-2026-10", "low")]


def test_g25_not_when_g24_fires_or_when_everyone_signed():
    reg = baseline()
    assert reg.raised("CONFIDENTIALITY_VERBAL_ONLY") == []  # all signed
    reg.meeting.attendees.append(attendee("Social worker", reg.council, "verbal_recorded_in_minutes", "CP/10 item 1"))
    reg.meeting.attendees.append(attendee("Teacher", reg.council, "verbal_not_recorded"))
    assert reg.raised("CONFIDENTIALITY_VERBAL_ONLY", "CONFIDENTIALITY_UNRECORDED") == [
        ("CONFIDENTIALITY_UNRECORDED", "city-channel-2026-10", "medium")
    ]


# --- G26 PANEL_CONSTITUTION ---------------------------------------------------------------------------
def test_g26_chaired_by_someone_other_than_a_local_authority():
    reg = baseline()
    reg.panel.chair_organisation = reg.police
    assert reg.raised("PANEL_CONSTITUTION") == [("PANEL_CONSTITUTION", "city-channel", "high")]


def test_g26_resident_area_police_absent_from_a_meeting():
    reg = baseline()
    reg.meeting.resident_area_police_present = False
    assert reg.raised("PANEL_CONSTITUTION") == [("PANEL_CONSTITUTION", "city-channel", "high")]
    reg.meeting.resident_area_police_present = None  # not recorded is not evidence of absence
    assert reg.raised("PANEL_CONSTITUTION") == []


# --- G31 PANEL_PARTNER_UNGOVERNED ----------------------------------------------------------------------
def test_g31_a_panel_partner_with_no_flow_dsa_or_mou_in_the_area():
    reg = baseline()
    school = reg.add_organisation("school", "school")
    reg.meeting.attendees.append(attendee("Safeguarding lead", school))
    assert reg.raised("PANEL_PARTNER_UNGOVERNED") == [("PANEL_PARTNER_UNGOVERNED", "school", "medium")]


@pytest.mark.parametrize("governance", ["flow", "dsa", "mou"])
def test_g31_not_when_a_flow_dsa_or_mou_involves_it(governance):
    reg = baseline()
    school = reg.add_organisation("school", "school")
    reg.meeting.attendees.append(attendee("Safeguarding lead", school))
    if governance == "flow":
        reg.add_flow("school-referrals", school, reg.council)
    elif governance == "dsa":
        from compliance.models import DsaParty

        reg.dsa.parties.append(DsaParty(organisation=school, signed_on=date(2024, 4, 1), position=2))
    else:
        mou = Mou(ref="mou", title="MOU")
        mou.parties = [school, reg.council]
        reg.mous = [mou]
        reg.add_flow("council-mou-flow", reg.council, reg.police, dsa=None, mou=mou)
    assert reg.raised("PANEL_PARTNER_UNGOVERNED") == []


# --- G30 DESIGNATION_UNSOURCED --------------------------------------------------------------------------
def test_g30_a_designation_without_a_source():
    reg = baseline()
    reg.area.designations[0].source = None
    assert reg.raised("DESIGNATION_UNSOURCED") == [("DESIGNATION_UNSOURCED", "city", "low")]


def test_g30_no_designation_for_the_financial_year_of_as_of():
    reg = baseline()
    assert reg.raised("DESIGNATION_UNSOURCED", as_of=date(2027, 3, 31)) == []  # still 2026/27
    assert reg.raised("DESIGNATION_UNSOURCED", as_of=date(2027, 4, 1)) == [("DESIGNATION_UNSOURCED", "city", "low")]
    reg.area.designations = [d for d in reg.area.designations if d.kind == e.DesignationKind.DOVETAIL_AREA]
    assert reg.raised("DESIGNATION_UNSOURCED") == [("DESIGNATION_UNSOURCED", "city", "low")]


def test_g30_sourced_designations_for_the_year_are_fine():
    reg = baseline()
    reg.area.designations.append(
        AreaDesignation(kind=e.DesignationKind.DOVETAIL_AREA, value=False, financial_year="2025/26", source="HO")
    )
    assert reg.raised("DESIGNATION_UNSOURCED") == []


@pytest.mark.parametrize(
    ("on", "year"),
    [
        (date(2026, 11, 25), "2026/27"),
        (date(2027, 2, 1), "2026/27"),
        (date(2027, 4, 1), "2027/28"),
        (date(2099, 3, 31), "2098/99"),
        (date(2099, 4, 1), "2099/00"),
    ],
)
def test_financial_year_runs_april_to_march(on, year):
    assert financial_year(on) == year
