"""Signing in: passwords, throttling of failed attempts, and authenticator-app codes (TOTP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from ..extensions import db
from ..models import SignInAttempt, User
from . import audit, register, users

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# A hash to check against when the email is unknown, so both cases take the same time.
_DUMMY_HASH = users.hash_password("not-a-real-password-0000")


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def _recent_failures(column, value: str, now: datetime) -> int:
    statement = (
        sa.select(sa.func.count())
        .select_from(SignInAttempt)
        .where(column == value, SignInAttempt.succeeded.is_(False), SignInAttempt.at >= now - WINDOW)
    )
    return db.session.scalar(statement) or 0


def is_throttled(email: str, address: str, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return (
        _recent_failures(SignInAttempt.email, email, now) >= MAX_FAILURES_PER_ACCOUNT
        or _recent_failures(SignInAttempt.address, address, now) >= MAX_FAILURES_PER_ADDRESS
    )


def check_password(email: str, password: str, address: str) -> SignInOutcome:
    """The user if the email and password match an active account and attempts are not throttled.
    Every attempt is recorded (and committed: a failed attempt must count even though the
    request that made it goes no further)."""
    email = email.strip().lower()
    now = datetime.now(UTC)
    if is_throttled(email, address, now):
        return SignInOutcome(None, throttled=True)
    user = users.find_by_email(email)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    succeeded = bool(user and user.is_active and valid)
    db.session.add(SignInAttempt(email=email, address=address[:64], succeeded=succeeded, at=now))
    db.session.commit()
    return SignInOutcome(user if succeeded else None)


def record_failed_attempt(email: str, address: str) -> None:
    """A wrong authenticator code counts towards the throttle like a wrong password."""
    db.session.add(SignInAttempt(email=email, address=address[:64], succeeded=False))
    db.session.commit()


def two_factor_required(user: User) -> bool:
    return user.has_two_factor or two_factor_required_for_everyone()


def two_factor_required_for_everyone() -> bool:
    return register.register_info().require_two_factor


def require_two_factor_for_everyone(required: bool, *, actor: str) -> None:
    """An admin's setting: everyone must sign in with an authenticator app as well. Audited."""
    info = register.register_info()
    before = {"require_two_factor": info.require_two_factor}
    info.require_two_factor = required
    audit.record_change(
        actor=actor,
        source="web",
        record_type="setting",
        record_ref="sign-in",
        before=before,
        after={"require_two_factor": required},
    )
    db.session.commit()


def verify_code(secret: str, code: str) -> bool:
    code = "".join(code.split())
    return code.isdigit() and len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def set_totp_secret(user: User, secret: str, actor: str) -> None:
    user.totp_secret = secret
    audit.record_change(
        actor=actor,
        source="web",
        record_type="user",
        record_ref=user.email,
        before={"two_factor": False},
        after={"two_factor": True},
    )
    db.session.commit()


def signed_in(user: User) -> None:
    user.last_signed_in_at = datetime.now(UTC)
    db.session.commit()


def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None
