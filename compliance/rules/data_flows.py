"""Rules about a flow's agreement, route, retention, transparency and records (G01-G03, G19, G22, G27, G29)."""

from __future__ import annotations

from ..models import DataFlow
from ..models.enums import DataCategory, Frequency, PartnerType, Severity, SubjectType, TransferChannel
from .base import Hit, humanise, listing, rule
from .context import RuleContext

INFORMAL_CHANNELS = frozenset(
    {TransferChannel.MASH_EMAIL, TransferChannel.UNSECURE_EMAIL, TransferChannel.PHONE_VERBAL}
)


def describe(flow: DataFlow) -> str:
    return f"Data flow {flow.ref} ({flow.sender.name} to {flow.recipient.name})"


@rule("FLOW_NO_AGREEMENT", "G01", SubjectType.DATA_FLOW, Severity.HIGH)
def flow_no_agreement(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if flow.is_live and flow.frequency == Frequency.ROUTINE and flow.dsa is None and flow.mou is None:
        return Hit(f"{describe(flow)} is routine sharing with no DSA and no MOU covering it.")
    return None


@rule("MOU_NOT_A_DSA", "G02", SubjectType.DATA_FLOW, Severity.MEDIUM)
def mou_not_a_dsa(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live or flow.mou is None or flow.dsa is not None:
        return None
    mou = flow.mou
    if not mou.includes_data_sharing_provisions:
        why = "it has no data sharing provisions"
    else:
        others = [party.name for party in mou.parties if not ctx.mou_can_count_as_dsa(party)]
        if not others and mou.parties:
            return None
        why = f"not every party may rely on an MOU in place of a DSA ({listing(others)})"
    return Hit(f"{describe(flow)} rests on MOU {mou.ref} alone, which does not count as a DSA: {why}.")


@rule("SHARED_OUTSIDE_AGREEMENT", "G03", SubjectType.DATA_FLOW, Severity.HIGH)
def shared_outside_agreement(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live:
        return None
    value = flow.transfer_channel.value
    if flow.dsa is None:
        if flow.transfer_channel in INFORMAL_CHANNELS:
            return Hit(f"{describe(flow)} is shared by {humanise(value)} with no DSA covering it.")
        return None
    allowed = flow.dsa.allowed_channels
    if allowed is not None and value not in allowed:
        return Hit(f"{describe(flow)} is shared by {humanise(value)}, a channel DSA {flow.dsa.ref} does not allow.")
    return None


@rule("RETENTION_MISSING", "G19", SubjectType.DATA_FLOW, Severity.MEDIUM)
def retention_missing(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live or (flow.retention_period and flow.retention_trigger):
        return None
    missing = [
        name for name, value in (("period", flow.retention_period), ("trigger", flow.retention_trigger)) if not value
    ]
    if missing:
        return Hit(f"{describe(flow)} has no retention {listing(missing)} recorded.")
    return None


@rule("PRIVACY_NOTICE_MISSING", "G22", SubjectType.DATA_FLOW, Severity.HIGH)
def privacy_notice_missing(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if not flow.is_live:
        return None
    controllers = ctx.notice_controllers
    if flow.sender in controllers and flow.recipient in controllers:
        return None
    parties = dict.fromkeys((flow.sender, flow.recipient))
    without = [org.name for org in parties if org not in controllers]
    if without:
        return Hit(f"{describe(flow)}: no privacy notice in the register is published by {listing(without)}.")
    return None


@rule("INTELLIGENCE_DATA_TO_PARTNER", "G27", SubjectType.DATA_FLOW, Severity.HIGH)
def intelligence_data_to_partner(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if (
        flow.is_live
        and DataCategory.INTELLIGENCE_SERVICE_DERIVED in flow.categories
        and flow.recipient.partner_type != PartnerType.POLICE
    ):
        return Hit(f"{describe(flow)} carries intelligence-service-derived data to a partner that is not police.")
    return None


@rule("ROPA_ENTRY_MISSING", "G29", SubjectType.DATA_FLOW, Severity.MEDIUM)
def ropa_entry_missing(flow: DataFlow, ctx: RuleContext) -> Hit | None:
    if flow.is_live and not flow.ropa_ref:
        return Hit(f"{describe(flow)} has no entry in the record of processing activities (ROPA).")
    return None
