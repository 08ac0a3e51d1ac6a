"""G13-G15: processors, their contracts, and joint controllers."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import ART28_CLAUSES, JointControllerArrangement, ProcessingContract, StorageSystem
from compliance.models import enums as e

from .builders import baseline


def contract(controller, processor, **kw) -> ProcessingContract:
    fields = dict(
        ref="contract",
        signed_on=date(2024, 1, 10),
        starts_on=date(2024, 1, 10),
        art28_clauses=dict.fromkeys(ART28_CLAUSES, True),
    )
    fields.update(kw)
    return ProcessingContract(controller=controller, processor=processor, **fields)


def with_hosted_system(owner: str | None = "council"):
    """The flow keeps its data in a case system a supplier hosts for its owner."""
    reg = baseline()
    supplier = reg.add_organisation("supplier", "supplier")
    system = StorageSystem(
        ref="la-case-system",
        name="Case system",
        kind=e.StorageKind.LA_CASE_SYSTEM,
        approved_for_prevent=True,
        approval_ref="IG-1",
        owner=getattr(reg, owner) if owner else None,
        processor=supplier,
    )
    reg.storage_systems.append(system)
    reg.flow.storage_systems = [system]
    return reg, supplier


def to_processor():
    """The flow goes from the council to a supplier acting as its processor."""
    reg = baseline()
    supplier = reg.add_organisation("supplier", "supplier")
    reg.flow.recipient = supplier
    reg.flow.relationship_ = e.Relationship.CONTROLLER_TO_PROCESSOR
    return reg, supplier


# --- G13 PROCESSOR_NO_CONTRACT ---------------------------------------------------------------------
def test_g13_no_processor_means_not_applicable():
    reg = baseline()
    assert reg.flow.relationship_ == e.Relationship.INDEPENDENT_CONTROLLERS
    assert reg.storage.processor is None and reg.contracts == []
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


def test_g13_controller_to_processor_flow_without_a_contract():
    reg, supplier = to_processor()
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg.contracts = [contract(supplier, reg.council)]  # the wrong way round does not cover it
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg.contracts = [contract(reg.council, supplier)]  # the sender is the controller
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


def test_g13_hosted_system_uses_its_owner_as_controller():
    reg, supplier = with_hosted_system("council")
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg.contracts = [contract(reg.police, supplier)]  # the flow's recipient is not the system's controller
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg.contracts = [contract(reg.council, supplier)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


def test_g13_a_system_the_recipient_owns_needs_the_recipients_contract():
    reg, supplier = with_hosted_system("police")
    reg.contracts = [contract(reg.council, supplier)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg.contracts = [contract(reg.police, supplier)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


@pytest.mark.parametrize(
    "terms",
    [
        {"ends_on": date(2026, 11, 24)},  # ended the day before as_of
        {"ends_on": date(2025, 3, 31)},
        {"signed_on": None},  # never signed
        {"signed_on": date(2026, 12, 1)},  # not yet signed on as_of
    ],
    ids=["ended-yesterday", "ended-last-year", "unsigned", "signed-after-as-of"],
)
def test_g13_a_contract_not_in_force_does_not_count(terms):
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, **terms)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]
    reg, supplier = to_processor()
    reg.contracts = [contract(reg.council, supplier, **terms)]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == [("PROCESSOR_NO_CONTRACT", "referrals", "high")]


@pytest.mark.parametrize("ends_on", [date(2026, 11, 25), date(2030, 1, 1), None])
def test_g13_a_signed_contract_not_ended_before_as_of_is_in_force(ends_on):
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, ends_on=ends_on, signed_on=date(2026, 11, 25))]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


def test_g13_one_in_force_contract_among_old_ones_is_enough():
    reg, supplier = with_hosted_system()
    old = contract(reg.council, supplier, ends_on=date(2024, 12, 31))
    reg.contracts = [old, contract(reg.council, supplier, ref="contract-2025", signed_on=date(2025, 1, 1))]
    assert reg.raised("PROCESSOR_NO_CONTRACT") == []


# --- G14 CONTRACT_DEFICIENT --------------------------------------------------------------------------
@pytest.mark.parametrize("clause", ART28_CLAUSES)
@pytest.mark.parametrize("state", ["false", "missing"])
def test_g14_a_false_or_missing_art28_term(clause, state):
    reg, supplier = with_hosted_system()
    clauses = dict.fromkeys(ART28_CLAUSES, True)
    if state == "false":
        clauses[clause] = False
    else:
        del clauses[clause]
    reg.contracts = [contract(reg.council, supplier, art28_clauses=clauses)]
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "medium")]
    assert clause.replace("_", " ") in reg.message("CONTRACT_DEFICIENT")


def test_g14_no_clauses_recorded_at_all():
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, art28_clauses=None)]
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "medium")]


@pytest.mark.parametrize("clauses_ok", [True, False])
def test_g14_expired_is_high_while_a_live_flow_uses_the_processor(clauses_ok):
    reg, supplier = with_hosted_system()
    clauses = dict.fromkeys(ART28_CLAUSES, clauses_ok)
    reg.contracts = [contract(reg.council, supplier, ends_on=date(2026, 1, 31), art28_clauses=clauses)]
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "high")]


def test_g14_expired_is_high_for_a_controller_to_processor_flow_too():
    reg, supplier = to_processor()
    reg.contracts = [contract(reg.council, supplier, ends_on=date(2026, 1, 31))]
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "high")]


@pytest.mark.parametrize("status", [e.FlowStatus.SUSPENDED, e.FlowStatus.ENDED])
def test_g14_expired_is_medium_when_no_live_flow_uses_the_processor(status):
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, ends_on=date(2026, 1, 31))]
    reg.flow.status = status
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "medium")]
    reg.flow.status, reg.flow.storage_systems = e.FlowStatus.LIVE, [reg.storage]  # live, but not via the supplier
    assert reg.raised("CONTRACT_DEFICIENT") == [("CONTRACT_DEFICIENT", "contract", "medium")]


@pytest.mark.parametrize("ends_on", [None, date(2026, 11, 25)])
def test_g14_not_for_a_complete_contract_in_force(ends_on):
    reg, supplier = with_hosted_system()
    reg.contracts = [contract(reg.council, supplier, ends_on=ends_on)]
    assert reg.raised("CONTRACT_DEFICIENT") == []


# --- G15 JOINT_CONTROLLERS_NO_ARRANGEMENT ---------------------------------------------------------------
def joint():
    reg = baseline()
    reg.flow.relationship_ = e.Relationship.JOINT_CONTROLLERS
    return reg


def arrangement(*parties, url: str | None = "https://example.org/jca", ref: str = "jca"):
    return JointControllerArrangement(ref=ref, parties=list(parties), essence_published_url=url)


def test_g15_joint_controllers_with_no_arrangement():
    assert joint().raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == [
        ("JOINT_CONTROLLERS_NO_ARRANGEMENT", "referrals", "high")
    ]


def test_g15_an_arrangement_whose_essence_is_not_published():
    reg = joint()
    reg.arrangements = [arrangement(reg.council, reg.police, url=None)]
    assert reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == [("JOINT_CONTROLLERS_NO_ARRANGEMENT", "referrals", "high")]
    reg.arrangements[0].essence_published_url = "https://example.org/jca"
    assert reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == []


def test_g15_an_arrangement_between_other_parties_does_not_count():
    reg = joint()
    other = reg.add_organisation("other", "other")
    reg.arrangements = [arrangement(reg.council, other), arrangement(reg.police, other, ref="jca-2")]
    assert reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == [("JOINT_CONTROLLERS_NO_ARRANGEMENT", "referrals", "high")]


def test_g15_an_arrangement_with_more_parties_covers_the_pair():
    reg = joint()
    other = reg.add_organisation("other", "nhs_body")
    reg.arrangements = [arrangement(other, reg.police, reg.council)]
    assert reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == []


@pytest.mark.parametrize(
    "relationship", [e.Relationship.INDEPENDENT_CONTROLLERS, e.Relationship.CONTROLLER_TO_PROCESSOR]
)
def test_g15_not_for_other_relationships(relationship):
    reg = baseline()
    reg.flow.relationship_ = relationship
    assert reg.raised("JOINT_CONTROLLERS_NO_ARRANGEMENT") == []
