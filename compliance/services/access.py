"""Who may see and change what: roles and area scoping, applied in every query the pages make.

A user sees only the areas assigned to them (an admin sees every area). A record belongs to an
area as the findings do: a flow by its area; an organisation by its areas; a DSA, MOU or DPIA by
the flows that name it or, failing that, by its parties; a storage system by the flows that use
it or its owner; a panel by its areas. `Scope.where(Model)` gives the SQL condition for a model.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..models import (
    Area,
    DataFlow,
    Dpia,
    Dsa,
    DsaParty,
    Finding,
    JointControllerArrangement,
    Mou,
    Organisation,
    Panel,
    PanelMeeting,
    PrivacyNotice,
    ProcessingContract,
    StorageSystem,
    User,
)
from ..models.agreement import joint_controller_party, mou_party
from ..models.data_flow import data_flow_storage_system
from ..models.enums import Role
from ..models.finding import finding_area
from ..models.organisation import organisation_area
from ..models.panel import panel_area


class Forbidden(Exception):
    """The user may not do this (the views answer 403)."""


class NotVisible(LookupError):
    """No such record in the user's areas (the views answer 404: its existence is not revealed)."""


@dataclass(frozen=True)
class Scope:
    role: Role
    email: str
    area_ids: frozenset[int] | None  # None: every area
    panel_ids: frozenset[int]

    @classmethod
    def of(cls, user: User) -> Scope:
        areas = None if user.role == Role.ADMIN else frozenset(area.id for area in user.areas)
        return cls(user.role, user.email, areas, frozenset(panel.id for panel in user.panels))

    @property
    def sees_everything(self) -> bool:
        return self.area_ids is None

    @property
    def can_edit_register(self) -> bool:
        return self.role in (Role.ADMIN, Role.DPO)

    @property
    def can_read_audit(self) -> bool:
        """Admins, auditors and DPOs (the entries of their own areas: services/audit_trail.py)."""
        return self.role in (Role.ADMIN, Role.DPO, Role.AUDITOR)

    @property
    def can_manage_users(self) -> bool:
        return self.role == Role.ADMIN

    def can_record_meetings_of(self, panel: Panel) -> bool:
        if self.role in (Role.ADMIN, Role.DPO):
            return True
        return self.role == Role.PANEL_CHAIR and panel.id in self.panel_ids

    def require(self, allowed: bool) -> None:
        if not allowed:
            raise Forbidden()

    # --- SQL conditions ---------------------------------------------------------------------
    def where(self, model: type) -> sa.ColumnElement[bool]:
        """The condition that keeps `model`'s rows to this user's areas."""
        if self.area_ids is None:
            return sa.true()
        ids = sorted(self.area_ids)
        condition = _CONDITIONS[model]
        return condition(ids)


def _org_in(ids, column) -> sa.ColumnElement[bool]:
    return sa.exists().where(organisation_area.c.organisation_id == column, organisation_area.c.area_id.in_(ids))


def _flows_with(ids, fk) -> sa.ColumnElement[bool]:
    return sa.exists(sa.select(DataFlow.id).where(fk, DataFlow.area_id.in_(ids)))


_CONDITIONS = {
    Area: lambda ids: Area.id.in_(ids),
    DataFlow: lambda ids: DataFlow.area_id.in_(ids),
    Organisation: lambda ids: _org_in(ids, Organisation.id),
    Panel: lambda ids: sa.exists().where(panel_area.c.panel_id == Panel.id, panel_area.c.area_id.in_(ids)),
    PanelMeeting: lambda ids: sa.exists().where(
        panel_area.c.panel_id == PanelMeeting.panel_id, panel_area.c.area_id.in_(ids)
    ),
    Dsa: lambda ids: sa.or_(
        _flows_with(ids, DataFlow.dsa_id == Dsa.id),
        sa.exists(sa.select(DsaParty.id).where(DsaParty.dsa_id == Dsa.id, _org_in(ids, DsaParty.organisation_id))),
    ),
    Mou: lambda ids: sa.or_(
        _flows_with(ids, DataFlow.mou_id == Mou.id),
        sa.exists().where(mou_party.c.mou_id == Mou.id, _org_in(ids, mou_party.c.organisation_id)),
    ),
    Dpia: lambda ids: sa.or_(_flows_with(ids, DataFlow.dpia_id == Dpia.id), _org_in(ids, Dpia.controller_id)),
    ProcessingContract: lambda ids: sa.or_(
        _org_in(ids, ProcessingContract.controller_id), _org_in(ids, ProcessingContract.processor_id)
    ),
    JointControllerArrangement: lambda ids: sa.exists().where(
        joint_controller_party.c.arrangement_id == JointControllerArrangement.id,
        _org_in(ids, joint_controller_party.c.organisation_id),
    ),
    StorageSystem: lambda ids: sa.or_(
        sa.exists(
            sa.select(data_flow_storage_system.c.data_flow_id)
            .join(DataFlow, DataFlow.id == data_flow_storage_system.c.data_flow_id)
            .where(data_flow_storage_system.c.storage_system_id == StorageSystem.id, DataFlow.area_id.in_(ids))
        ),
        _org_in(ids, StorageSystem.owner_id),
    ),
    PrivacyNotice: lambda ids: _org_in(ids, PrivacyNotice.controller_id),
    Finding: lambda ids: sa.exists().where(finding_area.c.finding_id == Finding.id, finding_area.c.area_id.in_(ids)),
}
