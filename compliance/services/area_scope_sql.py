"""The statements `area_scope.build` sends to decide a scope, each built once per process with named
parameters (lists of ids, expanded as they are sent), not afresh at every save: building a dozen
unions of subqueries was some three quarters of deciding a scope, sending and reading them the
rest. area_scope.py says what a scope holds and why; this module says how each set of ids is read.

Each function returns a statement (cached) selecting (name, id) rows or one column; `run` and
`run_named` send one with its parameters: lists of ids by the names the statement's parameters
carry (`inside`: the scope's area ids; the others are named after what they hold).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Area,
    DataFlow,
    Dpia,
    Dsa,
    LawfulBasis,
    MeetingAttendee,
    Mou,
    Organisation,
    Panel,
    PanelMeeting,
    PrivacyNotice,
    ProcessingContract,
    StorageSystem,
)
from ..models.agreement import DsaParty, joint_controller_party, mou_party
from ..models.data_flow import data_flow_privacy_notice as flow_notice
from ..models.data_flow import data_flow_storage_system as flow_system
from ..models.organisation import organisation_area as org_area
from ..models.panel import panel_area, panel_police_force

# The lists `pointed_at` reads the organisations of (and `ownership` the users of, for the first four).
POINTED_KEYS = (
    "dsas",
    "mous",
    "dpias",
    "storage_systems",
    "privacy_notices",
    "processing_contracts",
    "joint_controller_arrangements",
)


def ids(name: str) -> sa.BindParameter:
    return sa.bindparam(name, expanding=True)


def run(statement, params: Mapping[str, Iterable[int]]) -> set[int]:
    """The ids a one-column statement selects (None left out)."""
    values = {name: sorted(value) for name, value in params.items()}
    return {value for value in db.session.scalars(statement, values) if value is not None}


def run_named(statement, params: Mapping[str, Iterable[int]], names: Iterable[str]) -> dict[str, set[int]]:
    """Ids per name from a (name, id) statement; every name in `names` is in the answer."""
    found: dict[str, set[int]] = {name: set() for name in names}
    values = {name: sorted(value) for name, value in params.items()}
    for name, value in db.session.execute(statement, values):
        if value is not None:
            found[name].add(value)
    return found


def _named(statements: list[tuple[str, Any]]):
    # Each statement with the name put before its column, not wrapped as a subquery.
    return sa.union_all(
        *(
            statement.with_only_columns(sa.literal(name).label("name"), *statement.selected_columns)
            for name, statement in statements
        )
    )


@cache
def areas() -> sa.Select:
    return sa.select(Area.ref, Area.id, Area.responsible_authority_id)


@cache
def in_areas() -> sa.Select:
    """flows, panels, organisations: the areas' own (params: inside)."""
    inside = ids("inside")
    return _named(
        [
            ("flows", sa.select(DataFlow.id).where(DataFlow.area_id.in_(inside))),
            ("panels", sa.select(panel_area.c.panel_id).where(panel_area.c.area_id.in_(inside))),
            ("orgs", sa.select(org_area.c.organisation_id).where(org_area.c.area_id.in_(inside))),
        ]
    )


@cache
def used_by_flows() -> sa.Select:
    """What the areas' flows rest on, and agreements of local organisations no flow rests on
    (params: inside, local_orgs)."""
    in_areas = DataFlow.area_id.in_(ids("inside"))
    return _named(
        [
            ("dsas", sa.select(DataFlow.dsa_id).where(in_areas).distinct()),
            ("dsas", _unused_agreements(DsaParty.__table__)),
            ("mous", sa.select(DataFlow.mou_id).where(in_areas).distinct()),
            ("mous", _unused_agreements(mou_party)),
            ("dpias", sa.select(DataFlow.dpia_id).where(in_areas).distinct()),
            (
                "storage_systems",
                sa.select(flow_system.c.storage_system_id)
                .join(DataFlow, DataFlow.id == flow_system.c.data_flow_id)
                .where(in_areas)
                .distinct(),
            ),
            (
                "privacy_notices",
                sa.select(flow_notice.c.privacy_notice_id)
                .join(DataFlow, DataFlow.id == flow_notice.c.data_flow_id)
                .where(in_areas)
                .distinct(),
            ),
        ]
    )


def _unused_agreements(party_table: sa.Table):
    """DSAs (or MOUs) with a party among `local_orgs` that no flow rests on: they count in their
    parties' areas (RuleContext.areas_of_dsa), so they can govern an organisation there."""
    agreement = party_table.c.dsa_id if "dsa_id" in party_table.c else party_table.c.mou_id
    flow_column = DataFlow.dsa_id if agreement.key == "dsa_id" else DataFlow.mou_id
    return sa.select(agreement).where(
        party_table.c.organisation_id.in_(ids("local_orgs")), ~sa.exists().where(flow_column == agreement)
    )


@cache
def involved() -> sa.Select:
    """The organisations the areas' flows and the panels involve, and those the records of
    POINTED_KEYS point at (params: inside, panels, and each of POINTED_KEYS)."""
    in_areas = DataFlow.area_id.in_(ids("inside"))
    panels = ids("panels")
    meetings = sa.select(PanelMeeting.id).where(PanelMeeting.panel_id.in_(panels))
    bases = sa.select(LawfulBasis.party_id).join(DataFlow, DataFlow.id == LawfulBasis.data_flow_id)
    return sa.union_all(
        sa.select(DataFlow.sender_id).where(in_areas).distinct(),
        sa.select(DataFlow.recipient_id).where(in_areas).distinct(),
        bases.where(in_areas).distinct(),
        sa.select(Panel.chair_organisation_id).where(Panel.id.in_(panels)),
        sa.select(panel_police_force.c.organisation_id).where(panel_police_force.c.panel_id.in_(panels)),
        sa.select(MeetingAttendee.organisation_id).where(MeetingAttendee.meeting_id.in_(meetings)).distinct(),
        *_pointed_parts(),
    )


@cache
def pointed_at() -> sa.Select:
    """The organisations the records of POINTED_KEYS point at (params: each of POINTED_KEYS)."""
    return sa.union_all(*_pointed_parts())


def _pointed_parts() -> list[sa.Select]:
    return [
        sa.select(wanted).where(by.in_(ids(key)))
        for key, (wanted, by) in (
            ("dsas", (DsaParty.organisation_id, DsaParty.dsa_id)),
            ("mous", (mou_party.c.organisation_id, mou_party.c.mou_id)),
            ("dpias", (Dpia.controller_id, Dpia.id)),
            ("storage_systems", (StorageSystem.owner_id, StorageSystem.id)),
            ("storage_systems", (StorageSystem.processor_id, StorageSystem.id)),
            ("privacy_notices", (PrivacyNotice.controller_id, PrivacyNotice.id)),
            ("processing_contracts", (ProcessingContract.controller_id, ProcessingContract.id)),
            ("processing_contracts", (ProcessingContract.processor_id, ProcessingContract.id)),
            (
                "joint_controller_arrangements",
                (joint_controller_party.c.organisation_id, joint_controller_party.c.arrangement_id),
            ),
        )
    ]


@cache
def looked_up_by_organisation() -> sa.Select:
    """What the rules look up by organisation: contracts by pair, arrangements by party, notices
    by controller (params: orgs)."""
    orgs = ids("orgs")
    return _named(
        [
            (
                "processing_contracts",
                sa.select(ProcessingContract.id).where(
                    ProcessingContract.controller_id.in_(orgs) | ProcessingContract.processor_id.in_(orgs)
                ),
            ),
            (
                "joint_controller_arrangements",
                sa.select(joint_controller_party.c.arrangement_id).where(
                    joint_controller_party.c.organisation_id.in_(orgs)
                ),
            ),
            ("more_notices", sa.select(PrivacyNotice.id).where(PrivacyNotice.controller_id.in_(orgs))),
        ]
    )


@cache
def used_outside() -> sa.Select:
    """Of the DSAs, MOUs, DPIAs and storage systems, those a flow outside the areas uses, and the
    panels that sit in other areas too (params: inside, dsas, mous, dpias, storage_systems, panels).
    EXISTS stops at the first flow outside (the national case system has some 8,000)."""
    inside = ids("inside")
    outside = DataFlow.area_id.not_in(inside)

    def used(key: str, model, link) -> sa.Select:
        return sa.select(model.id).where(model.id.in_(ids(key)), sa.exists().where(link == model.id, outside))

    return _named(
        [
            ("dsas", used("dsas", Dsa, DataFlow.dsa_id)),
            ("mous", used("mous", Mou, DataFlow.mou_id)),
            ("dpias", used("dpias", Dpia, DataFlow.dpia_id)),
            (
                "storage_systems",
                sa.select(StorageSystem.id).where(
                    StorageSystem.id.in_(ids("storage_systems")),
                    sa.exists().where(
                        flow_system.c.storage_system_id == StorageSystem.id,
                        flow_system.c.data_flow_id == DataFlow.id,
                        outside,
                    ),
                ),
            ),
            (
                "panels",
                sa.select(panel_area.c.panel_id)
                .where(panel_area.c.panel_id.in_(ids("panels")), panel_area.c.area_id.not_in(inside))
                .distinct(),
            ),
        ]
    )


@cache
def involved_outside() -> sa.Select:
    """Which of the organisations `orgs` something outside the areas involves (params: inside,
    orgs). Each part starts from the organisations (a few dozen, through an index), and a flow's
    part asks with EXISTS, which stops at the first flow outside (a police force has thousands)."""
    inside, orgs = ids("inside"), ids("orgs")
    outside = DataFlow.area_id.not_in(inside)
    org = Organisation.id
    system_used_outside = sa.exists().where(
        flow_system.c.storage_system_id == StorageSystem.id,
        flow_system.c.data_flow_id == DataFlow.id,
        outside,
    )
    panel_outside = sa.exists().where(
        panel_area.c.panel_id == PanelMeeting.panel_id, panel_area.c.area_id.not_in(inside)
    )
    in_flows = sa.or_(
        sa.exists().where(DataFlow.sender_id == org, outside),
        sa.exists().where(DataFlow.recipient_id == org, outside),
        sa.exists().where(LawfulBasis.party_id == org, DataFlow.id == LawfulBasis.data_flow_id, outside),
    )
    return sa.union_all(
        sa.select(org).where(org.in_(orgs), in_flows),
        (
            sa.select(MeetingAttendee.organisation_id)
            .join(PanelMeeting, PanelMeeting.id == MeetingAttendee.meeting_id)
            .where(MeetingAttendee.organisation_id.in_(orgs), panel_outside)
            .distinct()
        ),
        sa.select(org_area.c.organisation_id).where(
            org_area.c.organisation_id.in_(orgs), org_area.c.area_id.not_in(inside)
        ),
        sa.select(StorageSystem.owner_id).where(StorageSystem.owner_id.in_(orgs), system_used_outside),
        sa.select(StorageSystem.processor_id).where(StorageSystem.processor_id.in_(orgs), system_used_outside),
    )


@cache
def refs(keys: tuple[str, ...]) -> sa.Select:
    """(list name, id, ref) of the records of each list in `keys` (params: each of `keys`)."""
    from .area_scope import MODELS

    return sa.union_all(
        *(
            sa.select(sa.literal(key).label("key"), MODELS[key].id, MODELS[key].ref).where(MODELS[key].id.in_(ids(key)))
            for key in keys
        )
    )


@cache
def meetings() -> sa.Select:
    """The refs of the meetings of `panels` (params: panels)."""
    return sa.select(PanelMeeting.ref).where(PanelMeeting.panel_id.in_(ids("panels")))


@cache
def contracts() -> sa.Select:
    """Ref and parties of the contracts `processing_contracts` (params: processing_contracts)."""
    return sa.select(ProcessingContract.ref, ProcessingContract.controller_id, ProcessingContract.processor_id).where(
        ProcessingContract.id.in_(ids("processing_contracts"))
    )
