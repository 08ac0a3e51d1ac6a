"""Areas (the local authority area a register covers) and their yearly designations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSED_IDS, ArchiveMixin, Base, TimestampMixin, VersionMixin, enum_column, ref_column
from .enums import DesignationKind, Nation

if TYPE_CHECKING:
    from .organisation import Organisation


class Area(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "area"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    name: Mapped[str] = mapped_column(sa.String(500))
    nation: Mapped[Nation] = mapped_column(enum_column(Nation))
    responsible_authority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL", use_alter=True)
    )

    responsible_authority: Mapped[Organisation | None] = relationship(foreign_keys=[responsible_authority_id])
    designations: Mapped[list[AreaDesignation]] = relationship(
        back_populates="area",
        cascade="all, delete-orphan",
        order_by="(AreaDesignation.financial_year, AreaDesignation.kind)",
    )

    def __repr__(self) -> str:
        return f"<Area {self.ref}>"


class AreaDesignation(Base):
    """Whether an area is, for one financial year, a Prevent priority area or a Dovetail area."""

    __tablename__ = "area_designation"
    __table_args__ = (sa.UniqueConstraint("area_id", "kind", "financial_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"))
    kind: Mapped[DesignationKind] = mapped_column(enum_column(DesignationKind))
    value: Mapped[bool]
    financial_year: Mapped[str] = mapped_column(sa.String(7))
    source: Mapped[str | None] = mapped_column(sa.String(500))

    area: Mapped[Area] = relationship(back_populates="designations")
