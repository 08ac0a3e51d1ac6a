"""Rules about each party's lawful basis and conditions (G04-G08, G32-G34).

Six of them look only at the live flows `RuleContext.live_flows_faulting_bases` names for them
(a live flow with a basis the rule would find fault with), then judge each as before."""

from __future__ import annotations

from ..models import DataFlow, Organisation
from ..models.enums import Art6Basis, Art9Condition, Part3Basis, Regime, Severity, SubjectType
from .base import Hit, listing, rule
from .context import RuleContext
from .data_flows import describe


@rule("LAWFUL_BASIS_MISSING", "G04", SubjectType.DATA_FLOW, Severity.HIGH)
def lawful_basis_missing(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live:
        return None
    problems: list[str] = []
    for party in dict.fromkeys((flow.sender, flow.recipient)):
        basis = flow.lawful_basis_of(party)
        if basis is None:
            problems.append(f"{party.name} has no lawful basis recorded")
            continue
        if basis.recorded_on and flow.started_on and basis.recorded_on > flow.started_on:
            problems.append(
                f"{party.name} recorded its basis on {basis.recorded_on.isoformat()}, "
                f"after sharing started on {flow.started_on.isoformat()}"
            )
        if basis.regime == Regime.UK_GDPR and basis.art6 is None:
            problems.append(f"{party.name} relies on UK GDPR but names no Art 6 basis")
        if basis.regime == Regime.DPA_PART3 and basis.part3 is None:
            problems.append(f"{party.name} relies on DPA 2018 Part 3 but names no s35(2) basis")
    if problems:
        return Hit(f"{describe(flow)}: {listing(problems)}.")
    return None


@rule("SPECIAL_CATEGORY_NO_CONDITION", "G05", SubjectType.DATA_FLOW, Severity.HIGH)
def special_category_no_condition(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if flow not in ctx.live_flows_faulting_bases["SPECIAL_CATEGORY_NO_CONDITION"] or not flow.has_special_category:
        return None
    problems: list[str] = []
    for basis in flow.lawful_bases:
        if basis.regime != Regime.UK_GDPR:
            continue
        if basis.art9 is None:
            problems.append(f"{basis.party.name} names no Art 9 condition")
        elif basis.art9 == Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST and basis.sch1_paragraph is None:
            problems.append(f"{basis.party.name} relies on Art 9(2)(g) without a DPA 2018 Sch 1 paragraph")
    if problems:
        return Hit(f"{describe(flow)} carries special category data, but {listing(problems)}.")
    return None


@rule("CRIMINAL_DATA_NO_CONDITION", "G06", SubjectType.DATA_FLOW, Severity.HIGH)
def criminal_data_no_condition(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if flow not in ctx.live_flows_faulting_bases["CRIMINAL_DATA_NO_CONDITION"] or not flow.has_criminal_data:
        return None
    without = [
        basis.party.name for basis in flow.lawful_bases if basis.regime == Regime.UK_GDPR and basis.art10 is None
    ]
    if without:
        return Hit(
            f"{describe(flow)} carries alleged criminal offence data, but {listing(without)} names no Art 10 basis."
        )
    return None


@rule("APD_MISSING", "G07", SubjectType.ORGANISATION, Severity.MEDIUM)
def apd_missing(organisation: Organisation, ctx: RuleContext) -> Hit | None:
    if organisation.apd_ref:
        return None
    relied: list[str] = []
    areas: set[str] = set()
    for flow, basis in ctx.live_bases_by_party.get(organisation, ()):
        if basis.sch1_paragraph is not None or (basis.regime == Regime.DPA_PART3 and basis.sch8_condition):
            relied.append(flow.ref)
            areas.add(flow.area.ref)
    if relied:
        return Hit(
            f"{organisation.name} relies on a DPA 2018 Sch 1 condition or Part 3 sensitive processing "
            f"(in {listing(sorted(relied))}) but has no appropriate policy document recorded.",
            areas=tuple(sorted(areas)),
        )
    return None


@rule("POLICE_NO_PART3_BASIS", "G08", SubjectType.DATA_FLOW, Severity.HIGH)
def police_no_part3_basis(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if flow not in ctx.live_flows_faulting_bases["POLICE_NO_PART3_BASIS"]:
        return None
    problems: list[str] = []
    for basis in flow.lawful_bases:
        if not ctx.is_competent_authority(basis.party):
            continue
        if basis.regime != Regime.DPA_PART3:
            problems.append(f"{basis.party.name} is a competent authority but records a UK GDPR basis")
        elif flow.has_special_category and not basis.sch8_condition:
            problems.append(f"{basis.party.name} names no DPA 2018 Sch 8 condition for sensitive processing")
    if problems:
        return Hit(f"{describe(flow)}: {listing(problems)}.")
    return None


@rule("CONSENT_AS_LAWFUL_BASIS", "G32", SubjectType.DATA_FLOW, Severity.MEDIUM)
def consent_as_lawful_basis(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if flow not in ctx.live_flows_faulting_bases["CONSENT_AS_LAWFUL_BASIS"]:
        return None
    relying = [
        basis.party.name
        for basis in flow.lawful_bases
        if basis.art6 == Art6Basis.A_CONSENT or basis.part3 == Part3Basis.S35_2_A_CONSENT
    ]
    if relying:
        return Hit(f"{describe(flow)}: {listing(relying)} relies on consent as its lawful basis for statutory sharing.")
    return None


# The commencement (seeds/reference/commencements.json) of UK GDPR Art 6(1)(ea) and Annex 1.
RECOGNISED_LI = "recognised_legitimate_interest"


@rule("RECOGNISED_LI_MISUSED", "G33", SubjectType.DATA_FLOW, Severity.HIGH)
def recognised_li_misused(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    """Art 6(1)(ea) claimed by a public authority, without an Annex 1 condition, or before it
    existed: recorded before it commenced, or relied on in a register judged before then."""
    if flow not in ctx.live_flows_faulting_bases["RECOGNISED_LI_MISUSED"]:
        return None
    problems: list[str] = []
    commenced = ctx.commenced_on(RECOGNISED_LI)
    for basis in flow.lawful_bases:
        if basis.regime != Regime.UK_GDPR or basis.art6 != Art6Basis.EA_RECOGNISED_LEGITIMATE_INTEREST:
            continue
        party = basis.party.name
        if not ctx.in_force(RECOGNISED_LI):
            problems.append(
                f"{party} relies on Art 6(1)(ea), which was not in force on {ctx.as_of.isoformat()} "
                f"(it applies from {commenced.isoformat()})"
            )
        elif basis.recorded_on is not None and basis.recorded_on < commenced:
            problems.append(
                f"{party} recorded an Art 6(1)(ea) basis on {basis.recorded_on.isoformat()}, "
                f"before it came into force on {commenced.isoformat()}"
            )
        if ctx.is_public_authority(basis.party):
            problems.append(f"{party} is a public authority, which may not rely on Art 6(1)(ea) for its tasks")
        if basis.annex1_condition is None:
            problems.append(f"{party} relies on Art 6(1)(ea) but names no UK GDPR Annex 1 condition")
    if problems:
        return Hit(f"{describe(flow)}: {listing(problems)}.")
    return None


@rule("LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY", "G34", SubjectType.DATA_FLOW, Severity.HIGH)
def legitimate_interests_by_public_authority(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if flow not in ctx.live_flows_faulting_bases["LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY"]:
        return None
    relying = [
        basis.party.name
        for basis in flow.lawful_bases
        if basis.regime == Regime.UK_GDPR
        and basis.art6 == Art6Basis.F_LEGITIMATE_INTERESTS
        and ctx.is_public_authority(basis.party)
    ]
    if relying:
        return Hit(
            f"{describe(flow)}: {listing(relying)} relies on Art 6(1)(f) legitimate interests, which a public "
            "authority may not use for processing in the performance of its tasks."
        )
    return None
