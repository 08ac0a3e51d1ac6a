"""What an area's data-flow map shows: its organisations, its live (and planned) flows, and the worst
open finding about each flow, gathered in four queries whatever the area's size (the area, its
flows with their parties and agreements, its organisations, its flows' open findings).

The same map for the PDF report comes from the report's rule context and gaps (`from_report`),
without a query. Drawing it is reports/flow_map.py's job.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..labels import label
from ..models import Area, DataFlow, Dsa, Finding, Mou, Organisation, Rule
from ..models.data_flow import LIVE_STATUSES
from ..models.enums import FindingStatus, Severity, SubjectType
from ..models.finding import finding_area
from ..models.organisation import organisation_area
from ..reports.flow_map import Flow, FlowMap, Worst
from ..reports.flow_map import Organisation as Node
from .access import NotVisible, Scope


def for_area(scope: Scope, area_ref: str) -> FlowMap:
    """The map of one area the user may see; NotVisible (404) for any other."""
    area = db.session.execute(sa.select(Area.id, Area.name).where(Area.ref == area_ref, scope.where(Area))).first()
    if area is None:
        raise NotVisible(f"area {area_ref}")
    sender, recipient = aliased(Organisation), aliased(Organisation)
    live = sa.and_(DataFlow.area_id == area.id, DataFlow.status.in_(sorted(LIVE_STATUSES)))
    rows = db.session.execute(
        sa.select(DataFlow.ref, DataFlow.name, sender.ref, recipient.ref, Dsa.ref, Dsa.title, Mou.ref, Mou.title)
        .join(sender, sender.id == DataFlow.sender_id)
        .join(recipient, recipient.id == DataFlow.recipient_id)
        .outerjoin(Dsa, Dsa.id == DataFlow.dsa_id)
        .outerjoin(Mou, Mou.id == DataFlow.mou_id)
        .where(live)
        .order_by(DataFlow.name, DataFlow.ref)
    ).all()
    parties = sa.union(
        sa.select(DataFlow.sender_id).where(live),
        sa.select(DataFlow.recipient_id).where(live),
        sa.select(organisation_area.c.organisation_id).where(organisation_area.c.area_id == area.id),
    )
    organisations = [
        Node(ref, name, label(kind))
        for ref, name, kind in db.session.execute(
            sa.select(Organisation.ref, Organisation.name, Organisation.partner_type)
            .where(Organisation.id.in_(parties))
            .order_by(Organisation.name, Organisation.ref)
        )
    ]
    found = db.session.execute(
        sa.select(Finding.subject_ref, Finding.severity, Rule.gnn, Rule.title)
        .join(Rule, Rule.code == Finding.rule_code)
        .where(
            Finding.subject_type == SubjectType.DATA_FLOW,
            Finding.status == FindingStatus.OPEN,
            Finding.id.in_(sa.select(finding_area.c.finding_id).where(finding_area.c.area_id == area.id)),
        )
    ).all()
    worst = _worst((ref, severity, gnn, title) for ref, severity, gnn, title in found)
    flows = [
        Flow(
            ref=ref,
            name=name,
            sender=from_ref,
            recipient=to_ref,
            agreement=_agreement(dsa_title or dsa_ref, mou_title or mou_ref),
            agreement_link=("dsas", dsa_ref) if dsa_ref else ("mous", mou_ref) if mou_ref else None,
            worst=worst.get(ref),
        )
        for ref, name, from_ref, to_ref, dsa_ref, dsa_title, mou_ref, mou_title in rows
    ]
    return FlowMap(area_ref, area.name, organisations, flows)


def from_report(ctx: Any, gaps: Iterable[Any], area_ref: str) -> FlowMap:
    """The same map from a report's rule context (services.register / findings.area_context) and its
    gaps (services.gaps.Gap): what the PDF draws, with no query."""
    area = next(a for a in ctx.areas if a.ref == area_ref)
    flows = sorted((f for f in ctx.data_flows if f.area.ref == area_ref and f.is_live), key=lambda f: (f.name, f.ref))
    refs = {f.ref for f in flows}
    worst = _worst(
        (g.subject_ref, g.severity, g.gnn, g.title)
        for g in gaps
        if g.subject_type == SubjectType.DATA_FLOW.value and g.subject_ref in refs and g.status == FindingStatus.OPEN
    )
    members = {o for o in ctx.organisations if any(a.ref == area_ref for a in o.areas)}
    members |= {f.sender for f in flows} | {f.recipient for f in flows}
    organisations = [Node(o.ref, o.name, label(o.partner_type)) for o in sorted(members, key=lambda o: (o.name, o.ref))]
    return FlowMap(
        area_ref,
        area.name,
        organisations,
        [
            Flow(
                ref=f.ref,
                name=f.name,
                sender=f.sender.ref,
                recipient=f.recipient.ref,
                agreement=_agreement(f.dsa and (f.dsa.title or f.dsa.ref), f.mou and (f.mou.title or f.mou.ref)),
                agreement_link=("dsas", f.dsa.ref) if f.dsa else ("mous", f.mou.ref) if f.mou else None,
                worst=worst.get(f.ref),
            )
            for f in flows
        ],
    )


def _agreement(dsa: str | None, mou: str | None) -> str:
    if dsa:
        return f"Data sharing agreement: {dsa}"
    if mou:
        return f"Memorandum of understanding: {mou}"
    return "None recorded"


def _worst(found: Iterable[tuple[str, Severity, str, str]]) -> dict[str, Worst]:
    """Per flow ref, its worst open finding (highest severity, then the rule's order) and how many."""
    best: dict[str, tuple[tuple[int, str], Worst]] = {}
    counts: dict[str, int] = {}
    for ref, severity, gnn, title in found:
        counts[ref] = counts.get(ref, 0) + 1
        key = (-severity.rank, gnn)
        if ref not in best or key < best[ref][0]:
            best[ref] = (key, Worst(severity.value, title, 0))
    return {ref: Worst(w.severity, w.title, counts[ref]) for ref, (_, w) in best.items()}
