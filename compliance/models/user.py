"""People who use the register, their role and the areas and panels assigned to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, enum_column, utcnow
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
    __table_args__ = (sa.UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    # Who they are, as the admin who created them on the Administration page typed it (optional).
    name: Mapped[str | None] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Raised whenever every session of the user must end (signing out, a new password, disabling,
    # a change of role, areas or panels). A session carries the generation it was issued under.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # The secret of the user's authenticator app (TOTP, RFC 6238), encrypted (services/encryption.py);
    # None until they set one up.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    # The last time step whose code was accepted: a code is accepted once.
    totp_last_step: Mapped[int | None]
    last_signed_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Single sign-on (OpenID Connect): the provider's stable subject, issuer + `sub` (or Entra ID's
    # `oid`). A person is matched on these, never on their email. None for a local account.
    oidc_issuer: Mapped[str | None] = mapped_column(sa.String(500))
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255))
    # The groups and app roles the provider sent at the person's last sign-in: their access is
    # worked out from these and the admins' sign-in mappings (services/sign_in_mappings.py).
    provider_groups: Mapped[list | None] = mapped_column(sa.JSON)
    # False when no mapping gives a signed-on person access: every session of theirs is refused.
    # Always True for a local account.
    provider_access: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # A local account that may sign in with a password when PASSWORD_SIGN_IN=disabled (audited
    # at every use): the way in when the provider is down.
    break_glass: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The password is a temporary one an admin's page showed once: until the person chooses their
    # own (services/users.change_own_password) every page but that one sends them to it.
    password_must_change: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    areas: Mapped[list[Area]] = relationship(secondary=user_area, order_by="Area.ref")
    panels: Mapped[list[Panel]] = relationship(secondary=user_panel, order_by="Panel.ref")

    @property
    def signs_on_with_provider(self) -> bool:
        return self.oidc_subject is not None

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    # Flask-Login's interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"


class SignInAttempt(Base):
    """One sign-in attempt, for throttling failures per account and per address."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_at", "email", "at"),
        sa.Index("ix_sign_in_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    email: Mapped[str] = mapped_column(sa.String(320))
    address: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]


class SignInThrottle(Base):
    """Sign-in attempts counted per key (an account, an address, or an account from one address)
    in a window: checked and counted in one conditional UPDATE, so parallel attempts cannot
    overrun a limit (services/throttle.py)."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
