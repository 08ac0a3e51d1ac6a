"""Rules about DPIAs: missing, late, unconsulted, overdue, and children's best interests (G09-G12, G28)."""

from __future__ import annotations

from ..models import DataFlow, Dpia
from ..models.enums import IcoConsultation, RiskLevel, Severity, SubjectType
from .base import Hit, listing, rule
from .context import RuleContext
from .data_flows import describe


def high_risk_reasons(flow: DataFlow) -> list[str]:
    """Why a flow needs a DPIA (UK GDPR Art 35; ICO's list of likely high-risk processing)."""
    reasons = []
    if flow.has_special_category:
        reasons.append("special category data")
    if flow.has_criminal_data:
        reasons.append("alleged criminal offence data")
    if flow.subjects_children:
        reasons.append("children's data")
    if flow.subjects_vulnerable_adults:
        reasons.append("vulnerable adults' data")
    if flow.combines_sources:
        reasons.append("data combined from several sources")
    return reasons


@rule("DPIA_MISSING", "G09", SubjectType.DATA_FLOW, Severity.HIGH)
def dpia_missing(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live or (flow.dpia is not None and flow.dpia.is_completed):
        return None
    reasons = high_risk_reasons(flow)
    if not reasons:
        return None
    state = "no DPIA" if flow.dpia is None else f"DPIA {flow.dpia.ref} is not completed"
    return Hit(f"{describe(flow)} carries {listing(reasons)}, and {state}.")


@rule("DPIA_AFTER_SHARING", "G10", SubjectType.DPIA, Severity.MEDIUM)
def dpia_after_sharing(dpia: Dpia, ctx: RuleContext) -> Hit | None:
    if not dpia.is_completed or dpia.completed_on is None:
        return None
    late: list[str] = []
    flows = ctx.flows_by_dpia.get(dpia, ())
    for flow in flows:
        if flow.started_on and flow.started_on < dpia.completed_on:
            late.append(f"flow {flow.ref} started on {flow.started_on.isoformat()}")
    for dsa in dict.fromkeys(flow.dsa for flow in flows if flow.dsa is not None):
        signed = [party.signed_on for party in dsa.parties if party.signed_on]
        if signed and min(signed) < dpia.completed_on:
            late.append(f"DSA {dsa.ref} was first signed on {min(signed).isoformat()}")
    if late:
        return Hit(f"DPIA {dpia.ref} was completed on {dpia.completed_on.isoformat()}, after {listing(late)}.")
    return None


@rule("DPIA_HIGH_RISK_NOT_CONSULTED", "G11", SubjectType.DPIA, Severity.HIGH)
def dpia_high_risk_not_consulted(dpia: Dpia, ctx: RuleContext) -> Hit | None:
    if dpia.residual_risk == RiskLevel.HIGH and dpia.ico_prior_consultation in (None, IcoConsultation.NOT_NEEDED):
        return Hit(f"DPIA {dpia.ref} leaves a high residual risk and the ICO has not been consulted.")
    return None


@rule("DPIA_REVIEW_OVERDUE", "G12", SubjectType.DPIA, Severity.MEDIUM)
def dpia_review_overdue(dpia: Dpia, ctx: RuleContext) -> Hit | None:
    if not dpia.is_completed:
        return None
    if dpia.review_due is None:
        return Hit(f"DPIA {dpia.ref} has no review date.")
    if dpia.review_due < ctx.as_of:
        return Hit(f"DPIA {dpia.ref} was due for review on {dpia.review_due.isoformat()}.")
    return None


@rule("CHILDREN_NO_BEST_INTERESTS", "G28", SubjectType.DATA_FLOW, Severity.HIGH)
def children_no_best_interests(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not (flow.is_live and flow.subjects_children):
        return None
    if flow.dpia is None:
        return Hit(f"{describe(flow)} carries children's data and no DPIA records the children's best interests.")
    if flow.dpia.best_interests_recorded is not True:
        return Hit(
            f"{describe(flow)} carries children's data and DPIA {flow.dpia.ref} does not record "
            "the compelling reason and the children's best interests."
        )
    return None
