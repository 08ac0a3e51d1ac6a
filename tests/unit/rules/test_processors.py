"""G13-G15: processors, their contracts, and joint controllers."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import ART28_CLAUSES, JointControllerArrangement, ProcessingContract, StorageSystem
from compliance.models import enums as e

from .builders import baseline


def contract(controller, processor, **kw) -> ProcessingContract:
    defaults = dict(
        signed_on=date(2024, 1, 10),
        starts_on=date(2024, 1, 10),
        art28_clauses={clause: True for clause in ART28_CLAUSES},
    )
    defaults.update(kw)
    return ProcessingContract(ref="contract", controller=controller, processor=processor, **defaults)


def with_hosted_system(owner=True):
    reg = baseline()
    supplier = reg.add_organisation("supplier", "supplier")
    system = StorageSystem(
        ref="la-case-system",
        name="Case system",
        kind=e.StorageKind.LA_CASE_SYSTEM,
        approved_for_prevent=True,
        approval_ref="IG-1",
        owner=reg.council if owner else None,
        processor=supplier,
    )
    reg.storage_systems.append(system)
    reg.flow.storage_systems = [system]
    return reg, supplier


# --- G13 PROCESSOR_NO_CONTRACT ---------------------------------------------------------------------
def test_g13_no_processor_means_not_applicable():
    assert baseline().raised("PROCESSOR_NO_CONTRACT") == []


def test_g13_controller_to_processor_flow_without_a_contract():
    reg = baseline()
    supplier = reg.add_organisation("supplier", "supplier")
    reg.flow.recipient = supplier
    reg.flow.relationship_ = e.Relationship.CONTROLLER_TO_PROCESSOR
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg.contracts = [contract(reg.council, supplier)]  # the sender is the controller
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


def test_g13_hosted_system_uses_its_owner_as_controller():
    reg, supplier = with_hosted_system()
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg.contracts = [contract(reg.police, supplier)]  # the wrong controller does not cover it
    assert len(reg.raised("PROCESSOR_NO_CONTRACT")) == 1
    reg.contracts = [contract(reg.council, supplier)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


def test_g13_hosted_system_without_an_owner_falls_back_to_the_recipient():
    reg, supplier = with_hosted_system(owner=False)
    reg.contracts = [contract(reg.police, supplier)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


@pytest.mark.parametrize(
    "terms",
    [
        {"ends_on": date(2026, 11, 24)},  # ended before as_of
        {"signed_on": None},  # never signed
        {"signed_on": date(2026, 12, 1)},  # not yet signed on as_of
    ],
)
def test_g13_a_contract_not_in_force_does_not_count(terms):
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, **terms)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]


def test_g13_a_contract_ending_on_the_evaluation_date_is_still_in_force():
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, ends_on=date(2026, 11, 25))]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


# --- G14 CONTRACT_DEFICIENT --------------------------------------------------------------------------
@pytest.mark.parametrize("clauses", [{"audits": False}, {"audits": None}])
def test_g14_a_missing_or_false_art28_term(clauses):
    reg, supplier = with_hosted_system()
    terms = {clause: True for clause in ART28_CLAUSES}
    terms.update(clauses)
    reg.contracts = [contract(reg.council, supplier, art28_clauses={k: v for k, v in terms.items() if v is not None})]
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "medium")]
    assert "audits" in reg.findings()[0].message or any("audits" in f.message for f in reg.findings())


def test_g14_expired_is_high_while_a_live_flow_uses_the_processor():
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, ends_on=date(2026, 1, 31))]
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "high")]
    reg.flow.status = e.FlowStatus.ENDED
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "medium")]


def test_g14_not_for_a_complete_contract_in_force():
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier)]
    assert reg.raised("CONTRACT_DEFICIENT") == []


# --- G15 JOINT_CONTROLLERS_NO_ARRANGEMENT ---------------------------------------------------------------
def joint():
    reg = baseline()
    reg.flow.relationship_ = e.Relationship.JOINT_CONTROLLERS
    return reg


def test_g15_joint_controllers_with_no_arrangement():
    assert joint().raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == [
        ("JOINT_CONTROLLERS_NO_ARRANGEMENT", "referrals", "high")
    ]


def test_g15_an_arrangement_whose_essence_is_not_published():
    reg = joint()
    reg.arrangements = [JointControllerArrangement(ref="jca", parties=[reg.council, reg.police])]
    assert len(reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT")) == 1
    reg.arrangements[0].essence_published_url = "https://example.org/jca"
    assert reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == []


def test_g15_an_arrangement_between_other_parties_does_not_count():
    reg = joint()
    other = reg.add_organisation("other", "other")
    reg.arrangements = [
        JointControllerArrangement(ref="jca", parties=[reg.council, other], essence_published_url="https://example.org")
    ]
    assert len(reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT")) == 1


def test_g15_not_for_independent_controllers():
    assert baseline().raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == []
