"""Data flows (one direction, one purpose, one sender, one recipient) and their lawful bases."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSED_IDS, ArchiveMixin, Base, TimestampMixin, VersionMixin, enum_column, ref_column
from .enums import (
    Annex1Condition,
    Art6Basis,
    Art9Condition,
    Art10Basis,
    DataCategory,
    FlowStatus,
    Frequency,
    Part3Basis,
    Programme,
    Regime,
    Relationship,
    RetentionTrigger,
    TransferChannel,
)
from .organisation import Organisation

if TYPE_CHECKING:
    from .agreement import Dsa, Mou
    from .area import Area
    from .dpia import Dpia
    from .storage import PrivacyNotice, StorageSystem

data_flow_storage_system = sa.Table(
    "data_flow_storage_system",
    Base.metadata,
    sa.Column("data_flow_id", sa.ForeignKey("data_flow.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "storage_system_id", sa.ForeignKey("storage_system.id", ondelete="RESTRICT"), primary_key=True, index=True
    ),
)

data_flow_privacy_notice = sa.Table(
    "data_flow_privacy_notice",
    Base.metadata,
    sa.Column("data_flow_id", sa.ForeignKey("data_flow.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "privacy_notice_id", sa.ForeignKey("privacy_notice.id", ondelete="RESTRICT"), primary_key=True, index=True
    ),
)

LIVE_STATUSES = frozenset({FlowStatus.PLANNED, FlowStatus.LIVE})


class DataFlow(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "data_flow"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    name: Mapped[str] = mapped_column(sa.String(500))
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    programme: Mapped[Programme] = mapped_column(enum_column(Programme))
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    transfer_channel: Mapped[TransferChannel] = mapped_column(enum_column(TransferChannel))
    relationship_: Mapped[Relationship] = mapped_column("relationship", enum_column(Relationship))
    status: Mapped[FlowStatus] = mapped_column(enum_column(FlowStatus))
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    # Values of DataCategory, in the order the enum lists them.
    data_categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    subjects_children: Mapped[bool | None]
    subjects_vulnerable_adults: Mapped[bool | None]
    combines_sources: Mapped[bool | None]
    large_scale: Mapped[bool | None]
    dsa_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dsa.id", ondelete="SET NULL"), index=True)
    mou_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mou.id", ondelete="SET NULL"), index=True)
    dpia_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dpia.id", ondelete="SET NULL"), index=True)
    retention_period: Mapped[str | None] = mapped_column(sa.String(100))
    retention_trigger: Mapped[RetentionTrigger | None] = mapped_column(enum_column(RetentionTrigger))
    retention_review_points: Mapped[str | None] = mapped_column(sa.String(500))
    retention_disposal: Mapped[str | None] = mapped_column(sa.String(500))
    ropa_ref: Mapped[str | None] = mapped_column(sa.String(200))

    area: Mapped[Area] = relationship()
    sender: Mapped[Organisation] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[Organisation] = relationship(foreign_keys=[recipient_id])
    dsa: Mapped[Dsa | None] = relationship(back_populates="data_flows")
    mou: Mapped[Mou | None] = relationship(back_populates="data_flows")
    dpia: Mapped[Dpia | None] = relationship(back_populates="data_flows")
    lawful_bases: Mapped[list[LawfulBasis]] = relationship(
        back_populates="data_flow", cascade="all, delete-orphan", order_by="LawfulBasis.position"
    )
    storage_systems: Mapped[list[StorageSystem]] = relationship(
        secondary=data_flow_storage_system, order_by="StorageSystem.ref"
    )
    privacy_notices: Mapped[list[PrivacyNotice]] = relationship(
        secondary=data_flow_privacy_notice, order_by="PrivacyNotice.ref"
    )

    @property
    def is_live(self) -> bool:
        """Planned or live: the flows every "live flow" rule looks at."""
        return self.status in LIVE_STATUSES

    @property
    def categories(self) -> frozenset[DataCategory]:
        return _categories(tuple(self.data_categories or ()))

    @property
    def has_special_category(self) -> bool:
        return _any_special(self.categories)

    @property
    def has_criminal_data(self) -> bool:
        return DataCategory.CRIMINAL_OFFENCE_ALLEGED in self.categories

    def lawful_basis_of(self, organisation: Organisation) -> LawfulBasis | None:
        for basis in self.lawful_bases:  # (a loop, not next() over a generator: 50,000 calls a refresh)
            if basis.party is organisation:
                return basis
        return None

    def __repr__(self) -> str:
        return f"<DataFlow {self.ref}>"


# A national register's 30,000 flows carry a few dozen distinct lists of categories: each list's
# categories (and whether any is special category data) are worked out once, not once per flow
# and rule. Frozensets of enum members: shared safely, as nothing can change them.
@lru_cache(maxsize=1024)
def _categories(values: tuple[str, ...]) -> frozenset[DataCategory]:
    return frozenset(DataCategory(value) for value in values)


@lru_cache(maxsize=1024)
def _any_special(categories: frozenset[DataCategory]) -> bool:
    return any(category.is_special_category for category in categories)


class LawfulBasis(Base):
    """One party's lawful basis for its part in a flow (one record per party)."""

    __tablename__ = "lawful_basis"
    __table_args__ = (sa.UniqueConstraint("data_flow_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    data_flow_id: Mapped[int] = mapped_column(sa.ForeignKey("data_flow.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    regime: Mapped[Regime] = mapped_column(enum_column(Regime))
    art6: Mapped[Art6Basis | None] = mapped_column(enum_column(Art6Basis))
    # The UK GDPR Annex 1 condition an Art 6(1)(ea) basis relies on.
    annex1_condition: Mapped[Annex1Condition | None] = mapped_column(enum_column(Annex1Condition))
    art9: Mapped[Art9Condition | None] = mapped_column(enum_column(Art9Condition))
    sch1_paragraph: Mapped[int | None]
    art10: Mapped[Art10Basis | None] = mapped_column(enum_column(Art10Basis))
    part3: Mapped[Part3Basis | None] = mapped_column(enum_column(Part3Basis))
    sch8_condition: Mapped[str | None] = mapped_column(sa.String(500))
    domestic_law: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_on: Mapped[date | None]

    data_flow: Mapped[DataFlow] = relationship(back_populates="lawful_bases")
    party: Mapped[Organisation] = relationship()
