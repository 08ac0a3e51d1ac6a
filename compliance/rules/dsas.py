"""Rules about data sharing agreements: signatures, reviews and content (G16-G18)."""

from __future__ import annotations

from ..models import DSA_CHECKLIST, Dsa
from ..models.enums import DsaStatus, Severity, SubjectType
from .base import Hit, humanise, listing, rule
from .context import RuleContext


@rule("DSA_UNSIGNED", "G16", SubjectType.DSA, Severity.HIGH)
def dsa_unsigned(dsa: Dsa, ctx: RuleContext) -> Hit | None:
    if dsa.status != DsaStatus.IN_FORCE:
        return None
    unsigned = [party.organisation.name for party in dsa.parties if party.signed_on is None]
    party_orgs = {party.organisation for party in dsa.parties}
    outsiders = dict.fromkeys(
        org.name
        for flow in ctx.flows_by_dsa.get(dsa, ())
        for org in (flow.sender, flow.recipient)
        if org not in party_orgs
    )
    problems = []
    if unsigned:
        problems.append(f"{listing(unsigned)} {'has' if len(unsigned) == 1 else 'have'} not signed it")
    if outsiders:
        problems.append(
            f"{listing(list(outsiders))} share{'s' if len(outsiders) == 1 else ''} data under it without being a party"
        )
    if problems:
        return Hit(f"DSA {dsa.ref} is in force but {listing(problems)}.")
    return None


def is_expired(dsa: Dsa, ctx: RuleContext) -> bool:
    return dsa.status == DsaStatus.EXPIRED or (dsa.expires_on is not None and dsa.expires_on < ctx.as_of)


@rule("DSA_REVIEW_OVERDUE", "G17", SubjectType.DSA, Severity.MEDIUM)
def dsa_review_overdue(dsa: Dsa, ctx: RuleContext) -> Hit | None:
    covers_live = any(flow.is_live for flow in ctx.flows_by_dsa.get(dsa, ()))
    if is_expired(dsa, ctx) and covers_live:
        when = f" on {dsa.expires_on.isoformat()}" if dsa.expires_on else ""
        return Hit(f"DSA {dsa.ref} expired{when} but still covers a live flow.", severity=Severity.HIGH)
    if dsa.status != DsaStatus.IN_FORCE:
        return None
    if dsa.review_due is None:
        return Hit(f"DSA {dsa.ref} is in force with no review date.")
    if dsa.review_due < ctx.as_of:
        return Hit(f"DSA {dsa.ref} was due for review on {dsa.review_due.isoformat()}.")
    return None


@rule("DSA_CONTENT_INCOMPLETE", "G18", SubjectType.DSA, Severity.MEDIUM)
def dsa_content_incomplete(dsa: Dsa, ctx: RuleContext) -> Hit | None:
    if dsa.checklist is None:
        return None
    missing = [humanise(item) for item in DSA_CHECKLIST if dsa.checklist.get(item) is False]
    if missing:
        return Hit(f"DSA {dsa.ref} does not address: {listing(missing)}.")
    return None
