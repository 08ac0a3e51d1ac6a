"""G33-G35: the Data (Use and Access) Act 2025, each broken on its own against the compliant
baseline, and the register judged by the law of its evaluation date (domain brief §3a)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from compliance.models import DsaParty
from compliance.models import enums as e

from .builders import AS_OF, COMMENCEMENTS, baseline

EA = e.Art6Basis.EA_RECOGNISED_LEGITIMATE_INTEREST
SAFEGUARDING = e.Annex1Condition.SAFEGUARDING_VULNERABLE_INDIVIDUALS
ROOT = Path(__file__).parents[3]


def with_mentor(reg, **basis):
    """A voluntary-sector mentor provider receiving referrals from the council, relying on
    Art 6(1)(ea) with the safeguarding condition (compliant unless `basis` says otherwise)."""
    mentor = reg.add_organisation("mentors", "voluntary_community")
    reg.dsa.parties.append(DsaParty(organisation=mentor, signed_on=date(2024, 3, 26), position=2))
    flow = reg.add_flow("to-mentors", reg.council, mentor, data_categories=["identifiers_contact"])
    mentor_basis = flow.lawful_basis_of(mentor)
    mentor_basis.art6, mentor_basis.annex1_condition = EA, SAFEGUARDING
    mentor_basis.recorded_on = date(2026, 3, 2)
    flow.started_on = date(2026, 4, 1)
    for key, value in basis.items():
        setattr(mentor_basis, key, value)
    return mentor, flow


def test_the_baseline_and_a_compliant_ea_basis_raise_nothing():
    reg = baseline()
    assert reg.raised() == []
    with_mentor(reg)
    assert reg.raised() == []


def test_the_commencement_dates_are_the_reference_data():
    seeded = json.loads((ROOT / "seeds" / "reference" / "commencements.json").read_text())
    assert {item["code"]: date.fromisoformat(item["in_force_from"]) for item in seeded} == COMMENCEMENTS


# --- G33 RECOGNISED_LI_MISUSED -----------------------------------------------------------------
def test_g33_a_public_authority_claiming_ea():
    reg = baseline()
    council = reg.flow.lawful_basis_of(reg.council)
    council.art6, council.annex1_condition = EA, SAFEGUARDING
    assert reg.raised() == [("RECOGNISED_LI_MISUSED", "referrals", "high")]
    assert "City Council is a public authority" in reg.message("RECOGNISED_LI_MISUSED")


def test_g33_a_partner_recorded_as_not_a_public_authority_may_rely_on_it():
    reg = baseline()
    council = reg.flow.lawful_basis_of(reg.council)
    council.art6, council.annex1_condition = EA, SAFEGUARDING
    council.recorded_on = date(2026, 3, 1)  # re-assessed after (ea) came into force
    reg.council.public_authority = False
    assert reg.raised("RECOGNISED_LI_MISUSED") == []


def test_g33_a_voluntary_partner_recorded_as_a_public_authority_may_not():
    reg = baseline()
    mentor, _ = with_mentor(reg)
    mentor.public_authority = True
    assert reg.raised() == [("RECOGNISED_LI_MISUSED", "to-mentors", "high")]


def test_g33_no_annex1_condition():
    reg = baseline()
    with_mentor(reg, annex1_condition=None)
    assert reg.raised() == [("RECOGNISED_LI_MISUSED", "to-mentors", "high")]
    assert "names no UK GDPR Annex 1 condition" in reg.message("RECOGNISED_LI_MISUSED")


@pytest.mark.parametrize(("recorded_on", "fires"), [(date(2026, 2, 4), True), (date(2026, 2, 5), False)])
def test_g33_recorded_before_it_came_into_force(recorded_on, fires):
    reg = baseline()
    _, flow = with_mentor(reg, recorded_on=recorded_on)
    flow.started_on = date(2026, 2, 6)
    assert reg.raised() == ([("RECOGNISED_LI_MISUSED", "to-mentors", "high")] if fires else [])
    if fires:
        assert "before it came into force on 2026-02-05" in reg.message("RECOGNISED_LI_MISUSED")


@pytest.mark.parametrize(("as_of", "fires"), [(date(2026, 2, 4), True), (date(2026, 2, 5), False)])
def test_g33_a_register_judged_before_ea_existed(as_of, fires):
    reg = baseline()
    with_mentor(reg, recorded_on=None)
    raised = reg.raised("RECOGNISED_LI_MISUSED", as_of=as_of)
    assert raised == ([("RECOGNISED_LI_MISUSED", "to-mentors", "high")] if fires else [])
    if fires:
        assert "not in force on 2026-02-04" in reg.message("RECOGNISED_LI_MISUSED", as_of=as_of)


def test_g33_only_uk_gdpr_bases_of_live_flows():
    reg = baseline()
    _, flow = with_mentor(reg, annex1_condition=None)
    flow.status = e.FlowStatus.SUSPENDED
    assert reg.raised("RECOGNISED_LI_MISUSED") == []
    flow.status = e.FlowStatus.PLANNED
    assert reg.raised("RECOGNISED_LI_MISUSED") == [("RECOGNISED_LI_MISUSED", "to-mentors", "high")]
    flow.lawful_basis_of(flow.recipient).regime = e.Regime.DPA_PART3
    assert reg.raised("RECOGNISED_LI_MISUSED") == []


# --- G34 LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY ------------------------------------------------
def test_g34_a_council_relying_on_legitimate_interests():
    reg = baseline()
    reg.flow.lawful_basis_of(reg.council).art6 = e.Art6Basis.F_LEGITIMATE_INTERESTS
    assert reg.raised() == [("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY", "referrals", "high")]
    assert "City Council relies on Art 6(1)(f)" in reg.message("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY")


@pytest.mark.parametrize(
    ("partner_type", "stated", "fires"),
    [
        ("nhs_body", None, True),
        ("school", None, True),
        ("voluntary_community", None, False),
        ("intervention_provider", None, False),
        ("voluntary_community", True, True),
        ("nhs_body", False, False),
    ],
)
def test_g34_public_authority_as_recorded_else_by_partner_type(partner_type, stated, fires):
    reg = baseline()
    partner = reg.add_organisation("partner", partner_type, public_authority=stated)
    flow = reg.add_flow("to-partner", reg.council, partner)
    flow.lawful_basis_of(partner).art6 = e.Art6Basis.F_LEGITIMATE_INTERESTS
    expected = [("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY", "to-partner", "high")] if fires else []
    assert reg.raised("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY") == expected


@pytest.mark.parametrize("as_of", [date(2021, 6, 30), date(2026, 2, 4), AS_OF])
def test_g34_the_law_did_not_change_with_the_act(as_of):
    reg = baseline()
    reg.flow.lawful_basis_of(reg.council).art6 = e.Art6Basis.F_LEGITIMATE_INTERESTS
    assert reg.raised("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY", as_of=as_of) == [
        ("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY", "referrals", "high")
    ]


def test_g34_not_for_an_ended_flow():
    reg = baseline()
    reg.flow.lawful_basis_of(reg.council).art6 = e.Art6Basis.F_LEGITIMATE_INTERESTS
    reg.flow.status = e.FlowStatus.ENDED
    assert reg.raised("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY") == []


# --- G35 COMPLAINTS_PROCEDURE_MISSING ------------------------------------------------------------
def test_g35_a_sender_or_recipient_with_no_complaints_procedure():
    reg = baseline()
    reg.police.complaints_procedure_ref = None
    assert reg.raised() == [("COMPLAINTS_PROCEDURE_MISSING", "county-police", "medium")]
    message = reg.message("COMPLAINTS_PROCEDURE_MISSING")
    assert "County Police shares Prevent data as a controller (in referrals)" in message
    assert "from 2026-06-19" in message
    [finding] = reg.findings("COMPLAINTS_PROCEDURE_MISSING")
    assert finding.areas == ("city",)


@pytest.mark.parametrize(("as_of", "fires"), [(date(2026, 6, 18), False), (date(2026, 6, 19), True)])
def test_g35_judged_by_the_law_of_the_evaluation_date(as_of, fires):
    reg = baseline()
    reg.council.complaints_procedure_ref = None
    expected = [("COMPLAINTS_PROCEDURE_MISSING", "city-council", "medium")] if fires else []
    assert reg.raised("COMPLAINTS_PROCEDURE_MISSING", as_of=as_of) == expected


def test_g35_only_for_parties_to_a_live_flow():
    reg = baseline()
    bystander = reg.add_organisation("bystander", "housing", complaints_procedure_ref=None)
    assert bystander.complaints_procedure_ref is None
    assert reg.raised("COMPLAINTS_PROCEDURE_MISSING") == []
    flow = reg.add_flow("to-bystander", reg.council, bystander, status=e.FlowStatus.ENDED)
    assert reg.raised("COMPLAINTS_PROCEDURE_MISSING") == []
    flow.status = e.FlowStatus.PLANNED
    assert reg.raised("COMPLAINTS_PROCEDURE_MISSING") == [("COMPLAINTS_PROCEDURE_MISSING", "bystander", "medium")]


def test_without_commencement_dates_the_rules_say_what_is_missing():
    reg = baseline()
    ctx = reg.context()
    ctx.commencements = {}
    with pytest.raises(LookupError, match="complaints_duty.*compliance seed reference"):
        ctx.in_force("complaints_duty")
