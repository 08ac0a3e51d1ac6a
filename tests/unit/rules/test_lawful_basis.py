"""G04-G08 and G32: each party's lawful basis and conditions."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import enums as e

from .builders import baseline


def council_basis(reg):
    return reg.flow.lawful_basis_of(reg.council)


def police_basis(reg):
    return reg.flow.lawful_basis_of(reg.police)


# --- G04 LAWFUL_BASIS_MISSING -------------------------------------------------------------------
def test_g04_a_party_with_no_basis():
    reg = baseline()
    reg.flow.lawful_bases = [council_basis(reg)]
    assert reg.raised("LAWFUL_BASIS_MISSING") == [("LAWFUL_BASIS_MISSING", "referrals", "high")]


def test_g04_a_basis_recorded_after_sharing_started():
    reg = baseline()
    council_basis(reg).recorded_on = date(2024, 4, 2)
    assert len(reg.raised("LAWFUL_BASIS_MISSING")) == 1
    council_basis(reg).recorded_on = date(2024, 4, 1)  # on the day sharing starts is in time
    assert reg.raised("LAWFUL_BASIS_MISSING") == []


def test_g04_uk_gdpr_needs_art6_and_part3_needs_a_s35_basis():
    reg = baseline()
    council_basis(reg).art6 = None
    assert len(reg.raised("LAWFUL_BASIS_MISSING")) == 1
    reg = baseline()
    police_basis(reg).part3 = None
    assert len(reg.raised("LAWFUL_BASIS_MISSING")) == 1


# --- G05 SPECIAL_CATEGORY_NO_CONDITION ------------------------------------------------------------
def test_g05_special_category_with_no_art9_condition():
    reg = baseline()
    council_basis(reg).art9 = None
    assert reg.raised("SPECIAL_CATEGORY_NO_CONDITION") == [("SPECIAL_CATEGORY_NO_CONDITION", "referrals", "high")]


def test_g05_art9_2_g_needs_a_schedule_1_paragraph():
    reg = baseline()
    council_basis(reg).sch1_paragraph = None
    assert len(reg.raised("SPECIAL_CATEGORY_NO_CONDITION")) == 1
    council_basis(reg).art9 = e.Art9Condition.H_HEALTH_SOCIAL_CARE  # (h) needs no Sch 1 paragraph here
    assert reg.raised("SPECIAL_CATEGORY_NO_CONDITION") == []


def test_g05_not_without_special_category_data_and_not_for_part3_parties():
    reg = baseline()
    council_basis(reg).art9 = None
    reg.flow.data_categories = ["identifiers_contact", "criminal_offence_alleged"]
    assert reg.raised("SPECIAL_CATEGORY_NO_CONDITION") == []
    reg = baseline()
    assert police_basis(reg).art9 is None  # the police are judged under Part 3, not Art 9
    assert reg.raised("SPECIAL_CATEGORY_NO_CONDITION") == []


# --- G06 CRIMINAL_DATA_NO_CONDITION --------------------------------------------------------------
def test_g06_criminal_data_with_no_art10_basis():
    reg = baseline()
    council_basis(reg).art10 = None
    assert reg.raised("CRIMINAL_DATA_NO_CONDITION") == [("CRIMINAL_DATA_NO_CONDITION", "referrals", "high")]
    reg.flow.data_categories = ["identifiers_contact"]
    assert reg.raised("CRIMINAL_DATA_NO_CONDITION") == []


# --- G07 APD_MISSING ----------------------------------------------------------------------------
def test_g07_relying_on_schedule_1_without_an_apd():
    reg = baseline()
    reg.council.apd_ref = None
    assert reg.raised("APD_MISSING") == [("APD_MISSING", "city-council", "medium")]


def test_g07_part3_sensitive_processing_without_an_apd():
    reg = baseline()
    reg.police.apd_ref = None
    assert reg.raised("APD_MISSING") == [("APD_MISSING", "county-police", "medium")]


def test_g07_not_when_no_condition_needing_an_apd_is_relied_on():
    reg = baseline()
    reg.council.apd_ref = None
    council_basis(reg).sch1_paragraph = None
    council_basis(reg).art9 = e.Art9Condition.H_HEALTH_SOCIAL_CARE
    assert reg.raised("APD_MISSING") == []


def test_g07_only_live_flows_count():
    reg = baseline()
    reg.council.apd_ref = None
    reg.flow.status = e.FlowStatus.ENDED
    assert reg.raised("APD_MISSING") == []


# --- G08 POLICE_NO_PART3_BASIS --------------------------------------------------------------------
def test_g08_police_with_a_uk_gdpr_basis():
    reg = baseline()
    police_basis(reg).regime = e.Regime.UK_GDPR
    police_basis(reg).art6 = e.Art6Basis.E_PUBLIC_TASK
    assert reg.raised("POLICE_NO_PART3_BASIS") == [("POLICE_NO_PART3_BASIS", "referrals", "high")]


def test_g08_sensitive_data_needs_a_schedule_8_condition():
    reg = baseline()
    police_basis(reg).sch8_condition = None
    assert len(reg.raised("POLICE_NO_PART3_BASIS")) == 1
    reg.flow.data_categories = ["identifiers_contact", "criminal_offence_alleged"]
    assert reg.raised("POLICE_NO_PART3_BASIS") == []


def test_g08_never_judges_the_non_police_party():
    reg = baseline()
    council_basis(reg).art9 = None  # a UK GDPR gap of the council is G05's business
    assert reg.raised("POLICE_NO_PART3_BASIS") == []


@pytest.mark.parametrize(("stated", "fires"), [(False, False), (True, True), (None, True)])
def test_g08_competent_authority_as_recorded_else_by_partner_type(stated, fires):
    reg = baseline()
    reg.police.competent_authority = stated
    police_basis(reg).regime = e.Regime.UK_GDPR
    assert bool(reg.raised("POLICE_NO_PART3_BASIS")) is fires


def test_g08_a_council_recorded_as_a_competent_authority_is_judged_too():
    reg = baseline()
    reg.council.competent_authority = True
    assert reg.raised("POLICE_NO_PART3_BASIS") == [("POLICE_NO_PART3_BASIS", "referrals", "high")]


# --- G32 CONSENT_AS_LAWFUL_BASIS -------------------------------------------------------------------
def test_g32_consent_under_uk_gdpr_or_part3():
    reg = baseline()
    council_basis(reg).art6 = e.Art6Basis.A_CONSENT
    assert reg.raised("CONSENT_AS_LAWFUL_BASIS") == [("CONSENT_AS_LAWFUL_BASIS", "referrals", "medium")]
    reg = baseline()
    police_basis(reg).part3 = e.Part3Basis.S35_2_A_CONSENT
    assert len(reg.raised("CONSENT_AS_LAWFUL_BASIS")) == 1


def test_g32_not_for_public_task():
    assert baseline().raised("CONSENT_AS_LAWFUL_BASIS") == []
