"""How current the stored findings are, so that reading them is a read.

Every change to the register refreshes the findings it can move, in its own transaction (the scoped
refresh, findings.refresh_after_change), so the stored findings stay exact: `compliance gaps` can
read them instead of running every rule. What it must know is that nothing has changed since they
were last known exact for the date it asks about. One row (models.FindingsRefresh) says so: the
date, and the newest audit entry of a change they account for.

- A full refresh (every rule over the whole register) at date D writes (D, the newest entry now).
- A scoped refresh at D keeps the row exact (moves it to the newest entry now) only when the row
  was exact just before its own transaction's changes: the row is for D, and no change entry came
  between the row's entry and the transaction's first. Otherwise it leaves the row behind.
- Any change entry after the row's (a change no refresh followed, whatever wrote it) leaves the row
  behind too: the findings are then not known to be exact, and `gaps` runs every rule again.
- Reference data the rules read but the audit trail does not (partner types) deletes the row when
  it changes (reference.load).

Every change to the register writes audit entries (services/audit.py); entries of the kinds in
INERT change nothing a rule reads and do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEvent, FindingsRefresh
from ..models.base import utcnow
from . import audit_chain

# Audit entries that move no finding: reports generated, users and their sign-ins, settings, FOI
# drafts, evidence documents, and the words of the rule catalogue and legal references (read afresh
# for every output). Any other kind of entry is a change the rules may read.
INERT = frozenset(
    {
        "report",
        "user",
        "break-glass sign-in",
        "setting",
        "foi_withholding",
        "foi_release",
        "evidence_document",
        "rule",
        "legal_reference",
    }
)


@dataclass(frozen=True)
class Marker:
    as_of: date
    audit_head: int


def change_head(before: int | None = None) -> int:
    """The id of the newest audit entry of a change the rules may read (older than `before` when
    given); 0 when there is none."""
    statement = sa.select(AuditEvent.id).where(AuditEvent.record_type.not_in(sorted(INERT)))
    if before is not None:
        statement = statement.where(AuditEvent.id < before)
    return db.session.scalar(statement.order_by(AuditEvent.id.desc()).limit(1)) or 0


def _row() -> FindingsRefresh | None:
    return db.session.scalar(sa.select(FindingsRefresh).order_by(FindingsRefresh.id).limit(1))


def current() -> Marker | None:
    """The date the stored findings are exact for, if nothing has changed since they were; else None.
    (They are exact for that date; at another date, only the rules that read the date may differ.)"""
    row = _row()
    if row is None or row.audit_head != change_head():
        return None
    return Marker(row.as_of, row.audit_head)


def mark(as_of: date) -> None:
    """Every rule has just been stored for the whole register at `as_of` (or the rules that read
    the date, when the others were exact): the stored findings are exact for it now."""
    db.session.flush()
    head, row = change_head(), _row()
    if row is None:
        db.session.add(FindingsRefresh(as_of=as_of, audit_head=head, refreshed_at=utcnow()))
    else:
        row.as_of, row.audit_head, row.refreshed_at = as_of, head, utcnow()
    db.session.flush()


def after_scoped(as_of: date) -> None:
    """A scoped refresh at `as_of` has stored what its transaction's changes can move."""
    db.session.flush()  # the transaction's own entries, so that their first id is known
    row = _row()
    if row is None or row.as_of != as_of:
        return
    first = audit_chain.first_written(db.session())
    if row.audit_head == change_head(before=first):
        head = change_head()
        row.audit_head, row.refreshed_at = head, utcnow()
        db.session.flush()


def state(as_of: date) -> str:
    """A token that changes whenever something compared with the register may have changed: a change
    entry (any record), the date (rules read it), or the stored findings' last refresh (a full
    refresh, or reference data changed). A preview kept with this token is still what it says while
    the token is the same."""
    row = _row()
    refreshed = f"{row.as_of.isoformat()}@{row.refreshed_at.isoformat()}" if row is not None else "none"
    return f"{change_head()}/{as_of.isoformat()}/{refreshed}"


def forget() -> None:
    """Something the rules read changed without a refresh: the stored findings are not known exact."""
    db.session.execute(sa.delete(FindingsRefresh))
