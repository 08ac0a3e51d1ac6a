"""Who gets what when they sign in with the council's own accounts: a provider group or app role
mapped to a role of the register and its areas and panels (services/sign_in_mappings.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, enum_column
from .enums import Role

if TYPE_CHECKING:
    from .area import Area
    from .panel import Panel

sign_in_mapping_area = sa.Table(
    "sign_in_mapping_area",
    Base.metadata,
    sa.Column("mapping_id", sa.ForeignKey("sign_in_mapping.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)

sign_in_mapping_panel = sa.Table(
    "sign_in_mapping_panel",
    Base.metadata,
    sa.Column("mapping_id", sa.ForeignKey("sign_in_mapping.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("panel_id", sa.ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
)


class SignInMapping(TimestampMixin, Base):
    """People whose token carries `group` (a group's object id or an app role's value, as the
    provider sends it) get `role` in these areas and panels."""

    __tablename__ = "sign_in_mapping"

    id: Mapped[int] = mapped_column(primary_key=True)
    group: Mapped[str] = mapped_column(sa.String(255), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))

    areas: Mapped[list[Area]] = relationship(secondary=sign_in_mapping_area, order_by="Area.ref")
    panels: Mapped[list[Panel]] = relationship(secondary=sign_in_mapping_panel, order_by="Panel.ref")
