"""Loading the register for the rules and for export, in a fixed number of queries.

One query per record type, with child collections eager-loaded (`selectinload`); the many-to-one
links (a flow's sender, a party's organisation) then come from the session's identity map
without further SQL, because every organisation, area, DSA, DPIA and MOU was loaded first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from ..models import (
    Area,
    Commencement,
    DataFlow,
    Dpia,
    Dsa,
    JointControllerArrangement,
    MeetingAttendee,
    Mou,
    Organisation,
    Panel,
    PanelMeeting,
    PartnerTypeInfo,
    PrivacyNotice,
    ProcessingContract,
    RegisterInfo,
    StorageSystem,
)
from ..rules.context import RuleContext

# Per list name of the exchange format: the model and the collections to load with it.
LOAD_OPTIONS: dict[str, tuple[type, tuple[Any, ...]]] = {
    "areas": (Area, (selectinload(Area.designations),)),
    "organisations": (Organisation, (selectinload(Organisation.areas),)),
    "storage_systems": (StorageSystem, ()),
    "privacy_notices": (PrivacyNotice, ()),
    "dsas": (Dsa, (selectinload(Dsa.parties), selectinload(Dsa.redactions))),
    "dpias": (Dpia, ()),
    "mous": (Mou, (selectinload(Mou.parties),)),
    "processing_contracts": (ProcessingContract, ()),
    "joint_controller_arrangements": (JointControllerArrangement, (selectinload(JointControllerArrangement.parties),)),
    "data_flows": (
        DataFlow,
        (
            selectinload(DataFlow.lawful_bases),
            selectinload(DataFlow.storage_systems),
            selectinload(DataFlow.privacy_notices),
        ),
    ),
    "panels": (
        Panel,
        (
            selectinload(Panel.areas),
            selectinload(Panel.police_forces),
            selectinload(Panel.meetings)
            .selectinload(PanelMeeting.attendees)
            .selectinload(MeetingAttendee.confidentiality),
        ),
    ),
}


class UnknownArea(LookupError):
    """An area ref the register does not hold (the CLI answers exit 2)."""


@dataclass
class LoadedRegister:
    records: dict[str, list[Any]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> list[Any]:
        return self.records.get(key, [])


def session() -> Session:
    return db.session


def load(keys: tuple[str, ...] | None = None, where: dict[str, Any] | None = None) -> LoadedRegister:
    """Every record of the given lists (all lists by default), in the order above so that
    many-to-one links resolve from the identity map. `where` narrows a list by a SQL condition."""
    loaded = LoadedRegister()
    for key, (model, options) in LOAD_OPTIONS.items():
        if keys is not None and key not in keys:
            continue
        statement = sa.select(model).options(*options).order_by(model.ref)
        if where and key in where:
            statement = statement.where(where[key])
        loaded.records[key] = list(session().scalars(statement))
    return loaded


def partner_types() -> dict:
    return {info.code: info for info in session().scalars(sa.select(PartnerTypeInfo))}


def commencement_dates() -> dict[str, date]:
    """When each provision the rules apply came into force, by code (reference data)."""
    return {code: day for code, day in session().execute(sa.select(Commencement.code, Commencement.in_force_from))}


def register_info() -> RegisterInfo:
    info = session().scalar(sa.select(RegisterInfo).order_by(RegisterInfo.id).limit(1))
    if info is None:
        info = RegisterInfo(as_of=None)
        session().add(info)
    return info


def holder_ref() -> str | None:
    """The ref of the organisation whose register this is (the exchange format's `holder`), if set."""
    return session().scalar(
        sa.select(Organisation.ref)
        .join(RegisterInfo, RegisterInfo.holder_id == Organisation.id)
        .order_by(RegisterInfo.id)
        .limit(1)
    )


def default_as_of() -> date:
    """The register's own date (from an imported file), else today."""
    info = session().scalar(sa.select(RegisterInfo).order_by(RegisterInfo.id).limit(1))
    return (info.as_of if info and info.as_of else None) or date.today()


def rule_context(as_of: date, *, rules_only: bool = False) -> RuleContext:
    """The whole register as the rules read it: a snapshot of plain objects (see snapshot.py).
    `rules_only`: for evaluating the rules alone (without the columns no rule reads)."""
    from . import snapshot

    records = snapshot.load(rules_only=rules_only).records
    return RuleContext(as_of=as_of, partner_types=partner_types(), commencements=commencement_dates(), **records)


def orm_rule_context(as_of: date) -> RuleContext:
    """The same through the ORM (tests check the two raise the same findings)."""
    return RuleContext(as_of=as_of, partner_types=partner_types(), commencements=commencement_dates(), **load().records)
