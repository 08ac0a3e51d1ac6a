"""The audit trail as an auditor reads it: each entry with the fields it changed (was, now), a link
to the record it is about (or a note that the record is gone: its last state is in the entry that
removed it), report generations with their SHA-256 and scope; filtered, paged and as CSV.

Who sees what: an admin everything; a DPO or an auditor the entries about records of their areas
(by the record's id, never its ref), about the evidence documents of those records, the reports
and FOI answers withheld of their areas, and their own entries. Personal data (DSA signatories'
and panel attendees' names) is shown to admins and DPOs only; anyone else reads "[personal data]"
in its place.

The page reads a fixed number of queries whatever the register's size: the count, the page of
entries, and one for the current refs of the records they are about.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..exchange import fields as f
from ..extensions import db
from ..labels import coded_label
from ..models import AuditEvent, EvidenceDocument
from ..models.enums import Role
from .access import Scope

PAGE_SIZE = 50
REDACTED = "[personal data]"
# Record types the trail can be filtered by ("report": PDF, workbook and FOI generations).
TYPES = (
    *(kind.subject for kind in f.RECORD_TYPES),
    "evidence_document",
    "report",
    "user",
    "rule",
    "legal_reference",
    "commencement",
    "foi_withholding",
    "setting",
)
# Entries whose record_id is an area's id.
AREA_ENTRIES = ("report", "foi_withholding")
CSV_COLUMNS = ("when", "who", "source", "action", "record type", "record", "record now", "field", "was", "now")


@dataclass(frozen=True)
class Filters:
    record_type: str = ""
    record_ref: str = ""
    actor: str = ""

    def as_args(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value}


@dataclass(frozen=True)
class Change:
    field: str
    was: str
    now: str


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    changes: list[Change]
    # (list key, current ref) of the record it is about, when that record exists; None otherwise.
    link: tuple[str, str] | None
    gone: bool  # about a record (of a type with pages) that no longer exists


@dataclass(frozen=True)
class TrailPage:
    entries: list[Entry]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def sees_personal_data(scope: Scope) -> bool:
    return scope.role in (Role.ADMIN, Role.DPO)


def can_read(scope: Scope) -> bool:
    return scope.role in (Role.ADMIN, Role.DPO, Role.AUDITOR)


# --- which entries ------------------------------------------------------------------------------


def condition(scope: Scope, filters: Filters) -> sa.ColumnElement[bool]:
    where = sa.true()
    if filters.record_type:
        where = sa.and_(where, AuditEvent.record_type == filters.record_type)
    if filters.record_ref:
        where = sa.and_(where, AuditEvent.record_ref == filters.record_ref)
    if filters.actor:
        where = sa.and_(where, AuditEvent.actor.contains(filters.actor, autoescape=True))
    if not scope.sees_everything:
        where = sa.and_(where, visible(scope))
    return where


def visible(scope: Scope) -> sa.ColumnElement[bool]:
    """Entries a user limited to some areas may read (see the module's docstring)."""
    conditions = [AuditEvent.actor == scope.email]
    documents = []
    for kind in f.RECORD_TYPES:
        ids = sa.select(kind.model.id).where(scope.where(kind.model))
        conditions.append(sa.and_(AuditEvent.record_type == kind.subject, AuditEvent.record_id.in_(ids)))
        documents.append(sa.and_(EvidenceDocument.record_type == kind.subject, EvidenceDocument.record_id.in_(ids)))
    conditions.append(
        sa.and_(
            AuditEvent.record_type == "evidence_document",
            AuditEvent.record_id.in_(sa.select(EvidenceDocument.id).where(sa.or_(*documents))),
        )
    )
    # A report of one area, and an FOI answer withheld, carry the area's id (a report of every area is an admin's).
    conditions.append(
        sa.and_(AuditEvent.record_type.in_(AREA_ENTRIES), AuditEvent.record_id.in_(sorted(scope.area_ids or ())))
    )
    return sa.or_(*conditions)


def page(scope: Scope, filters: Filters, number: int = 1) -> TrailPage:
    where = condition(scope, filters)
    number = max(number, 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(where)) or 0
    statement = (
        sa.select(AuditEvent)
        .where(where)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((number - 1) * PAGE_SIZE)
    )
    return TrailPage(_entries(scope, list(db.session.scalars(statement))), total, number, PAGE_SIZE)


def csv_text(scope: Scope, filters: Filters) -> Iterator[str]:
    """The filtered trail as CSV, one row per field changed (one row for an entry that changed
    none), newest first, every cell safe to open in a spreadsheet (never a formula)."""
    from ..reports.workbook import clean_cell, inert

    def line(values) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([inert(clean_cell(str(v))) for v in values])
        return out.getvalue()

    yield line(CSV_COLUMNS)
    statement = sa.select(AuditEvent).where(condition(scope, filters)).order_by(AuditEvent.id.desc())
    batch: list[AuditEvent] = []
    for event in db.session.scalars(statement.execution_options(yield_per=500)):
        batch.append(event)
        if len(batch) == 500:
            yield from _csv_lines(scope, batch, line)
            batch = []
    yield from _csv_lines(scope, batch, line)


def _csv_lines(scope: Scope, events: list[AuditEvent], line) -> Iterator[str]:
    for entry in _entries(scope, events):
        event = entry.event
        now = f"{entry.link[0]}/{entry.link[1]}" if entry.link else ("gone" if entry.gone else "")
        head = [
            event.at.strftime("%Y-%m-%d %H:%M:%S"),
            event.actor,
            event.source,
            event.action.value,
            event.record_type,
            event.record_ref,
            now,
        ]
        for change in entry.changes or [Change("", "", "")]:
            yield line([*head, change.field, change.was, change.now])


# --- what each entry says -----------------------------------------------------------------------


def _entries(scope: Scope, events: list[AuditEvent]) -> list[Entry]:
    refs = _current_refs(events)
    personal = sees_personal_data(scope)
    out = []
    for event in events:
        kind = f.BY_SUBJECT.get(event.record_type)
        ref = refs.get((event.record_type, event.record_id))
        out.append(
            Entry(
                event,
                changes(event, personal),
                (kind.key, ref) if kind and ref else None,
                gone=kind is not None and ref is None,
            )
        )
    return out


def _current_refs(events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """(record type, id) -> the record's ref now, for the records the entries are about, in one
    query (a UNION over the record types present)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.record_id is not None and event.record_type in f.BY_SUBJECT:
            wanted[event.record_type].add(event.record_id)
    if not wanted:
        return {}
    selects = [
        sa.select(sa.literal(subject).label("subject"), model.id.label("id"), model.ref.label("ref")).where(
            model.id.in_(sorted(ids))
        )
        for subject, ids in sorted(wanted.items())
        for model in (f.BY_SUBJECT[subject].model,)
    ]
    statement = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return {(row.subject, row.id): row.ref for row in db.session.execute(statement)}


def changes(event: AuditEvent, personal: bool) -> list[Change]:
    """The top-level fields the entry changed, in the record's order, each with its value before
    and after (personal data replaced when the reader may not see it)."""
    before = redact(event.before or {}) if not personal else (event.before or {})
    after = redact(event.after or {}) if not personal else (event.after or {})
    keys = list(dict.fromkeys([*before, *after]))
    return [
        Change(key.replace("_", " "), show(before.get(key), key), show(after.get(key), key))
        for key in keys
        if before.get(key) != after.get(key)
    ]


PERSONAL_KEYS = {name for _, name in f.PERSONAL_DATA if name != "name"}  # signatory_name


def redact(value: Any, *, within_attendees: bool = False) -> Any:
    """The record with its personal data (f.PERSONAL_DATA: DSA parties' signatory names,
    panel meeting attendees' names) replaced by REDACTED."""
    if isinstance(value, dict):
        return {
            key: (
                REDACTED
                if item is not None and (key in PERSONAL_KEYS or (within_attendees and key == "name"))
                else redact(item, within_attendees=key == "attendees")
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item, within_attendees=within_attendees) for item in value]
    return value


def show(value: Any, key: str = "") -> str:
    """A stored value in words: coded values by their labels, lists and nested records spelled out."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return coded_label(key, value) or value
    if isinstance(value, dict):
        return ", ".join(f"{name.replace('_', ' ')}: {show(item, name)}" for name, item in value.items())
    if isinstance(value, list):
        return "; ".join(show(item, key) for item in value)
    return str(value)
