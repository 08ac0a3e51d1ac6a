"""Signing in: passwords, throttling of failed attempts, and authenticator-app codes (TOTP)."""

from __future__ import annotations

import functools
import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import SignInAttempt, User
from . import audit, encryption, register, throttle, users


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash to check against when the email is unknown, so both cases take the same time: made
    once per method (at the first sign-in, not at import, which every command would pay for)."""
    return generate_password_hash("not-a-real-password-0000", method=method)


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None
    throttled: bool = False
    # The password was right but passwords are turned off for this account (PASSWORD_SIGN_IN).
    passwords_off: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def check_password(email: str, password: str, address: str) -> SignInOutcome:
    """The user if the email and password match an active account and the attempt is within the
    limits (services/throttle.py: counted before it is checked, atomically). Every attempt is
    recorded and committed: a failed attempt counts even though the request goes no further."""
    email = email.strip().lower()
    address = address[:64]
    if not throttle.take_attempt(email, address):
        return SignInOutcome(None, throttled=True)
    user = users.find_by_email(email)
    has_password = bool(user and user.has_password)
    valid = (
        check_password_hash(
            user.password_hash
            if has_password
            else _dummy_hash(current_app.config.get("PASSWORD_HASH_METHOD", users.DEFAULT_HASH_METHOD)),
            password,
        )
        and has_password
    )
    passwords_off = bool(valid and not passwords_allowed_for(user))
    succeeded = bool(user and user.is_active and valid and not passwords_off)
    if succeeded:
        throttle.succeeded(email, address)
    db.session.add(SignInAttempt(email=email, address=address, succeeded=succeeded, at=datetime.now(UTC)))
    db.session.commit()
    return SignInOutcome(user if succeeded else None, passwords_off=passwords_off)


def password_sign_in_enabled() -> bool:
    return current_app.config.get("PASSWORD_SIGN_IN", "enabled") != "disabled"


def passwords_allowed_for(user: User) -> bool:
    """With PASSWORD_SIGN_IN=disabled, only a break-glass account signs in with a password."""
    return password_sign_in_enabled() or user.break_glass


def record_break_glass_use(user: User, address: str) -> None:
    """Every sign-in of a break-glass account is in the audit trail, whatever the setting."""
    audit.record_change(
        actor=f"web:{user.email}",
        source="web",
        record_type="break-glass sign-in",
        record_ref=user.email,
        before=None,
        after={"signed_in_at": datetime.now(UTC).isoformat(), "address": address[:64]},
    )
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


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (RFC 6238, 30 s) within one step of now whose code this is, if any."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(datetime.fromtimestamp(now, UTC))
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def check_code(user: User, code: str, address: str, *, secret: str | None = None) -> SignInOutcome:
    """An authenticator code for `user` (their stored secret, or `secret` while setting one up):
    counted against the sign-in limits first, and accepted once only: the step it belongs to
    must be later than the last accepted one, recorded in the same conditional UPDATE."""
    address = address[:64]
    if not throttle.take_attempt(user.email, address):
        return SignInOutcome(None, throttled=True)
    step = _matching_step(secret or totp_secret_of(user), code, time.time())
    accepted = False
    if step is not None:
        claimed = db.session.execute(
            sa.update(User)
            .where(User.id == user.id, sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .execution_options(synchronize_session=False)
        )
        accepted = claimed.rowcount == 1
    if accepted:
        throttle.succeeded(user.email, address)
    db.session.add(SignInAttempt(email=user.email, address=address, succeeded=accepted, at=datetime.now(UTC)))
    db.session.commit()
    db.session.refresh(user)
    return SignInOutcome(user if accepted else None)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_secret_of(user: User) -> str:
    return encryption.decrypt(user.totp_secret) if user.totp_secret else ""


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def set_totp_secret(user: User, secret: str, actor: str) -> None:
    user.totp_secret = encryption.encrypt(secret)
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
    """The user a session names ("id:generation"), if active and the session is of their current
    generation: a session issued before they signed out (or were changed) is refused."""
    number, _, generation = user_id.partition(":")
    if not (number.isdigit() and generation.isdigit()):
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    if not user.provider_access:  # signed on, and no mapping gives them access any more
        return None
    return user


def pending_user(user_id: str) -> User | None:
    """The user half-way through signing in (password right, code still to come)."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None


def sign_out(user: User) -> None:
    """End every session of the user, on every device."""
    users.end_sessions(user)
    db.session.commit()
