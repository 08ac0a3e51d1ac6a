"""People who use the register: creation with a hashed password, role and assignments."""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Area, Panel, User
from ..models.enums import Role
from . import audit, throttle

MIN_PASSWORD_LENGTH = 12
# werkzeug's scrypt (N=2**15, r=8, p=1); config.py's PASSWORD_HASH_METHOD, outside an app.
DEFAULT_HASH_METHOD = "scrypt:32768:8:1"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """Bad input for a user; the message names what is wrong."""


class PasswordChangeError(UserError):
    """A person's own new password refused: `problems` maps each field (current_password,
    new_password, confirm_password) to what is wrong with it, so a form shows each on its field."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def hash_password(password: str) -> str:
    """scrypt, at the work factor the configuration sets (PASSWORD_HASH_METHOD in config.py)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_HASH_METHOD) if has_app_context() else None
    return generate_password_hash(password, method=method or DEFAULT_HASH_METHOD)


def user_dict(user: User) -> dict:
    """A user as the audit trail records it (never the password hash)."""
    return {
        **({"name": user.name} if user.name else {}),
        "email": user.email,
        "role": user.role.value,
        "is_active": user.is_active,
        "areas": [area.ref for area in user.areas],
        "panels": [panel.ref for panel in user.panels],
        **({"break_glass": True} if user.break_glass else {}),
        # Not "password…": an entry names no password, and says only that this one is temporary.
        **({"temporary_sign_in": True} if user.password_must_change else {}),
        **({"signs_on_with": user.oidc_issuer} if user.oidc_subject else {}),
    }


def create_user(
    email: str,
    role: str,
    password: str,
    *,
    area_refs: list[str] = (),
    panel_refs: list[str] = (),
    break_glass: bool = False,
    name: str | None = None,
    temporary: bool = False,
    actor: str,
    source: str,
) -> User:
    """A local account with a password. A break-glass account must be an admin: it is the way in
    when single sign-on is down and PASSWORD_SIGN_IN=disabled. A `temporary` password (one the
    register made up and an admin's page showed) must be changed at the person's first sign-in."""
    email = email.strip().lower()
    problems = []
    if not EMAIL_PATTERN.match(email):
        problems.append(f"{email!r} is not an email address")
    elif db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        problems.append(f"a user with the email {email} already exists")
    try:
        role_value = Role(role)
    except ValueError:
        problems.append(f"role {role!r} is not allowed; use one of: {', '.join(r.value for r in Role)}")
        role_value = None
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if break_glass and role != Role.ADMIN.value:
        problems.append("a break-glass account must have the role admin")
    areas = list(db.session.scalars(sa.select(Area).where(Area.ref.in_(area_refs)))) if area_refs else []
    panels = list(db.session.scalars(sa.select(Panel).where(Panel.ref.in_(panel_refs)))) if panel_refs else []
    for ref in sorted(set(area_refs) - {area.ref for area in areas}):
        problems.append(f"there is no area {ref!r}")
    for ref in sorted(set(panel_refs) - {panel.ref for panel in panels}):
        problems.append(f"there is no panel {ref!r}")
    name = (name or "").strip() or None
    if name and len(name) > 200:
        problems.append("the name must be 200 characters or fewer")
    if problems:
        raise UserError("; ".join(problems))
    user = User(
        name=name,
        email=email,
        role=role_value,
        password_hash=hash_password(password),
        areas=areas,
        panels=panels,
        break_glass=break_glass,
        password_must_change=temporary,
    )
    db.session.add(user)
    db.session.flush()
    audit.record_change(
        actor=actor, source=source, record_type="user", record_ref=email, before=None, after=user_dict(user)
    )
    return user


def temporary_password() -> str:
    """A password an admin gives a new person once (the page that shows it is the only place it
    appears; only its hash is kept). 16 characters from a CSPRNG, over MIN_PASSWORD_LENGTH."""
    return secrets.token_urlsafe(12)


def _other_active_admins(user: User) -> int:
    statement = sa.select(sa.func.count(User.id)).where(
        User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id
    )
    return db.session.scalar(statement) or 0


def _keep_an_admin(user: User, *, role: Role | None = None, active: bool | None = None) -> None:
    """Refuse a change that would leave the register with no active admin."""
    stays_admin = (role or user.role) == Role.ADMIN and (user.is_active if active is None else active)
    if user.role == Role.ADMIN and user.is_active and not stays_admin and _other_active_admins(user) == 0:
        raise UserError(f"{user.email} is the only active admin: make someone else an admin first")


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def everyone() -> list[User]:
    """Every user with their areas and panels, in two extra queries whatever their number."""
    statement = sa.select(User).options(selectinload(User.areas), selectinload(User.panels)).order_by(User.email)
    return list(db.session.scalars(statement))


def end_sessions(user: User) -> None:
    """Every session of the user ends: the next request of each is signed out."""
    user.session_generation = (user.session_generation or 0) + 1


def _changed(user: User, before: dict, *, actor: str, source: str, **after: object) -> None:
    """End the user's sessions, audit the change and commit: one transaction."""
    end_sessions(user)
    db.session.flush()
    audit.record_change(
        actor=actor,
        source=source,
        record_type="user",
        record_ref=user.email,
        before=before,
        after={**user_dict(user), **after},
    )
    db.session.commit()


def get(email: str) -> User:
    user = find_by_email(email)
    if user is None:
        raise UserError(f"there is no user with the email {email.strip().lower()}")
    return user


def set_password(email: str, password: str, *, actor: str, source: str) -> User:
    """A new password; every session of the user ends. Audited (never the password)."""
    user = get(email)
    if user.signs_on_with_provider:
        raise UserError(f"{user.email} signs in with the council's accounts and has no password here")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    before = user_dict(user)
    user.password_hash = hash_password(password)
    # The operator typed it for them: not a temporary password the register made up.
    user.password_must_change = False
    _changed(user, before, actor=actor, source=source, password="changed")
    return user


def change_own_password(
    user: User, current: str, new: str, confirm: str, *, source: str, address: str = "unknown"
) -> User:
    """A person chooses their own password (checked in full first, each problem against its field);
    the temporary-password flag clears and every session of theirs ends (the caller signs the
    current one in again under the new generation). Audited (never the password).

    Each check of the current password counts against the sign-in limits (services/throttle.py),
    so that a session left open cannot be used to guess it faster than the sign-in page allows."""
    if user.signs_on_with_provider or not user.has_password:
        raise UserError(f"{user.email} signs in with the council's accounts and has no password here")
    current, new, confirm = current or "", new or "", confirm or ""
    problems = {}
    if not current:
        problems["current_password"] = "Enter your current password"
    elif not throttle.take_attempt(user.email, address):
        problems["current_password"] = (
            "Your current password has been entered wrongly too many times: wait 15 minutes, then try again"
        )
    elif not check_password_hash(user.password_hash, current):
        problems["current_password"] = "Your current password is not right: enter the password you signed in with"
    else:
        # Kept even if the new password is refused below: the right password was shown.
        throttle.succeeded(user.email, address)
        db.session.commit()
    if not new:
        problems["new_password"] = "Enter a new password"
    elif len(new) < MIN_PASSWORD_LENGTH:
        problems["new_password"] = f"Your new password must be at least {MIN_PASSWORD_LENGTH} characters"
    elif new == current:
        problems["new_password"] = "Your new password must be different from your current password"
    if not confirm:
        problems["confirm_password"] = "Enter your new password again"
    elif new and confirm != new:
        problems["confirm_password"] = "The passwords do not match: enter your new password again"
    if problems:
        raise PasswordChangeError(problems)
    before = user_dict(user)
    user.password_hash = hash_password(new)
    user.password_must_change = False
    # The person themselves, named as the web pages name an actor ("web:email").
    _changed(user, before, actor=f"{source}:{user.email}", source=source, password="changed")
    return user


def set_active(email: str, active: bool, *, actor: str, source: str) -> User:
    """Disable (every session ends) or enable a user. Audited."""
    user = get(email)
    _keep_an_admin(user, active=active)
    before = user_dict(user)
    user.is_active = active
    _changed(user, before, actor=actor, source=source)
    return user


def set_access(
    email: str,
    *,
    role: str | None = None,
    area_refs: list[str] | None = None,
    panel_refs: list[str] | None = None,
    name: str | None = None,
    actor: str,
    source: str,
) -> User:
    """A new role, areas, panels or name (each left as it is when None; a name of "" clears it);
    every session ends. Audited. Checked in full before anything changes."""
    user = get(email)
    if user.signs_on_with_provider:
        raise UserError(
            f"{user.email} signs in with the council's accounts: their access comes from the sign-in mappings "
            "on the Administration page"
        )
    problems, changes = [], {}
    if role is not None:
        try:
            changes["role"] = Role(role)
        except ValueError:
            problems.append(f"role {role!r} is not allowed; use one of: {', '.join(r.value for r in Role)}")
    for refs, model, attribute, noun in ((area_refs, Area, "areas", "area"), (panel_refs, Panel, "panels", "panel")):
        if refs is None:
            continue
        found = list(db.session.scalars(sa.select(model).where(model.ref.in_(refs)))) if refs else []
        problems += [f"there is no {noun} {ref!r}" for ref in sorted(set(refs) - {item.ref for item in found})]
        changes[attribute] = found
    if name is not None:
        if len(name.strip()) > 200:
            problems.append("the name must be 200 characters or fewer")
        changes["name"] = name.strip() or None
    if problems:
        raise UserError("; ".join(problems))
    _keep_an_admin(user, role=changes.get("role"))
    before = user_dict(user)
    for attribute, value in changes.items():
        setattr(user, attribute, value)
    _changed(user, before, actor=actor, source=source)
    return user
