"""Data protection impact assessments (UK GDPR Art 35, DPA 2018 s64)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSED_IDS, ArchiveMixin, Base, TimestampMixin, VersionMixin, enum_column, ref_column
from .enums import DpiaRegime, DpiaStatus, IcoConsultation, RiskLevel
from .organisation import Organisation

if TYPE_CHECKING:
    from .data_flow import DataFlow


class Dpia(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "dpia"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    title: Mapped[str] = mapped_column(sa.String(500))
    controller_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    regime: Mapped[DpiaRegime | None] = mapped_column(enum_column(DpiaRegime))
    status: Mapped[DpiaStatus] = mapped_column(enum_column(DpiaStatus))
    completed_on: Mapped[date | None]
    dpo_advice_on: Mapped[date | None]
    residual_risk: Mapped[RiskLevel | None] = mapped_column(enum_column(RiskLevel))
    ico_prior_consultation: Mapped[IcoConsultation | None] = mapped_column(enum_column(IcoConsultation))
    ico_consulted_on: Mapped[date | None]
    review_due: Mapped[date | None]
    last_reviewed_on: Mapped[date | None]
    best_interests_recorded: Mapped[bool | None]

    controller: Mapped[Organisation] = relationship()
    # The flows a DPIA covers are the flows that name it.
    data_flows: Mapped[list[DataFlow]] = relationship(back_populates="dpia", order_by="DataFlow.ref")

    @property
    def is_completed(self) -> bool:
        return self.status == DpiaStatus.COMPLETED
