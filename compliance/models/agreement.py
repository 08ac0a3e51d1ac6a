"""The paperwork a flow rests on: DSAs, MOUs, Art 28 processing contracts, joint-controller arrangements."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSED_IDS, ArchiveMixin, Base, TimestampMixin, VersionMixin, enum_column, ref_column
from .enums import DsaStatus, Exemption, Marking, TemplateOrigin
from .organisation import Organisation

if TYPE_CHECKING:
    from .data_flow import DataFlow

# The ten content items the ICO Data Sharing Code expects a DSA to address.
DSA_CHECKLIST = (
    "states_purpose",
    "lists_all_orgs",
    "states_joint_controllers",
    "lists_data_items",
    "states_lawful_basis",
    "addresses_sc_and_criminal",
    "addresses_individual_rights",
    "retention_and_deletion",
    "security_and_breach",
    "review_clause",
)

# The eight terms UK GDPR Art 28(3) requires in a controller-processor contract.
ART28_CLAUSES = (
    "documented_instructions",
    "confidentiality",
    "security",
    "sub_processors",
    "assist_rights",
    "assist_32_36",
    "delete_or_return",
    "audits",
)


class Dsa(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    """A data sharing agreement."""

    __tablename__ = "dsa"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    title: Mapped[str] = mapped_column(sa.String(500))
    version: Mapped[str | None] = mapped_column(sa.String(50))
    status: Mapped[DsaStatus] = mapped_column(enum_column(DsaStatus))
    template_origin: Mapped[TemplateOrigin] = mapped_column(enum_column(TemplateOrigin))
    effective_from: Mapped[date | None]
    review_due: Mapped[date | None]
    last_reviewed_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    # Values of TransferChannel; None = the DSA does not restrict channels.
    allowed_channels: Mapped[list[str] | None] = mapped_column(sa.JSON)
    checklist: Mapped[dict[str, bool] | None] = mapped_column(sa.JSON)
    marking: Mapped[Marking | None] = mapped_column(enum_column(Marking))

    parties: Mapped[list[DsaParty]] = relationship(
        back_populates="dsa", cascade="all, delete-orphan", order_by="DsaParty.position"
    )
    redactions: Mapped[list[DsaRedaction]] = relationship(
        back_populates="dsa", cascade="all, delete-orphan", order_by="DsaRedaction.position"
    )
    data_flows: Mapped[list[DataFlow]] = relationship(back_populates="dsa", order_by="DataFlow.ref")

    def __repr__(self) -> str:
        return f"<Dsa {self.ref}>"


class DsaParty(Base):
    __tablename__ = "dsa_party"
    __table_args__ = (sa.UniqueConstraint("dsa_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dsa_id: Mapped[int] = mapped_column(sa.ForeignKey("dsa.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    signed_on: Mapped[date | None]
    signatory_role: Mapped[str | None] = mapped_column(sa.String(200))
    # Personal data (FOIA s40(2)): never in FOI or public outputs.
    signatory_name: Mapped[str | None] = mapped_column(sa.String(200))

    dsa: Mapped[Dsa] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()


class DsaRedaction(Base):
    """A passage of the DSA withheld on release, and the FOIA exemption relied on."""

    __tablename__ = "dsa_redaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    dsa_id: Mapped[int] = mapped_column(sa.ForeignKey("dsa.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    what: Mapped[str] = mapped_column(sa.String(500))
    exemption: Mapped[Exemption] = mapped_column(enum_column(Exemption))
    reason: Mapped[str | None] = mapped_column(sa.String(2000))
    # The public interest test the DPO recorded, for a qualified exemption (s24, s31, s38).
    public_interest: Mapped[str | None] = mapped_column(sa.Text)

    dsa: Mapped[Dsa] = relationship(back_populates="redactions")


mou_party = sa.Table(
    "mou_party",
    Base.metadata,
    sa.Column("mou_id", sa.ForeignKey("mou.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Mou(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    """A memorandum of understanding."""

    __tablename__ = "mou"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    title: Mapped[str] = mapped_column(sa.String(500))
    signed_on: Mapped[date | None]
    review_due: Mapped[date | None]
    includes_data_sharing_provisions: Mapped[bool | None]

    parties: Mapped[list[Organisation]] = relationship(secondary=mou_party, order_by="Organisation.ref")
    data_flows: Mapped[list[DataFlow]] = relationship(back_populates="mou", order_by="DataFlow.ref")


class ProcessingContract(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    """A UK GDPR Art 28 contract between a controller and its processor."""

    __tablename__ = "processing_contract"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    controller_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    processor_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    subject_matter: Mapped[str | None] = mapped_column(sa.String(2000))
    signed_on: Mapped[date | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # {clause: bool} for the clauses of ART28_CLAUSES that were recorded; None = none recorded.
    art28_clauses: Mapped[dict[str, bool] | None] = mapped_column(sa.JSON)

    controller: Mapped[Organisation] = relationship(foreign_keys=[controller_id])
    processor: Mapped[Organisation] = relationship(foreign_keys=[processor_id])


joint_controller_party = sa.Table(
    "joint_controller_party",
    Base.metadata,
    sa.Column("arrangement_id", sa.ForeignKey("joint_controller_arrangement.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class JointControllerArrangement(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    """An Art 26 arrangement between joint controllers."""

    __tablename__ = "joint_controller_arrangement"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    responsibilities_allocated: Mapped[bool | None]
    essence_published_url: Mapped[str | None] = mapped_column(sa.String(2000))

    parties: Mapped[list[Organisation]] = relationship(secondary=joint_controller_party, order_by="Organisation.ref")
