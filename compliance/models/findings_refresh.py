"""How current the stored findings are: a single row, written with them (services/refresh_marker.py)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class FindingsRefresh(Base):
    """The stored findings are exactly what every rule raises over the register at `as_of`, as it
    stood after audit entry `audit_head` (the newest entry of a change that can move a finding).
    A newer such entry, or another date, means they may not be: `compliance gaps` then runs the
    rules again. No row: never known to be exact (a new database, or a change that made it unknown)."""

    __tablename__ = "findings_refresh"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date]
    audit_head: Mapped[int]
    refreshed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
