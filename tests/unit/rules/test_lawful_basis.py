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
@pytest.mark.parametrize("keep", ["council", "police", None])
def test_g04_sender_or_recipient_with_no_basis(keep):
    reg = baseline()
    reg.flow.lawful_bases = [b for b in reg.flow.lawful_bases if keep and b.party is getattr(reg, keep)]
    assert reg.raised("LAWFUL_BASIS_MISSING") == [("LAWFUL_BASIS_MISSING", "referrals", "high")]


def test_g04_a_basis_for_someone_else_does_not_count():
    reg = baseline()
    other = reg.add_organisation("other", "nhs_body")
    police_basis(reg).party = other
    assert reg.raised("LAWFUL_BASIS_MISSING") == [("LAWFUL_BASIS_MISSING", "referrals", "high")]
    assert "County Police has no lawful basis recorded" in reg.message("LAWFUL_BASIS_MISSING")


def test_g04_a_basis_recorded_after_sharing_started():
    reg = baseline()
    council_basis(reg).recorded_on = date(2024, 4, 2)
    assert reg.raised("LAWFUL_BASIS_MISSING") == [("LAWFUL_BASIS_MISSING", "referrals", "high")]
    council_basis(reg).recorded_on = date(2024, 4, 1)  # on the day sharing starts is in time
    assert reg.raised("LAWFUL_BASIS_MISSING") == []


def test_g04_uk_gdpr_needs_art6_and_part3_needs_a_s35_basis():
    reg = baseline()
    council_basis(reg).art6 = None
    assert reg.raised("LAWFUL_BASIS_MISSING") == [("LAWFUL_BASIS_MISSING", "referrals", "high")]
    reg = baseline()
    police_basis(reg).part3 = None
    assert reg.raised("LAWFUL_BASIS_MISSING") == [("LAWFUL_BASIS_MISSING", "referrals", "high")]


def test_g04_not_when_both_parties_record_a_basis_in_time():
    reg = baseline()
    council_basis(reg).recorded_on = None  # no date recorded is not "after"
    assert reg.raised("LAWFUL_BASIS_MISSING") == []


# --- G05 SPECIAL_CATEGORY_NO_CONDITION ------------------------------------------------------------
@pytest.mark.parametrize("category", ["sc_racial_ethnic", "sc_health", "sc_biometric", "sc_sex_life_orientation"])
def test_g05_special_category_with_no_art9_condition(category):
    reg = baseline()
    reg.flow.data_categories = ["identifiers_contact", category]
    council_basis(reg).art9 = None
    assert reg.raised("SPECIAL_CATEGORY_NO_CONDITION") == [("SPECIAL_CATEGORY_NO_CONDITION", "referrals", "high")]


def test_g05_art9_2_g_needs_a_schedule_1_paragraph():
    reg = baseline()
    council_basis(reg).sch1_paragraph = None
    assert reg.raised("SPECIAL_CATEGORY_NO_CONDITION") == [("SPECIAL_CATEGORY_NO_CONDITION", "referrals", "high")]
    council_basis(reg).art9 = e.Art9Condition.H_HEALTH_SOCIAL_CARE  # (h) needs no Sch 1 paragraph here
    assert reg.raised("SPECIAL_CATEGORY_NO_CONDITION") == []


def test_g05_not_without_special_category_data_nor_for_part3_parties():
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


def test_g06_not_without_criminal_data_nor_for_part3_parties():
    reg = baseline()
    council_basis(reg).art10 = None
    reg.flow.data_categories = ["identifiers_contact", "sc_religious"]
    assert reg.raised("CRIMINAL_DATA_NO_CONDITION") == []
    reg = baseline()
    assert police_basis(reg).art10 is None
    assert reg.raised("CRIMINAL_DATA_NO_CONDITION") == []


# --- G07 APD_MISSING ----------------------------------------------------------------------------
def test_g07_relying_on_schedule_1_without_an_apd():
    reg = baseline()
    reg.council.apd_ref = None
    assert reg.raised("APD_MISSING") == [("APD_MISSING", "city-council", "medium")]
    [finding] = reg.findings("APD_MISSING")
    assert finding.subject_type == e.SubjectType.ORGANISATION and finding.areas == ("city",)
    assert "referrals" in finding.message


def test_g07_part3_sensitive_processing_without_an_apd():
    reg = baseline()
    reg.police.apd_ref = None
    assert reg.raised("APD_MISSING") == [("APD_MISSING", "county-police", "medium")]


def test_g07_not_when_no_condition_needing_an_apd_is_relied_on():
    reg = baseline()
    reg.council.apd_ref = reg.police.apd_ref = None
    council_basis(reg).sch1_paragraph = None
    council_basis(reg).art9 = e.Art9Condition.H_HEALTH_SOCIAL_CARE
    police_basis(reg).sch8_condition = None
    assert reg.raised("APD_MISSING") == []


def test_g07_not_with_an_apd():
    assert baseline().raised("APD_MISSING") == []


# --- G08 POLICE_NO_PART3_BASIS --------------------------------------------------------------------
def test_g08_police_with_a_uk_gdpr_basis():
    reg = baseline()
    police_basis(reg).regime = e.Regime.UK_GDPR
    police_basis(reg).art6 = e.Art6Basis.E_PUBLIC_TASK
    assert reg.raised("POLICE_NO_PART3_BASIS") == [("POLICE_NO_PART3_BASIS", "referrals", "high")]
    assert "County Police" in reg.message("POLICE_NO_PART3_BASIS")
    assert "City Council" not in reg.message("POLICE_NO_PART3_BASIS").split(":", 1)[1]


def test_g08_sensitive_data_needs_a_schedule_8_condition():
    reg = baseline()
    police_basis(reg).sch8_condition = None
    assert reg.raised("POLICE_NO_PART3_BASIS") == [("POLICE_NO_PART3_BASIS", "referrals", "high")]
    reg.flow.data_categories = ["identifiers_contact", "criminal_offence_alleged"]  # no sensitive processing
    assert reg.raised("POLICE_NO_PART3_BASIS") == []


def test_g08_never_judges_the_non_police_party():
    reg = baseline()
    council_basis(reg).art9 = council_basis(reg).art10 = None  # UK GDPR gaps of the council: G05/G06's business
    assert reg.raised("POLICE_NO_PART3_BASIS") == []
    council_basis(reg).regime = e.Regime.DPA_PART3  # not a competent authority: not judged here either
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
@pytest.mark.parametrize(
    ("whose", "field", "value"),
    [("council", "art6", e.Art6Basis.A_CONSENT), ("police", "part3", e.Part3Basis.S35_2_A_CONSENT)],
)
def test_g32_consent_under_uk_gdpr_or_part3(whose, field, value):
    reg = baseline()
    setattr(reg.flow.lawful_basis_of(getattr(reg, whose)), field, value)
    assert reg.raised("CONSENT_AS_LAWFUL_BASIS") == [("CONSENT_AS_LAWFUL_BASIS", "referrals", "medium")]


@pytest.mark.parametrize("art6", [e.Art6Basis.E_PUBLIC_TASK, e.Art6Basis.C_LEGAL_OBLIGATION, e.Art6Basis.OTHER])
def test_g32_not_for_other_bases(art6):
    reg = baseline()
    council_basis(reg).art6 = art6
    assert reg.raised("CONSENT_AS_LAWFUL_BASIS") == []
