"""G01-G03, G19, G22, G27, G29, and the rule that no live-flow rule fires for a suspended or ended flow."""

from __future__ import annotations

import pytest

from compliance.models import Mou
from compliance.models import enums as e
from compliance.rules.base import DISCLAIMER

from .builders import baseline

LIVE_FLOW_RULES = [
    "FLOW_NO_AGREEMENT",
    "MOU_NOT_A_DSA",
    "SHARED_OUTSIDE_AGREEMENT",
    "LAWFUL_BASIS_MISSING",
    "SPECIAL_CATEGORY_NO_CONDITION",
    "CRIMINAL_DATA_NO_CONDITION",
    "POLICE_NO_PART3_BASIS",
    "DPIA_MISSING",
    "PROCESSOR_NO_CONTRACT",
    "JOINT_CONTROLLERS_NO_ARRANGEMENT",
    "RETENTION_MISSING",
    "PRIVACY_NOTICE_MISSING",
    "INTELLIGENCE_DATA_TO_PARTNER",
    "CHILDREN_NO_BEST_INTERESTS",
    "ROPA_ENTRY_MISSING",
    "CONSENT_AS_LAWFUL_BASIS",
]


def broken_flow():
    """A flow that breaks every live-flow rule at once."""
    reg = baseline()
    flow = reg.flow
    supplier = reg.add_organisation("supplier", "supplier", with_notice=False)
    flow.recipient = supplier
    flow.dsa, flow.dpia = None, None
    flow.mou = Mou(ref="mou", title="MOU", includes_data_sharing_provisions=False)
    flow.mou.parties = [reg.council, supplier]
    flow.transfer_channel = e.TransferChannel.UNSECURE_EMAIL
    flow.relationship_ = e.Relationship.JOINT_CONTROLLERS
    flow.data_categories = ["sc_health", "criminal_offence_alleged", "intelligence_service_derived"]
    flow.retention_period = flow.ropa_ref = None
    flow.lawful_bases[0].art6 = e.Art6Basis.A_CONSENT
    flow.lawful_bases[0].art9 = flow.lawful_bases[0].art10 = None
    flow.lawful_bases[1].party = reg.police  # the police basis is now on a flow the police are not party to
    flow.lawful_bases[1].regime = e.Regime.UK_GDPR
    reg.flow.relationship_ = e.Relationship.JOINT_CONTROLLERS
    return reg


def test_the_baseline_raises_nothing():
    assert baseline().raised() == []


def test_every_live_flow_rule_fires_on_the_broken_flow():
    reg = broken_flow()
    reg.flow.frequency = e.Frequency.ROUTINE
    raised = {code for code, _, _ in reg.raised()}
    # The MOU stands in for an agreement (so no G01); the processor and police rules need their own set-ups.
    expected = set(LIVE_FLOW_RULES) - {"FLOW_NO_AGREEMENT", "PROCESSOR_NO_CONTRACT", "POLICE_NO_PART3_BASIS"}
    assert expected <= raised


@pytest.mark.parametrize("status", [e.FlowStatus.SUSPENDED, e.FlowStatus.ENDED])
def test_no_live_flow_rule_fires_for_a_suspended_or_ended_flow(status):
    reg = broken_flow()
    reg.flow.status = status
    assert [code for code, ref, _ in reg.raised(*LIVE_FLOW_RULES) if ref == reg.flow.ref] == []


def test_planned_flows_count_as_live():
    reg = baseline()
    reg.flow.status = e.FlowStatus.PLANNED
    reg.flow.ropa_ref = None
    assert reg.raised("ROPA_ENTRY_MISSING") == [("ROPA_ENTRY_MISSING", "referrals", "medium")]


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


def test_g01_not_when_an_mou_covers_it():
    reg = baseline()
    reg.flow.dsa = None
    reg.flow.mou = Mou(ref="mou", title="MOU")
    assert reg.raised("FLOW_NO_AGREEMENT") == []


# --- G02 MOU_NOT_A_DSA -----------------------------------------------------------------------
def _mou_flow(provisions: bool, *types: str):
    reg = baseline()
    parties = [reg.add_organisation(f"org-{i}", t) for i, t in enumerate(types)]
    reg.flow.sender, reg.flow.recipient = parties[0], parties[-1]
    reg.flow.lawful_bases = []
    reg.flow.dsa = None
    reg.flow.mou = Mou(ref="mou", title="MOU", includes_data_sharing_provisions=provisions)
    reg.flow.mou.parties = parties
    return reg


def test_g02_fires_when_the_mou_has_no_data_sharing_provisions():
    assert _mou_flow(False, "home_office", "police").raised("MOU_NOT_A_DSA") == [
        ("MOU_NOT_A_DSA", "referrals", "medium")
    ]


def test_g02_fires_when_a_party_may_not_rely_on_an_mou():
    assert _mou_flow(True, "local_authority", "police").raised("MOU_NOT_A_DSA") == [
        ("MOU_NOT_A_DSA", "referrals", "medium")
    ]


@pytest.mark.parametrize(
    "types", [("government_department", "police"), ("home_office", "regulator"), ("executive_agency", "home_office")]
)
def test_g02_an_mou_counts_between_the_listed_bodies_with_provisions(types):
    assert _mou_flow(True, *types).raised("MOU_NOT_A_DSA") == []


def test_g02_not_when_a_dsa_also_covers_the_flow():
    reg = _mou_flow(False, "local_authority", "police")
    reg.flow.dsa = reg.dsa
    assert reg.raised("MOU_NOT_A_DSA") == []


# --- G03 SHARED_OUTSIDE_AGREEMENT --------------------------------------------------------------
@pytest.mark.parametrize("channel", ["mash_email", "unsecure_email", "phone_verbal"])
def test_g03_informal_channel_with_no_dsa(channel):
    reg = baseline()
    reg.flow.dsa, reg.flow.frequency = None, e.Frequency.AD_HOC
    reg.flow.transfer_channel = e.TransferChannel(channel)
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == [("SHARED_OUTSIDE_AGREEMENT", "referrals", "high")]


def test_g03_a_secure_channel_with_no_dsa_is_not_this_rule():
    reg = baseline()
    reg.flow.dsa = None
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == []


def test_g03_a_channel_the_dsa_does_not_allow():
    reg = baseline()
    reg.dsa.allowed_channels = ["pcm", "cmis"]
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == [("SHARED_OUTSIDE_AGREEMENT", "referrals", "high")]
    reg.dsa.allowed_channels = ["pcm", "secure_email"]
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == []


def test_g03_an_empty_allowed_list_allows_nothing_and_an_absent_one_does_not_restrict():
    reg = baseline()
    reg.dsa.allowed_channels = []
    assert len(reg.raised("SHARED_OUTSIDE_AGREEMENT")) == 1
    reg.dsa.allowed_channels = None
    reg.flow.transfer_channel = e.TransferChannel.UNSECURE_EMAIL
    assert reg.raised("SHARED_OUTSIDE_AGREEMENT") == []


# --- G19 RETENTION_MISSING ----------------------------------------------------------------------
@pytest.mark.parametrize("missing", ["retention_period", "retention_trigger"])
def test_g19_retention_without_period_or_trigger(missing):
    reg = baseline()
    setattr(reg.flow, missing, None)
    assert reg.raised("RETENTION_MISSING") == [("RETENTION_MISSING", "referrals", "medium")]


def test_g19_not_when_period_and_trigger_are_recorded():
    assert baseline().raised("RETENTION_MISSING") == []


# --- G22 PRIVACY_NOTICE_MISSING --------------------------------------------------------------
def test_g22_a_party_that_publishes_no_notice():
    reg = baseline()
    reg.notices = [n for n in reg.notices if n.controller is not reg.police]
    assert reg.raised("PRIVACY_NOTICE_MISSING") == [("PRIVACY_NOTICE_MISSING", "referrals", "high")]


def test_g22_each_controller_needs_its_own_notice():
    reg = baseline()
    reg.flow.privacy_notices = [reg.notices[0]]  # linking the council's notice does not cover the police
    assert reg.raised("PRIVACY_NOTICE_MISSING") == []
    reg.notices = [reg.notices[0]]
    assert len(reg.raised("PRIVACY_NOTICE_MISSING")) == 1


# --- G27 INTELLIGENCE_DATA_TO_PARTNER -----------------------------------------------------------
def test_g27_intelligence_derived_data_to_a_partner():
    reg = baseline()
    school = reg.add_organisation("school", "school")
    flow = reg.add_flow("to-school", reg.police, school, data_categories=["intelligence_service_derived"])
    assert ("INTELLIGENCE_DATA_TO_PARTNER", flow.ref, "high") in reg.raised("INTELLIGENCE_DATA_TO_PARTNER")


def test_g27_not_when_the_recipient_is_police():
    reg = baseline()
    reg.flow.data_categories = ["intelligence_service_derived"]
    assert reg.raised("INTELLIGENCE_DATA_TO_PARTNER") == []


# --- G29 ROPA_ENTRY_MISSING ---------------------------------------------------------------------
def test_g29_no_ropa_ref():
    reg = baseline()
    reg.flow.ropa_ref = None
    assert reg.raised("ROPA_ENTRY_MISSING") == [("ROPA_ENTRY_MISSING", "referrals", "medium")]
    reg.flow.ropa_ref = "ROPA-1"
    assert reg.raised("ROPA_ENTRY_MISSING") == []


def test_every_message_ends_with_the_disclaimer_and_names_no_person():
    reg = broken_flow()
    findings = reg.findings()
    assert findings
    for finding in findings:
        assert finding.message.endswith(DISCLAIMER)
        assert "Pat Example" not in finding.message
