"""Who gets what when they sign in with the council's own accounts.

An admin maps a provider group or app role to a role of the register and its areas and panels.
A person's access is worked out from the groups their last ID token carried and the mappings
now in force: of the mappings that match, the strongest role wins (admin, then dpo, panel chair,
auditor) with the areas and panels of every matching mapping of that role; weaker ones add
nothing (an auditor mapping for another area must not become DPO rights there).

A mapping change is applied to everyone it affects in the same transaction: a person whose
access changes has every session ended (the rule for any change of role, areas or panels), and
a person left with no mapping loses access at once, even mid-session (users.provider_access).
People are matched on the provider's issuer and subject, never on their email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Area, Panel, SignInMapping, User
from ..models.enums import Role
from . import audit, users
from .sso import Identity

ROLE_STRENGTH = {Role.ADMIN: 4, Role.DPO: 3, Role.PANEL_CHAIR: 2, Role.AUDITOR: 1}
RECORD_TYPE = "sign-in mapping"


class MappingError(ValueError):
    """Bad input for a mapping; the message names what is wrong."""


@dataclass(frozen=True)
class Access:
    role: Role
    areas: tuple[Area, ...]
    panels: tuple[Panel, ...]


def every_mapping() -> list[SignInMapping]:
    statement = (
        sa.select(SignInMapping)
        .options(selectinload(SignInMapping.areas), selectinload(SignInMapping.panels))
        .order_by(SignInMapping.group)
    )
    return list(db.session.scalars(statement))


def mapping_dict(mapping: SignInMapping) -> dict:
    return {
        "group": mapping.group,
        "role": mapping.role.value,
        "areas": [area.ref for area in mapping.areas],
        "panels": [panel.ref for panel in mapping.panels],
    }


def access_for(groups: list[str] | tuple[str, ...] | None, mappings: list[SignInMapping]) -> Access | None:
    """The access these groups give under these mappings; None when no mapping matches."""
    matching = [mapping for mapping in mappings if mapping.group in set(groups or ())]
    if not matching:
        return None
    strongest = max(ROLE_STRENGTH[mapping.role] for mapping in matching)
    chosen = [mapping for mapping in matching if ROLE_STRENGTH[mapping.role] == strongest]
    areas = {area.id: area for mapping in chosen for area in mapping.areas}
    panels = {panel.id: panel for mapping in chosen for panel in mapping.panels}
    return Access(
        chosen[0].role,
        tuple(sorted(areas.values(), key=lambda a: a.ref)),
        tuple(sorted(panels.values(), key=lambda p: p.ref)),
    )


def _apply(user: User, access: Access | None) -> bool:
    """Give the user this access; True when anything changed."""
    before = (user.provider_access, user.role, [a.id for a in user.areas], [p.id for p in user.panels])
    if access is None:
        user.provider_access = False
        user.areas, user.panels = [], []
    else:
        user.provider_access = True
        user.role = access.role
        user.areas, user.panels = list(access.areas), list(access.panels)
    return before != (user.provider_access, user.role, [a.id for a in user.areas], [p.id for p in user.panels])


def _reapply_everyone(actor: str) -> None:
    """Bring every signed-on person's access in line with the mappings now in force."""
    mappings = every_mapping()
    statement = (
        sa.select(User)
        .where(User.oidc_subject.is_not(None))
        .options(selectinload(User.areas), selectinload(User.panels))
    )
    for user in db.session.scalars(statement):
        before = _person_dict(user)
        if _apply(user, access_for(user.provider_groups, mappings)):
            users.end_sessions(user)
            audit.record_change(
                actor=actor,
                source="web",
                record_type="user",
                record_ref=user.email,
                before=before,
                after=_person_dict(user),
            )


def _person_dict(user: User) -> dict:
    return {**users.user_dict(user), "access": "granted by a mapping" if user.provider_access else "none"}


def _resolve(role: str, area_refs: list[str], panel_refs: list[str]) -> tuple[Role, list[Area], list[Panel]]:
    problems = []
    try:
        role_value = Role(role)
    except ValueError:
        problems.append(f"role {role!r} is not allowed; use one of: {', '.join(r.value for r in Role)}")
        role_value = None
    areas = list(db.session.scalars(sa.select(Area).where(Area.ref.in_(area_refs)))) if area_refs else []
    panels = list(db.session.scalars(sa.select(Panel).where(Panel.ref.in_(panel_refs)))) if panel_refs else []
    problems += [f"there is no area {ref!r}" for ref in sorted(set(area_refs) - {a.ref for a in areas})]
    problems += [f"there is no panel {ref!r}" for ref in sorted(set(panel_refs) - {p.ref for p in panels})]
    if role_value not in (None, Role.ADMIN) and not areas:
        problems.append("choose at least one area (only an admin sees every area)")
    if role_value == Role.PANEL_CHAIR and not panels:
        problems.append("choose at least one panel for a panel chair")
    if problems:
        raise MappingError("; ".join(problems))
    return role_value, areas, panels


def save_mapping(group: str, role: str, area_refs: list[str], panel_refs: list[str], *, actor: str) -> SignInMapping:
    """Add a mapping, or replace the one for this group. Audited; applied to everyone at once."""
    group = group.strip()
    if not group or len(group) > 255:
        raise MappingError(
            "enter the group's object id or the app role's value, as the provider sends it (255 characters at most)"
        )
    role_value, areas, panels = _resolve(role, area_refs, panel_refs)
    mapping = db.session.scalar(sa.select(SignInMapping).where(SignInMapping.group == group))
    before = mapping_dict(mapping) if mapping else None
    if mapping is None:
        mapping = SignInMapping(group=group, role=role_value)
        db.session.add(mapping)
    mapping.role, mapping.areas, mapping.panels = role_value, areas, panels
    db.session.flush()
    audit.record_change(
        actor=actor, source="web", record_type=RECORD_TYPE, record_ref=group, before=before, after=mapping_dict(mapping)
    )
    _reapply_everyone(actor)
    db.session.commit()
    return mapping


def remove_mapping(mapping_id: int, *, actor: str) -> SignInMapping | None:
    """Remove a mapping: whoever it alone gave access loses it at once. Audited."""
    mapping = db.session.get(SignInMapping, mapping_id)
    if mapping is None:
        return None
    audit.record_change(
        actor=actor,
        source="web",
        record_type=RECORD_TYPE,
        record_ref=mapping.group,
        before=mapping_dict(mapping),
        after=None,
    )
    db.session.delete(mapping)
    db.session.flush()
    _reapply_everyone(actor)
    db.session.commit()
    return mapping


@dataclass(frozen=True)
class SignOnOutcome:
    user: User | None
    # Why there is no user: "no_mapping", "disabled" or "email_taken".
    refused: str | None = None


def sign_on(identity: Identity) -> SignOnOutcome:
    """The person the provider vouches for, created or brought up to date (matched on issuer and
    subject), with the access the mappings give their groups now. One transaction."""
    user = db.session.scalar(
        sa.select(User).where(User.oidc_issuer == identity.issuer, User.oidc_subject == identity.subject)
    )
    access = access_for(identity.groups, every_mapping())
    email = identity.username.strip().lower()
    taken = db.session.scalar(sa.select(User.id).where(User.email == email, User.id != (user.id if user else -1)))
    if user is None:
        if taken is not None:
            db.session.rollback()
            return SignOnOutcome(None, "email_taken")
        user = User(
            email=email,
            password_hash="",
            role=access.role if access else Role.AUDITOR,
            oidc_issuer=identity.issuer,
            oidc_subject=identity.subject,
        )
        db.session.add(user)
        before = None
    else:
        before = _person_dict(user)
        if taken is None:
            user.email = email
    user.provider_groups = list(identity.groups)
    changed = _apply(user, access)
    if before is not None and changed:
        users.end_sessions(user)  # sessions from before the change end (this new one is issued after)
    if access is not None and user.is_active:
        user.last_signed_in_at = datetime.now(UTC)
    db.session.flush()
    audit.record_change(
        actor=f"sso:{email}",
        source="web",
        record_type="user",
        record_ref=user.email,
        before=before,
        after=_person_dict(user),
    )
    db.session.commit()
    if not user.is_active:
        return SignOnOutcome(None, "disabled")
    if access is None:
        return SignOnOutcome(None, "no_mapping")
    return SignOnOutcome(user)


def admins_to_ask() -> list[str]:
    """The email addresses of the active admins, for the no-access page."""
    statement = sa.select(User.email).where(User.role == Role.ADMIN, User.is_active, User.provider_access)
    return list(db.session.scalars(statement.order_by(User.email)))
