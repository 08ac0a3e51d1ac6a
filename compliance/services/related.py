"""What a record's page lists beside its own fields, so that the pages agree with each other and
with the dashboard: an area's open findings (the dashboard's own query, services/dashboard.py), its
flows and panels; an organisation's flows and the agreements it is party to; the flows a DSA or an
MOU covers.

Every list is one query, whatever the register's size: many-to-one links are joined in the same
statement (never loaded per row, nor in IN batches that grow with the list), and each flow's worst
open finding comes from one query joined on the flows' own condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Area,
    DataFlow,
    Dsa,
    DsaParty,
    Finding,
    JointControllerArrangement,
    Mou,
    Organisation,
    Panel,
    PanelMeeting,
    ProcessingContract,
    Rule,
)
from ..models.agreement import joint_controller_party, mou_party
from ..models.enums import FindingStatus, SubjectType
from ..models.panel import panel_area
from . import dashboard
from .access import Scope
from .records import PAGE_SIZE, Page


@dataclass(frozen=True)
class WorstFinding:
    id: int
    severity: str
    rule_code: str
    title: str


@dataclass(frozen=True)
class FlowRow:
    flow: DataFlow  # with its sender, recipient, DSA and MOU loaded
    worst: WorstFinding | None

    @property
    def agreement(self) -> tuple[str, Any] | None:
        """("dsas" or "mous", the record) the flow rests on, the DSA first."""
        if self.flow.dsa is not None:
            return "dsas", self.flow.dsa
        if self.flow.mou is not None:
            return "mous", self.flow.mou
        return None


@dataclass(frozen=True)
class PanelRow:
    panel: Panel  # with its chair organisation loaded
    last_met: date | None


@dataclass(frozen=True)
class AgreementRow:
    key: str  # the record list: dsas, processing_contracts, mous, joint_controller_arrangements
    kind: str  # what a DPO calls it
    ref: str
    name: str
    detail: str  # its status, or the organisation's part in it
    review_due: date | None


def flows(scope: Scope, condition: sa.ColumnElement[bool]) -> list[FlowRow]:
    """The flows matching `condition` in the user's areas, by name, each with its worst open finding."""
    statement = (
        sa.select(DataFlow)
        .options(
            joinedload(DataFlow.sender),
            joinedload(DataFlow.recipient),
            joinedload(DataFlow.dsa),
            joinedload(DataFlow.mou),
        )
        .where(condition, scope.where(DataFlow))
        .order_by(DataFlow.name, DataFlow.ref)
    )
    rows = list(db.session.scalars(statement).unique())
    worst = _worst_findings(scope, condition) if rows else {}
    return [FlowRow(flow, worst.get(flow.ref)) for flow in rows]


def _worst_findings(scope: Scope, condition: sa.ColumnElement[bool]) -> dict[str, WorstFinding]:
    """Per flow ref, its worst open finding (the dashboard's order: severity, then the rule's G number)."""
    statement = (
        sa.select(Finding.subject_ref, Finding.id, Finding.severity, Finding.rule_code, Rule.title)
        .join(Rule, Rule.code == Finding.rule_code)
        .join(
            DataFlow,
            sa.and_(Finding.subject_type == SubjectType.DATA_FLOW, Finding.subject_ref == DataFlow.ref),
        )
        .where(Finding.status == FindingStatus.OPEN, condition, scope.where(DataFlow))
        .order_by(Finding.subject_ref, dashboard.WORST_FIRST, Rule.gnn)
    )
    worst: dict[str, WorstFinding] = {}
    for ref, finding_id, severity, code, title in db.session.execute(statement):
        worst.setdefault(ref, WorstFinding(finding_id, severity.value, code, title))
    return worst


def area_findings(scope: Scope, area: Area, page: int = 1) -> dict[str, Any]:
    """The open findings the dashboard counts for the area: the counts (the dashboard's By area row)
    and a page of the findings themselves, worst first."""
    row = next(iter(dashboard.by_area(scope, area.ref)), {"high": 0, "medium": 0, "low": 0})
    counts = {severity: row[severity] for severity in ("high", "medium", "low")}
    total = sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    number = max(1, min(page, pages))
    items = dashboard.in_area(scope, area.ref, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE) if total else []
    return {"counts": counts, "page": Page(items, total, number, PAGE_SIZE)}


def area_panels(scope: Scope, area: Area) -> list[PanelRow]:
    last_met = sa.select(sa.func.max(PanelMeeting.held_on)).where(PanelMeeting.panel_id == Panel.id).scalar_subquery()
    statement = (
        sa.select(Panel, last_met)
        .options(joinedload(Panel.chair_organisation))
        .where(Panel.id.in_(sa.select(panel_area.c.panel_id).where(panel_area.c.area_id == area.id)))
        .where(scope.where(Panel))
        .order_by(Panel.name, Panel.ref)
    )
    return [PanelRow(panel, when) for panel, when in db.session.execute(statement)]


def agreements(scope: Scope, organisation: Organisation) -> list[AgreementRow]:
    """The DSAs, Art 28 contracts, MOUs and joint-controller arrangements the organisation is party
    to, in the user's areas (one query per kind of agreement: four, whatever the register's size)."""
    rows: list[AgreementRow] = []
    # Party tables as IN subqueries, not joins: the scope's conditions correlate on the same tables.
    party_of = sa.select(DsaParty.dsa_id).where(DsaParty.organisation_id == organisation.id)
    for dsa in db.session.scalars(sa.select(Dsa).where(Dsa.id.in_(party_of), scope.where(Dsa))):
        status = dsa.status.value.replace("_", " ")
        rows.append(AgreementRow("dsas", "Data sharing agreement", dsa.ref, dsa.title, status, dsa.review_due))
    contracts = sa.select(ProcessingContract).where(
        sa.or_(ProcessingContract.controller_id == organisation.id, ProcessingContract.processor_id == organisation.id),
        scope.where(ProcessingContract),
    )
    for contract in db.session.scalars(contracts):
        part = "controller" if contract.controller_id == organisation.id else "processor"
        name = contract.subject_matter or contract.ref
        rows.append(AgreementRow("processing_contracts", "Processing contract", contract.ref, name, f"as {part}", None))
    party_of = sa.select(mou_party.c.mou_id).where(mou_party.c.organisation_id == organisation.id)
    for mou in db.session.scalars(sa.select(Mou).where(Mou.id.in_(party_of), scope.where(Mou))):
        rows.append(AgreementRow("mous", "MOU", mou.ref, mou.title, "", mou.review_due))
    model, table = JointControllerArrangement, joint_controller_party
    party_of = sa.select(table.c.arrangement_id).where(table.c.organisation_id == organisation.id)
    for arrangement in db.session.scalars(sa.select(model).where(model.id.in_(party_of), scope.where(model))):
        name = f"Joint controller arrangement {arrangement.ref}"
        rows.append(AgreementRow("joint_controller_arrangements", "Joint controllers", arrangement.ref, name, "", None))
    return sorted(rows, key=lambda row: (row.kind, row.name.lower(), row.ref))


def for_record(scope: Scope, key: str, obj: Any, page: int = 1) -> dict[str, Any]:
    """What the record's page lists about the records linked to it (empty for other kinds)."""
    if key == "areas":
        return {
            "area_findings": area_findings(scope, obj, page),
            "flows": flows(scope, DataFlow.area_id == obj.id),
            "panels": area_panels(scope, obj),
        }
    if key == "organisations":
        return {
            "sent": flows(scope, DataFlow.sender_id == obj.id),
            "received": flows(scope, DataFlow.recipient_id == obj.id),
            "agreements": agreements(scope, obj),
        }
    if key == "dsas":
        return {"flows": flows(scope, DataFlow.dsa_id == obj.id)}
    if key == "mous":
        return {"flows": flows(scope, DataFlow.mou_id == obj.id)}
    return {}
