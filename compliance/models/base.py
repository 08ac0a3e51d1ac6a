"""Declarative base, constraint naming convention and shared column helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Named constraints make migrations reviewable and let batch mode on SQLite alter tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

REF_LENGTH = 64

# A record's id is what its evidence documents, findings and audit entries hang on (its ref can be
# used again once the record is gone), so no id may ever be handed out twice. PostgreSQL's sequences
# never do; SQLite hands out the largest rowid + 1 again after that row is deleted unless the table
# is AUTOINCREMENT. Every record table (and evidence_document) is. Reflection does not see this
# flag: a migration that rebuilds one of these tables on SQLite must keep it (migration 0011 shows
# how, and tests/integration/test_record_ids.py checks it).
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum: type[StrEnum], **kwargs) -> sa.Enum:
    """An Enum column type stored by value (not by member name), with a named CHECK constraint."""
    return sa.Enum(
        enum,
        name=enum.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum),
        values_callable=lambda e: [member.value for member in e],
        validate_strings=True,
        **kwargs,
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class VersionMixin:
    """A record's version, raised by each change (services/exchange.py raises it when the record as
    the exchange format writes it has changed). Every UPDATE of the row also says `WHERE
    record_version = <the version loaded>`, so a save that read an older version fails instead of
    overwriting a change it never saw (optimistic concurrency; the forms carry the version too)."""

    record_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.record_version, "version_id_generator": False}


class ArchiveMixin:
    """A record is archived, never deleted from the browser: kept, read-only and exported, until a
    DPO restores it. `archived_by` (the user) is not part of the exchange format."""

    archived_on: Mapped[date | None]
    archived_reason: Mapped[str | None] = mapped_column(sa.String(2000))
    archived_by: Mapped[str | None] = mapped_column(sa.String(320))

    @property
    def is_archived(self) -> bool:
        return self.archived_on is not None


def ref_column() -> Mapped[str]:
    """The record's ref: its natural key in the exchange format, unique per record type."""
    return mapped_column(sa.String(REF_LENGTH), unique=True)
