"""What a refresh limited to some areas must load, and which findings it can then decide exactly.

Saving one record changes findings in the areas that record belongs to; re-running every rule over a
national register for that is seconds of work per click. A scoped refresh loads the areas' flows and
panels and everything they point at (found by a few set-based queries), runs the rules over that,
and keeps the outcome only for the subjects it sees whole ("owned"):

- the areas' flows, their panels that sit wholly in the areas and those panels' meetings, and the
  areas themselves, whose rules read nothing beyond what they point at;
- privacy notices, whose rule reads only the notice;
- a DSA, DPIA or MOU that no flow outside the areas uses; every storage system the areas' flows
  use (for one that flows elsewhere use too, such as the national case management system, the
  refresh reads which live flows use it across the register: that is all its rules need);
- an organisation that belongs only to these areas and that no flow, lawful basis, panel or storage
  system outside them involves; a processing contract between two such organisations.

`findings.refresh_after_change` widens the areas until every subject a change can affect is owned
(a police force serving five areas brings in the five), and runs the full refresh when that fails.
Tests compare the outcome with a full refresh after edits of each kind. The statements that read
the sets of ids below are in area_scope_sql.py, each built once per process.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..exchange import fields as f
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
from ..models.data_flow import LIVE_STATUSES
from ..models.data_flow import data_flow_privacy_notice as flow_notice
from ..models.data_flow import data_flow_storage_system as flow_system
from ..models.enums import SubjectType
from ..models.organisation import organisation_area as org_area
from ..models.panel import panel_area, panel_police_force
from . import area_scope_sql as sql

MODELS = {key: record_type.model for key, record_type in f.BY_KEY.items()}


@dataclass
class AreaScope:
    area_ids: set[int]
    ids: dict[str, set[int]] = field(default_factory=dict)  # what to load, per list name
    owned: set[tuple[SubjectType, str]] = field(default_factory=set)  # subjects decided exactly
    # Storage systems flows elsewhere use too (the national case management system): their rules
    # need only which live flows use them, which `live_users` reads for the whole register.
    shared_systems: set[int] = field(default_factory=set)
    # What a refresh loads: `ids` without what it never reads of the areas around the scope's own
    # (their designations, their responsible authorities), and those areas by ref alone.
    lean_ids: dict[str, set[int]] = field(default_factory=dict)
    refs_only: dict[str, set[int]] = field(default_factory=dict)
    meetings: bool = True  # whether the panels' meetings are decided (and so loaded whole)
    # Collections of snapshot.CHILDREN the decided subjects' rules never read (not loaded).
    unread: frozenset[str] = frozenset()

    def covers(self, subject_type: SubjectType, subject_ref: str) -> bool:
        return (subject_type, subject_ref) in self.owned


def _ids(*statements) -> set[int]:
    """The ids the statements select (one column each), in one round trip."""
    if not statements:
        return set()
    statement = statements[0] if len(statements) == 1 else sa.union_all(*statements)
    return {value for value in db.session.scalars(statement) if value is not None}


def _ids_by(statements: list[tuple[str, Any]]) -> dict[str, set[int]]:
    """Ids per name from (name, statement) pairs, in one round trip (a name may repeat)."""
    found: dict[str, set[int]] = {name: set() for name, _ in statements}
    # Each statement with the name put before its column, not wrapped as a subquery: a subquery's
    # columns are made afresh each time, at a cost that was a third of deciding a scope.
    parts = [
        statement.with_only_columns(sa.literal(name).label("name"), *statement.selected_columns)
        for name, statement in statements
    ]
    for name, value in db.session.execute(sa.union_all(*parts)):
        if value is not None:
            found[name].add(value)
    return found


def _where_in(column, ids: Iterable[int]):
    # One expanding parameter holding the list: SQLAlchemy then checks it once, not each of the
    # hundreds of ids (a third of the scope's cost was building such statements).
    return column.in_(sa.bindparam(None, sorted(ids), expanding=True))


def build(area_refs: Iterable[str], *, shared_systems: Iterable[str] | None = None, meetings: bool = True) -> AreaScope:
    """The records to load for the areas, and the subjects they decide. `shared_systems`: of the
    storage systems flows outside the areas use too, those to decide (by ref; all when None). One
    whose live users a change cannot have changed keeps its stored findings, and the refresh need
    not read its users across the register (the national system has some 8,000). `meetings`:
    whether the panels' meetings are decided (their rules read only the meeting, its panel and
    its attendees' organisations: a change to none of those leaves them as they are, and the
    refresh need not load who accepted confidentiality at each)."""
    rows = db.session.execute(sql.areas()).all()
    areas = {ref: area_id for ref, area_id, _ in rows}
    scope = AreaScope({areas[ref] for ref in area_refs if ref in areas}, meetings=meetings)
    inside = scope.area_ids
    # Each statement is built once (area_scope_sql.py) and sent with the lists of ids it reads.
    first = sql.run_named(sql.in_areas(), {"inside": inside}, ("flows", "panels", "orgs"))
    flows, panels, local_orgs = first["flows"], first["panels"], first["orgs"]
    ids = scope.ids = sql.run_named(
        sql.used_by_flows(),
        {"inside": inside, "local_orgs": local_orgs},
        ("dsas", "mous", "dpias", "storage_systems", "privacy_notices"),
    )
    ids |= {
        "areas": set(areas.values()),
        "data_flows": flows,
        "panels": panels,
    }  # all areas: orgs and panels link to them
    pointed = {key: ids.get(key, ()) for key in sql.POINTED_KEYS}
    orgs = local_orgs | sql.run(sql.involved(), {"inside": inside, "panels": panels, **pointed})
    # What the rules look up by organisation: contracts by pair, arrangements by party, notices.
    ids |= sql.run_named(
        sql.looked_up_by_organisation(),
        {"orgs": orgs},
        ("processing_contracts", "joint_controller_arrangements", "more_notices"),
    )
    ids["privacy_notices"] |= ids.pop("more_notices")
    orgs |= sql.run(sql.pointed_at(), {key: ids[key] for key in sql.POINTED_KEYS})
    ids["organisations"] = orgs | {authority for _, _, authority in rows if authority is not None}
    # A refresh reads of the other areas only their refs (an organisation's or a panel's areas),
    # never their designations or responsible authorities: those are not loaded for it.
    scope.lean_ids = ids | {
        "areas": inside,
        "organisations": orgs | {authority for _, area_id, authority in rows if area_id in inside and authority},
    }
    scope.refs_only = {"areas": set(areas.values()) - inside}
    _decide_ownership(scope, local_orgs, None if shared_systems is None else set(shared_systems))
    return scope


def flows_alone(flow_refs: Iterable[str]) -> AreaScope:
    """What deciding some flows alone needs, for a save that changed only their own fields (those
    no rule about another subject reads, rules.engine.OWN_FIELDS): the flows, their areas, what
    they point at, and what the register holds about their organisations that their rules look
    up (processing contracts, joint-controller arrangements, privacy notices), with every
    organisation those point at. Two statements, not an area's dozen: the rules then run over
    these flows only."""
    refs = sorted(set(flow_refs))
    chosen = _where_in(DataFlow.ref, refs)
    flows = sa.select(DataFlow.id).where(chosen)

    def of_flows(column) -> sa.Select:
        return sa.select(column).where(chosen)

    dsas, mous, dpias = of_flows(DataFlow.dsa_id), of_flows(DataFlow.mou_id), of_flows(DataFlow.dpia_id)
    systems = sa.select(flow_system.c.storage_system_id).where(flow_system.c.data_flow_id.in_(flows))
    notices = sa.select(flow_notice.c.privacy_notice_id).where(flow_notice.c.data_flow_id.in_(flows))
    areas = of_flows(DataFlow.area_id)
    ids = _ids_by(
        [
            ("all_areas", sa.select(Area.id)),  # the others are loaded by ref alone
            ("data_flows", flows),
            ("areas", areas),
            ("dsas", dsas),
            ("mous", mous),
            ("dpias", dpias),
            ("storage_systems", systems),
            ("privacy_notices", notices),
            # The organisations the flows involve, and those the records above point at.
            ("organisations", of_flows(DataFlow.sender_id)),
            ("organisations", of_flows(DataFlow.recipient_id)),
            ("organisations", sa.select(LawfulBasis.party_id).where(LawfulBasis.data_flow_id.in_(flows))),
            ("organisations", sa.select(Area.responsible_authority_id).where(Area.id.in_(areas))),
            ("organisations", sa.select(DsaParty.organisation_id).where(DsaParty.dsa_id.in_(dsas))),
            ("organisations", sa.select(mou_party.c.organisation_id).where(mou_party.c.mou_id.in_(mous))),
            ("organisations", sa.select(Dpia.controller_id).where(Dpia.id.in_(dpias))),
            ("organisations", sa.select(StorageSystem.owner_id).where(StorageSystem.id.in_(systems))),
            ("organisations", sa.select(StorageSystem.processor_id).where(StorageSystem.id.in_(systems))),
            ("organisations", sa.select(PrivacyNotice.controller_id).where(PrivacyNotice.id.in_(notices))),
        ]
    )
    orgs = ids["organisations"]
    # What the flows' rules look up by organisation: contracts by pair, arrangements by party,
    # notices by controller; and the organisations those contracts and arrangements name.
    contracts = sa.select(ProcessingContract.id).where(
        _where_in(ProcessingContract.controller_id, orgs) | _where_in(ProcessingContract.processor_id, orgs)
    )
    arrangements = sa.select(joint_controller_party.c.arrangement_id).where(
        _where_in(joint_controller_party.c.organisation_id, orgs)
    )
    ids |= _ids_by(
        [
            ("processing_contracts", contracts),
            ("joint_controller_arrangements", arrangements),
            ("more_notices", sa.select(PrivacyNotice.id).where(_where_in(PrivacyNotice.controller_id, orgs))),
            ("more_orgs", sa.select(ProcessingContract.controller_id).where(ProcessingContract.id.in_(contracts))),
            ("more_orgs", sa.select(ProcessingContract.processor_id).where(ProcessingContract.id.in_(contracts))),
            (
                "more_orgs",
                sa.select(joint_controller_party.c.organisation_id).where(
                    joint_controller_party.c.arrangement_id.in_(arrangements)
                ),
            ),
        ]
    )
    ids["privacy_notices"] |= ids.pop("more_notices")
    ids["organisations"] |= ids.pop("more_orgs")
    # A flow's rules read no area's designations and no DSA's redactions (only the rules about
    # the area and the DSA do): a rule that did would fail for want of them, not answer wrongly.
    unread = frozenset({"designations", "redactions", "confidentiality"})
    scope = AreaScope(ids["areas"], ids=ids, lean_ids=ids, meetings=False, unread=unread)
    scope.refs_only = {"areas": ids.pop("all_areas") - ids["areas"]}
    scope.owned = {(SubjectType.DATA_FLOW, ref) for ref in refs}
    return scope


def _decide_ownership(scope: AreaScope, local_orgs: set[int], shared_wanted: set[str] | None) -> None:
    """The subjects whose findings the loaded records decide exactly (see the module's docstring)."""
    ids, inside = scope.ids, scope.area_ids
    used_elsewhere = sql.run_named(
        sql.used_outside(),
        {"inside": inside, **{key: ids[key] for key in ("dsas", "mous", "dpias", "storage_systems", "panels")}},
        ("dsas", "mous", "dpias", "storage_systems", "panels"),
    )
    shared_panels = used_elsewhere["panels"]
    owned_orgs = local_orgs - sql.run(sql.involved_outside(), {"inside": inside, "orgs": local_orgs})
    # Refs of what may be owned: the scope's own areas and organisations, not all of those loaded.
    refs = _refs(ids | {"areas": scope.area_ids, "organisations": owned_orgs})
    owned = scope.owned
    owned.update((SubjectType.DATA_FLOW, ref) for ref in refs["data_flows"].values())
    owned.update((SubjectType.AREA, refs["areas"][i]) for i in scope.area_ids)
    owned_panels = ids["panels"] - shared_panels
    owned.update((SubjectType.PANEL, refs["panels"][i]) for i in owned_panels)
    if scope.meetings:
        meetings = db.session.scalars(sql.meetings(), {"panels": sorted(owned_panels)})
        owned.update((SubjectType.PANEL_MEETING, ref) for ref in meetings)
    for key, subject_type in (
        ("dsas", SubjectType.DSA),
        ("mous", SubjectType.MOU),
        ("dpias", SubjectType.DPIA),
    ):
        owned.update((subject_type, refs[key][i]) for i in ids[key] - used_elsewhere[key])
    systems = refs["storage_systems"]
    shared = used_elsewhere["storage_systems"]
    if shared_wanted is not None:
        shared = {i for i in shared if systems[i] in shared_wanted}
    scope.shared_systems = shared
    owned.update(
        (SubjectType.STORAGE_SYSTEM, ref)
        for i, ref in systems.items()
        if i in shared or i not in used_elsewhere["storage_systems"]
    )
    owned.update((SubjectType.PRIVACY_NOTICE, ref) for ref in refs["privacy_notices"].values())
    owned.update((SubjectType.ORGANISATION, refs["organisations"][i]) for i in owned_orgs)
    contracts = db.session.execute(sql.contracts(), {"processing_contracts": sorted(ids["processing_contracts"])})
    owned.update(
        (SubjectType.PROCESSING_CONTRACT, ref)
        for ref, controller, processor in contracts
        if controller in owned_orgs and processor in owned_orgs
    )


def live_users(system_ids: set[int]) -> dict[int, list[tuple[str, int]]]:
    """Per storage system, every live flow that uses it, anywhere, in ref order: (ref, area id),
    all that the storage rules read of them (storage.py: the first refs and the count; the
    context: their areas). The national case system is used by some 8,000 flows: fewer columns
    here is most of a save's refresh."""
    rows = db.session.execute(
        sa.select(flow_system.c.storage_system_id, DataFlow.ref, DataFlow.area_id)
        .join(DataFlow, DataFlow.id == flow_system.c.data_flow_id)
        .where(_where_in(flow_system.c.storage_system_id, system_ids), DataFlow.status.in_(sorted(LIVE_STATUSES)))
        .order_by(DataFlow.ref)
    )
    users: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for system_id, ref, area_id in rows:
        users[system_id].append((ref, area_id))
    return users


def _refs(ids: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    """id -> ref of the records named in `ids`, per list, in one round trip."""
    keys = tuple(sorted(ids))
    refs: dict[str, dict[int, str]] = {key: {} for key in keys}
    for key, record_id, ref in db.session.execute(sql.refs(keys), {key: sorted(ids[key]) for key in keys}):
        refs[key][record_id] = ref
    return refs


# --- what an organisation's change can affect ---------------------------------------------------


def referrers(organisation_refs: Iterable[str]) -> set[tuple[str, str]]:
    """Every record that points at one of the organisations, as (list name, ref): the rules of
    these (and of the flows that use the agreements, assessments and systems among them, which
    live in those records' areas) are the ones that read the organisation. Not joint-controller
    arrangements: no finding is about one, and the rules read one only for a flow between its
    parties (rules/processors.py), which points at the organisation itself."""
    if not organisation_refs:
        return set()
    orgs = sa.select(Organisation.id).where(Organisation.ref.in_(sorted(organisation_refs)))

    def of(key: str, model, *conditions) -> sa.Select:
        return sa.select(sa.literal(key).label("key"), model.ref).where(sa.or_(*conditions))

    meetings = sa.select(MeetingAttendee.meeting_id).where(MeetingAttendee.organisation_id.in_(orgs))
    statements = [
        of(
            "data_flows",
            DataFlow,
            DataFlow.sender_id.in_(orgs),
            DataFlow.recipient_id.in_(orgs),
            DataFlow.id.in_(sa.select(LawfulBasis.data_flow_id).where(LawfulBasis.party_id.in_(orgs))),
        ),
        of(
            "panels",
            Panel,
            Panel.chair_organisation_id.in_(orgs),
            Panel.id.in_(
                sa.select(panel_police_force.c.panel_id).where(panel_police_force.c.organisation_id.in_(orgs))
            ),
            Panel.id.in_(sa.select(PanelMeeting.panel_id).where(PanelMeeting.id.in_(meetings))),
        ),
        of("dsas", Dsa, Dsa.id.in_(sa.select(DsaParty.dsa_id).where(DsaParty.organisation_id.in_(orgs)))),
        of("mous", Mou, Mou.id.in_(sa.select(mou_party.c.mou_id).where(mou_party.c.organisation_id.in_(orgs)))),
        of("dpias", Dpia, Dpia.controller_id.in_(orgs)),
        of("storage_systems", StorageSystem, StorageSystem.owner_id.in_(orgs), StorageSystem.processor_id.in_(orgs)),
        of("privacy_notices", PrivacyNotice, PrivacyNotice.controller_id.in_(orgs)),
        of(
            "processing_contracts",
            ProcessingContract,
            ProcessingContract.controller_id.in_(orgs),
            ProcessingContract.processor_id.in_(orgs),
        ),
        of(
            "areas",
            Area,
            Area.responsible_authority_id.in_(orgs),
            Area.id.in_(sa.select(org_area.c.area_id).where(org_area.c.organisation_id.in_(orgs))),
        ),
    ]
    return {(key, ref) for key, ref in db.session.execute(sa.union_all(*statements))}


# --- the areas a record belongs to --------------------------------------------------------------


def areas_of(subjects: Iterable[tuple[str, str]]) -> set[str]:
    """Area refs of records given as (list name, ref): where a flow is, a panel sits, an
    organisation belongs or is involved, an agreement or system is used. One statement: each
    list's records are selected by ref inside it."""
    by_key: dict[str, set[str]] = {}
    for key, ref in subjects:
        by_key.setdefault(key, set()).add(ref)
    statements = []
    for key, refs in by_key.items():
        model = MODELS[key]
        statements.extend(_area_statements(key, sa.select(model.id).where(model.ref.in_(sorted(refs)))))
    if not statements:
        return set()
    area_ids = sa.union_all(*statements).subquery()
    return set(db.session.scalars(sa.select(Area.ref).where(Area.id.in_(sa.select(area_ids.c[0])))))


def _area_statements(key: str, ids: sa.Select) -> list[sa.Select]:
    """Statements for the area ids of the `key` records whose ids `ids` selects."""
    if key == "areas":
        return [ids]
    if key == "data_flows":
        return [sa.select(DataFlow.area_id).where(DataFlow.id.in_(ids))]
    if key == "panels":
        return [sa.select(panel_area.c.area_id).where(panel_area.c.panel_id.in_(ids))]
    if key == "organisations":
        attended = (
            sa.select(PanelMeeting.panel_id).join(MeetingAttendee).where(MeetingAttendee.organisation_id.in_(ids))
        )
        bases = sa.select(LawfulBasis.data_flow_id).where(LawfulBasis.party_id.in_(ids))
        return [
            _org_areas(ids),
            # Two statements, not one with OR: PostgreSQL scans every flow for the OR of two subqueries.
            sa.select(DataFlow.area_id).where(DataFlow.sender_id.in_(ids)),
            sa.select(DataFlow.area_id).where(DataFlow.recipient_id.in_(ids)),
            sa.select(DataFlow.area_id).where(DataFlow.id.in_(bases)),
            sa.select(panel_area.c.area_id).where(panel_area.c.panel_id.in_(attended)),
        ]
    if key in USERS:
        # Where the flows that use them are; one no flow uses counts where its parties are.
        flow_column, own_column, party_column = USERS[key]
        used = sa.select(DataFlow.area_id).where(flow_column.in_(ids))
        if key == "storage_systems":
            used = used.join_from(flow_system, DataFlow, DataFlow.id == flow_system.c.data_flow_id)
        unused = sa.select(party_column).where(own_column.in_(ids), ~sa.exists().where(flow_column == own_column))
        return [used, _org_areas(unused)]
    if key == "privacy_notices":
        flows = sa.select(flow_notice.c.data_flow_id).where(flow_notice.c.privacy_notice_id.in_(ids))
        controllers = sa.select(PrivacyNotice.controller_id).where(PrivacyNotice.id.in_(ids))
        return [sa.select(DataFlow.area_id).where(DataFlow.id.in_(flows)), _org_areas(controllers)]
    if key == "processing_contracts":
        return [
            *_area_statements(
                "organisations", sa.select(ProcessingContract.controller_id).where(ProcessingContract.id.in_(ids))
            ),
            *_area_statements(
                "organisations", sa.select(ProcessingContract.processor_id).where(ProcessingContract.id.in_(ids))
            ),
        ]
    parties = sa.select(joint_controller_party.c.organisation_id).where(
        joint_controller_party.c.arrangement_id.in_(ids)
    )
    return _area_statements("organisations", parties)


USERS = {
    "dsas": (DataFlow.dsa_id, DsaParty.dsa_id, DsaParty.organisation_id),
    "mous": (DataFlow.mou_id, mou_party.c.mou_id, mou_party.c.organisation_id),
    "dpias": (DataFlow.dpia_id, Dpia.id, Dpia.controller_id),
    "storage_systems": (flow_system.c.storage_system_id, StorageSystem.id, StorageSystem.owner_id),
}


def _org_areas(orgs: sa.Select) -> sa.Select:
    return sa.select(org_area.c.area_id).where(org_area.c.organisation_id.in_(orgs))
