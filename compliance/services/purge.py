"""Purging a record created by mistake: the one way a record leaves the register.

No browser action deletes a record (they archive it). An administrator may purge one from the
command line (`compliance purge`), naming themselves and why; the audit trail keeps the record's
full state as it was (personal data included: the trail is read only by auditors and admins).
A record other records still link to is refused, with what links to it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..exchange import fields as f
from ..exchange import serialise
from ..extensions import db
from ..models import User
from ..models.enums import Role
from . import audit, findings, records, register
from .access import NotVisible, Scope

REASON_MAX = 200  # it is written into the audit entry's actor, which holds 320 characters


class PurgeRefused(Exception):
    """Nothing was purged; the message says why."""


def record_type(name: str) -> f.RecordType:
    """A record type by its list name ("dpias") or its type name ("dpia")."""
    kind = f.BY_KEY.get(name) or f.BY_SUBJECT.get(name)
    if kind is None:
        raise PurgeRefused(f"{name!r} is not a record type: use one of {', '.join(f.BY_KEY)}")
    return kind


def purge(name: str, ref: str, *, reason: str, admin_email: str, actor: str) -> dict[str, Any]:
    """Delete one record, audited with its full state, and refresh the findings; one transaction.
    Returns the record as it was."""
    kind = record_type(name)
    reason = " ".join((reason or "").split())
    if not reason:
        raise PurgeRefused("Give the reason for purging with --reason")
    if len(reason) > REASON_MAX:
        raise PurgeRefused(f"The reason must be {REASON_MAX} characters or fewer")
    admin = db.session.scalar(sa.select(User).where(User.email == admin_email))
    if admin is None or admin.role != Role.ADMIN or not admin.is_active:
        raise PurgeRefused(f"{admin_email} is not an active admin of the register: only an admin may purge")
    everything = Scope(Role.ADMIN, admin.email, None, frozenset())
    try:
        obj = records.get_record(everything, kind.key, ref)
    except NotVisible:
        raise PurgeRefused(f"There is no {kind.subject.replace('_', ' ')} {ref}") from None
    linked = records.linked_from(everything, kind.key, ref)
    if linked:
        names = ", ".join(f"{f.BY_KEY[key].subject} {other}" for key, other in linked)
        raise PurgeRefused(f"{kind.subject} {ref} is linked from {names}: change or archive those instead")
    state, record_id = serialise.record(kind, obj), obj.id
    try:
        db.session.delete(obj)
        db.session.flush()
        audit.record_change(
            actor=f"{actor} for {admin.email}, purged: {reason}",
            source="purge",
            record_type=kind.subject,
            record_ref=ref,
            record_id=record_id,
            before=state,
            after=None,
        )
        findings.refresh(actor=actor, as_of=register.default_as_of())
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise PurgeRefused(
            f"{kind.subject} {ref} is still used by other records (a party, a lawful basis or an attendee): "
            "change those first"
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    return state
