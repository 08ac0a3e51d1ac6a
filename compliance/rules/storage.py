"""Rules about where Prevent data is held, and what people are told (G20, G21, G23)."""

from __future__ import annotations

from ..models import PRIVACY_NOTICE_CHECKLIST, PrivacyNotice, StorageSystem
from ..models.enums import Hosting, Severity, StorageKind, SubjectType
from .base import Hit, a_or_an, humanise, listing, rule
from .context import RuleContext

UNSUITABLE_KINDS = frozenset({StorageKind.EMAIL_MAILBOX, StorageKind.SPREADSHEET, StorageKind.NETWORK_DRIVE})


def _used_by(system: StorageSystem, ctx: RuleContext) -> str:
    flows = ctx.live_flows_by_storage_system.get(system, ())
    shown = [flow.ref for flow in flows[:5]]
    more = f" and {len(flows) - 5} more" if len(flows) > 5 else ""
    return f"{', '.join(shown)}{more}"


@rule("STORAGE_UNAPPROVED", "G20", SubjectType.STORAGE_SYSTEM, Severity.HIGH)
def storage_unapproved(system: StorageSystem, ctx: RuleContext) -> Hit | None:
    if system not in ctx.live_flows_by_storage_system:
        return None
    problems = []
    if not system.approved_for_prevent:
        problems.append("is not approved for Prevent data")
    if system.kind in UNSUITABLE_KINDS:
        problems.append(f"is {a_or_an(humanise(system.kind.value))}")
    if problems:
        return Hit(
            f"Storage system {system.name} {listing(problems)}, yet live flows keep data in it "
            f"({_used_by(system, ctx)})."
        )
    return None


@rule("STORAGE_UNASSURED", "G21", SubjectType.STORAGE_SYSTEM, Severity.MEDIUM)
def storage_unassured(system: StorageSystem, ctx: RuleContext) -> Hit | None:
    if system not in ctx.live_flows_by_storage_system:
        return None
    problems = []
    if system.hosting == Hosting.CLOUD_NON_UK:
        problems.append("is hosted outside the UK")
    if not system.approval_ref:
        problems.append("has no security approval reference")
    if problems:
        return Hit(f"Storage system {system.name} {listing(problems)} (used by {_used_by(system, ctx)}).")
    return None


@rule("PRIVACY_NOTICE_INCOMPLETE", "G23", SubjectType.PRIVACY_NOTICE, Severity.MEDIUM)
def privacy_notice_incomplete(notice: PrivacyNotice, ctx: RuleContext) -> Hit | None:
    if notice.checklist is None:
        return None
    missing = [humanise(item) for item in PRIVACY_NOTICE_CHECKLIST if notice.checklist.get(item) is False]
    if missing:
        return Hit(f"Privacy notice {notice.ref} of {notice.controller.name} does not cover: {listing(missing)}.")
    return None
