"""G01-G03, G19, G22, G27, G29: a flow's agreement, channel, retention, privacy notices and records."""

from __future__ import annotations

import pytest

from compliance.models import Mou
from compliance.models import enums as e

from .builders import baseline


# --- G01 FLOW_NO_AGREEMENT -------------------------------------------------------------------
def test_g01_routine_flow_with_no_dsa_and_no_mou():
    reg = baseline()
    reg.flow.dsa = None
    assert reg.raised("FLOW_NO_AGREEMENT") == [("FLOW_NO_AGREEMENT", "referrals", "high")]


@pytest.mark.parametrize("frequency", [e.Frequency.AD_HOC, e.Frequency.ONE_OFF])
def test_g01_not_for_occasional_sharing(frequency):
    reg = baseline()
    reg.flow.dsa, reg.flow.frequency = None, frequency
    assert reg.raised("FLOW_NO_AGREEMENT") == []


def test_g01_not_when_a_dsa_or_an_mou_covers_it():
    reg = baseline()
    assert reg.raised("FLOW_NO_AGREEMENT") == []
    reg.flow.dsa = None
    reg.flow.mou = Mou(ref="mou", title="MOU", parties=[reg.council, reg.police])
    assert reg.raised("FLOW_NO_AGREEMENT") == []


# --- G02 MOU_NOT_A_DSA -----------------------------------------------------------------------
def mou_flow(provisions: bool | None, *types: str):
    """The flow rests on an MOU alone between organisations of the given partner types."""
    reg = baseline()
    parties = [reg.add_organisation(f"org-{i}", t) for i, t in enumerate(types)]
    reg.flow.sender, reg.flow.recipient = parties[0], parties[-1]
    reg.flow.lawful_bases = []
    reg.flow.dsa = None
    reg.flow.mou = Mou(ref="mou", title="MOU", includes_data_sharing_provisions=provisions, parties=parties)
    reg.mous = [reg.flow.mou]
    return reg


@pytest.mark.parametrize("provisions", [False, None])
def test_g02_fires_when_the_mou_has_no_data_sharing_provisions(provisions):
    reg = mou_flow(provisions, "home_office", "police")
    assert reg.raised("MOU_NOT_A_DSA") == [("MOU_NOT_A_DSA", "referrals", "medium")]
    assert "no data sharing provisions" in reg.message("MOU_NOT_A_DSA")


@pytest.mark.parametrize(
    "types",
    [
        ("local_authority", "police"),
        ("home_office", "nhs_body"),
        ("police", "supplier"),
        ("government_department", "police", "voluntary_community"),
    ],
)
def test_g02_fires_when_a_party_is_not_of_a_listed_type(types):
    reg = mou_flow(True, *types)
    assert reg.raised("MOU_NOT_A_DSA") == [("MOU_NOT_A_DSA", "referrals", "medium")]


@pytest.mark.parametrize(
    "types",
    [
        ("government_department", "police"),
        ("home_office", "regulator"),
        ("executive_agency", "home_office"),
        ("police", "police"),
        ("regulator", "executive_agency", "government_department"),
    ],
)
def test_g02_an_mou_with_provisions_counts_between_the_listed_types(types):
    assert mou_flow(True, *types).raised("MOU_NOT_A_DSA") == []


def test_g02_not_when_a_dsa_also_covers_the_flow_nor_without_an_mou():
    reg = mou_flow(False, "local_authority", "police")
    reg.flow.dsa = reg.dsa
    assert reg.raised("MOU_NOT_A_DSA") == []
    assert baseline().raised("MOU_NOT_A_DSA") == []


# --- G03 SHARED_OUTSIDE_AGREEMENT --------------------------------------------------------------
@pytest.mark.parametrize("channel", ["mash_email", "unsecure_email", "phone_verbal"])
def test_g03_informal_channel_with_no_dsa(channel):
    reg = baseline()
    reg.flow.dsa, reg.flow.frequency = None, e.Frequency.AD_HOC
    reg.flow.transfer_channel = e.TransferChannel(channel)
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == [("SHARED_OUTSIDE_AGREEMENT", "referrals", "high")]


@pytest.mark.parametrize("channel", ["pcm", "cmis", "secure_email", "encrypted_portal", "in_meeting", "paper"])
def test_g03_other_channels_with_no_dsa_are_not_this_rule(channel):
    reg = baseline()
    reg.flow.dsa, reg.flow.transfer_channel = None, e.TransferChannel(channel)
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == []


def test_g03_an_mou_is_not_a_dsa_for_an_informal_channel():
    reg = baseline()
    reg.flow.dsa = None
    reg.flow.mou = Mou(ref="mou", title="MOU", includes_data_sharing_provisions=True, parties=[reg.police])
    reg.flow.transfer_channel = e.TransferChannel.PHONE_VERBAL
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == [("SHARED_OUTSIDE_AGREEMENT", "referrals", "high")]


def test_g03_a_channel_the_dsa_does_not_allow():
    reg = baseline()
    reg.dsa.allowed_channels = ["pcm", "cmis"]
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == [("SHARED_OUTSIDE_AGREEMENT", "referrals", "high")]
    assert "secure email" in reg.message("SHARED_OUTSIDE_AGREEMENT")
    reg.dsa.allowed_channels = ["pcm", "secure_email"]
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == []


def test_g03_an_empty_allowed_list_allows_nothing_and_an_absent_one_does_not_restrict():
    reg = baseline()
    reg.dsa.allowed_channels = []
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == [("SHARED_OUTSIDE_AGREEMENT", "referrals", "high")]
    reg.dsa.allowed_channels = None
    reg.flow.transfer_channel = e.TransferChannel.UNSECURE_EMAIL  # a DSA covers it: not "outside"
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == []


def test_g03_an_informal_channel_the_dsa_allows():
    reg = baseline()
    reg.dsa.allowed_channels = ["secure_email", "phone_verbal"]
    reg.flow.transfer_channel = e.TransferChannel.PHONE_VERBAL
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == []


# --- G19 RETENTION_MISSING ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "missing", [("retention_period",), ("retention_trigger",), ("retention_period", "retention_trigger")]
)
def test_g19_no_retention_or_retention_without_period_or_trigger(missing):
    reg = baseline()
    for name in missing:
        setattr(reg.flow, name, None)
    assert reg.raised("RETENTION_MISSING") == [("RETENTION_MISSING", "referrals", "medium")]


def test_g19_not_when_period_and_trigger_are_recorded():
    reg = baseline()
    reg.flow.retention_trigger = e.RetentionTrigger.LAST_CONTACT
    reg.flow.retention_review_points = reg.flow.retention_disposal = None  # optional
    assert reg.raised("RETENTION_MISSING") == []


# --- G22 PRIVACY_NOTICE_MISSING --------------------------------------------------------------
@pytest.mark.parametrize("party", ["council", "police"])
def test_g22_a_party_that_publishes_no_notice(party):
    reg = baseline()
    org = getattr(reg, party)
    reg.notices = [n for n in reg.notices if n.controller is not org]
    assert reg.raised("PRIVACY_NOTICE_MISSING") == [("PRIVACY_NOTICE_MISSING", "referrals", "high")]
    assert org.name in reg.message("PRIVACY_NOTICE_MISSING")


def test_g22_each_controller_needs_its_own_notice():
    reg = baseline()
    council_notice = reg.notices[0]
    reg.notices = [council_notice]
    reg.flow.privacy_notices = [council_notice]  # linking the council's notice does not cover the police
    assert reg.raised("PRIVACY_NOTICE_MISSING") == [("PRIVACY_NOTICE_MISSING", "referrals", "high")]


def test_g22_not_when_both_parties_publish_one_even_if_not_linked_to_the_flow():
    reg = baseline()
    assert reg.flow.privacy_notices == []
    assert reg.raised("PRIVACY_NOTICE_MISSING") == []


# --- G27 INTELLIGENCE_DATA_TO_PARTNER -----------------------------------------------------------
@pytest.mark.parametrize("recipient_type", ["local_authority", "school", "nhs_body", "home_office"])
def test_g27_intelligence_derived_data_to_a_partner_that_is_not_police(recipient_type):
    reg = baseline()
    partner = reg.add_organisation("partner", recipient_type)
    reg.add_flow("intel-out", reg.police, partner, data_categories=["intelligence_service_derived"])
    assert reg.raised("INTELLIGENCE_DATA_TO_PARTNER") == [("INTELLIGENCE_DATA_TO_PARTNER", "intel-out", "high")]


def test_g27_not_when_the_recipient_is_police_or_without_such_data():
    reg = baseline()
    reg.flow.data_categories = ["intelligence_service_derived"]
    assert reg.raised("INTELLIGENCE_DATA_TO_PARTNER") == []
    reg.flow.sender, reg.flow.recipient = reg.police, reg.council
    reg.flow.data_categories = ["identifiers_contact", "criminal_offence_alleged"]
    assert reg.raised("INTELLIGENCE_DATA_TO_PARTNER") == []


# --- G29 ROPA_ENTRY_MISSING ---------------------------------------------------------------------
@pytest.mark.parametrize("ropa_ref", [None, ""])
def test_g29_no_ropa_ref(ropa_ref):
    reg = baseline()
    reg.flow.ropa_ref = ropa_ref
    assert reg.raised("ROPA_ENTRY_MISSING") == [("ROPA_ENTRY_MISSING", "referrals", "medium")]


def test_g29_not_with_a_ropa_ref():
    reg = baseline()
    reg.flow.ropa_ref = "ROPA-1"
    assert reg.raised("ROPA_ENTRY_MISSING") == []
