"""People who use the register, their role and the areas and panels assigned to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, enum_column
from .enums import Role

if TYPE_CHECKING:
    from .area import Area
    from .panel import Panel

user_area = sa.Table(
    "user_area",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)

user_panel = sa.Table(
    "user_panel",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("panel_id", sa.ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
)


class User(TimestampMixin, Base):
    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    is_active: Mapped[bool] = mapped_column(default=True)

    areas: Mapped[list[Area]] = relationship(secondary=user_area, order_by="Area.ref")
    panels: Mapped[list[Panel]] = relationship(secondary=user_panel, order_by="Panel.ref")
