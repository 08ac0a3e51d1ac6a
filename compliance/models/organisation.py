"""Partner organisations and the partner-type reference table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSED_IDS, ArchiveMixin, Base, TimestampMixin, VersionMixin, enum_column, ref_column
from .enums import PartnerType

if TYPE_CHECKING:
    from .area import Area

organisation_area = sa.Table(
    "organisation_area",
    Base.metadata,
    sa.Column("organisation_id", sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class PartnerTypeInfo(Base):
    """Reference data for a partner type (seeded from seeds/reference/partner_types.json).

    Its flags carry the statutory groupings the rules use: Schedule 7 CTSA 2015 partners,
    panel members under s37, who may rely on an MOU in place of a DSA, who is a competent
    authority under DPA 2018 Part 3 and who is a public authority for UK GDPR Art 6(1) (which may
    rely on neither point (ea) nor point (f) for its tasks), unless the record says otherwise.
    """

    __tablename__ = "partner_type"

    code: Mapped[PartnerType] = mapped_column(enum_column(PartnerType), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    schedule_7: Mapped[bool] = mapped_column(default=False)
    panel_member: Mapped[bool] = mapped_column(default=False)
    mou_can_count_as_dsa: Mapped[bool] = mapped_column(default=False)
    competent_authority_by_default: Mapped[bool] = mapped_column(default=False)
    public_authority_by_default: Mapped[bool] = mapped_column(default=False)


class Organisation(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "organisation"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    name: Mapped[str] = mapped_column(sa.String(500))
    partner_type: Mapped[PartnerType] = mapped_column(enum_column(PartnerType))
    ico_registration: Mapped[str | None] = mapped_column(sa.String(100))
    dpo_contact: Mapped[str | None] = mapped_column(sa.String(500))
    apd_ref: Mapped[str | None] = mapped_column(sa.String(200))
    # None means "not stated": the partner type's default applies (partner_type table).
    competent_authority: Mapped[bool | None]
    # UK GDPR Art 6(1), words after point (f): None means "not stated", the partner type's default.
    public_authority: Mapped[bool | None]
    # Where its data protection complaints procedure is published or filed (DPA 2018 s164A).
    complaints_procedure_ref: Mapped[str | None] = mapped_column(sa.String(500))
    # Added by a panel chair at a meeting with only a name and a partner type: the DPO completes
    # it (ICO registration, DPO contact, agreements) and clears the mark. None = not marked.
    needs_completion: Mapped[bool | None]

    areas: Mapped[list[Area]] = relationship(secondary=organisation_area, order_by="Area.ref")

    def __repr__(self) -> str:
        return f"<Organisation {self.ref}>"
