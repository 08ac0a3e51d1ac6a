"""Facts about the register as a whole."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class RegisterInfo(Base):
    """A single row. as_of: the date the register describes (from an imported file), used as the
    default evaluation date; None means "today"."""

    __tablename__ = "register_info"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date | None]
    # Set by an admin: every user must sign in with an authenticator app as well as a password.
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Whose register this is (the exchange format's top-level `holder`): the organisation that
    # answers FOI requests from it. None: the area's responsible authority answers.
    holder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"))
