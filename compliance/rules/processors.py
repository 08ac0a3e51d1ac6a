"""Rules about processors and joint controllers (G13-G15)."""

from __future__ import annotations

from datetime import date

from ..models import ART28_CLAUSES, DataFlow, ProcessingContract
from ..models.enums import Relationship, Severity, SubjectType
from .base import Hit, humanise, listing, rule
from .context import RuleContext
from .data_flows import describe


def in_force(contract: ProcessingContract, as_of: date) -> bool:
    """Signed by as_of and not ended before it."""
    return (
        contract.signed_on is not None
        and contract.signed_on <= as_of
        and (contract.ends_on is None or contract.ends_on >= as_of)
    )


@rule("PROCESSOR_NO_CONTRACT", "G13", SubjectType.DATA_FLOW, Severity.HIGH)
def processor_no_contract(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live:
        return None
    pairs = ctx.processor_pairs(flow)
    if not pairs:
        return None
    # Whether a pair has a contract in force on the date, kept for the evaluation: 22,000 live
    # flows in a national register ask about a few hundred pairs.
    covered = ctx.memo(("PROCESSOR_NO_CONTRACT", ctx.as_of))
    uncovered = []
    for pair in pairs:
        answer = covered.get(pair)
        if answer is None:
            answer = covered[pair] = any(
                in_force(contract, ctx.as_of) for contract in ctx.contracts_by_pair.get(pair, ())
            )
        if not answer:
            controller, processor = pair
            uncovered.append(f"{controller.name} and its processor {processor.name}")
    if uncovered:
        return Hit(
            f"{describe(flow)} involves a processor, but no Art 28 contract is in force between {listing(uncovered)}."
        )
    return None


@rule("CONTRACT_DEFICIENT", "G14", SubjectType.PROCESSING_CONTRACT, Severity.MEDIUM)
def contract_deficient(contract: ProcessingContract, ctx: RuleContext) -> Hit | None:
    clauses = contract.art28_clauses or {}
    missing = [humanise(clause) for clause in ART28_CLAUSES if not clauses.get(clause)]
    expired = contract.ends_on is not None and contract.ends_on < ctx.as_of
    if not missing and not expired:
        return None
    parts = []
    if missing:
        parts.append(f"lacks the Art 28(3) terms: {listing(missing)}")
    if expired:
        parts.append(f"ended on {contract.ends_on.isoformat()}")
    still_used = expired and (contract.controller, contract.processor) in ctx.live_processor_pairs
    if still_used:
        parts.append("and a live flow still uses the processor")
    return Hit(
        f"Processing contract {contract.ref} between {contract.controller.name} and {contract.processor.name} "
        f"{listing(parts)}.",
        severity=Severity.HIGH if still_used else None,
    )


@rule("JOINT_CONTROLLERS_NO_ARRANGEMENT", "G15", SubjectType.DATA_FLOW, Severity.HIGH)
def joint_controllers_no_arrangement(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live or flow.relationship_ != Relationship.JOINT_CONTROLLERS:
        return None
    parties = {flow.sender, flow.recipient}
    arrangements = [jca for jca in ctx.arrangements_by_party.get(flow.sender, ()) if parties <= set(jca.parties)]
    if not arrangements:
        return Hit(f"{describe(flow)} is between joint controllers with no Art 26 arrangement between them.")
    if not any(jca.essence_published_url for jca in arrangements):
        return Hit(
            f"{describe(flow)}: the essence of the joint-controller arrangement "
            f"({listing(jca.ref for jca in arrangements)}) is not published."
        )
    return None
