"""Storage systems where Prevent data is held, and privacy notices."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSED_IDS, ArchiveMixin, Base, TimestampMixin, VersionMixin, enum_column, ref_column
from .enums import Hosting, NoticeScope, StorageKind
from .organisation import Organisation


class StorageSystem(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "storage_system"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    name: Mapped[str] = mapped_column(sa.String(500))
    kind: Mapped[StorageKind] = mapped_column(enum_column(StorageKind))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    approved_for_prevent: Mapped[bool]
    approval_ref: Mapped[str | None] = mapped_column(sa.String(200))
    hosting: Mapped[Hosting | None] = mapped_column(enum_column(Hosting))
    # A supplier that hosts or runs the system for its owner: an Art 28 processor.
    processor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)

    owner: Mapped[Organisation | None] = relationship(foreign_keys=[owner_id])
    processor: Mapped[Organisation | None] = relationship(foreign_keys=[processor_id])


# The ten items of a privacy notice checklist (UK GDPR Arts 13 and 14).
PRIVACY_NOTICE_CHECKLIST = (
    "controller_identity",
    "dpo_contact",
    "purposes",
    "lawful_basis",
    "special_category_conditions",
    "recipients_named",
    "retention",
    "rights",
    "complaint_to_ico",
    "source_of_data",
)


class PrivacyNotice(ArchiveMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "privacy_notice"
    __table_args__ = NEVER_REUSED_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = ref_column()
    controller_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    scope: Mapped[NoticeScope] = mapped_column(enum_column(NoticeScope))
    title: Mapped[str | None] = mapped_column(sa.String(500))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    section: Mapped[str | None] = mapped_column(sa.String(200))
    published_on: Mapped[date | None]
    last_reviewed_on: Mapped[date | None]
    # {item: bool} for the items of PRIVACY_NOTICE_CHECKLIST that were assessed; None = no checklist.
    checklist: Mapped[dict[str, bool] | None] = mapped_column(sa.JSON)

    controller: Mapped[Organisation] = relationship()
