"""Bringing the stored findings in line with what the rules raise, in set-based statements.

New findings open (RAISED), findings the rules no longer raise close (CLOSED, remediated on the
evaluation date), findings raised again reopen (REOPENED), a changed severity is an event too. Each
step is a FindingEvent row. A national register holds some 14,000 findings; loading them as ORM
objects to compare took longer than the rules, so this reads plain rows, compares in memory, and
writes only what changed with multi-row INSERTs and UPDATEs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import Area, Finding, FindingEvent
from ..models.base import utcnow
from ..models.enums import FindingEventKind, FindingStatus, SubjectType
from ..models.finding import finding_area
from ..rules.base import RaisedFinding
from . import audit_chain, refresh_marker

CHUNK = 500


@dataclass(frozen=True)
class Refreshed:
    as_of: date
    raised: list[RaisedFinding]
    opened: int
    reopened: int
    closed: int
    # Which findings: new or reopened, and closed (their ids), for "this save closed ... and opened ...".
    opened_ids: tuple[int, ...] = ()
    closed_ids: tuple[int, ...] = ()
    # The subjects whose findings it decided (as (subject type, ref)); None: every subject.
    subjects: frozenset[tuple[SubjectType, str]] | None = None


def _stored(
    subjects: set[tuple[SubjectType, str]] | None, rules: frozenset[str] | None = None
) -> tuple[dict[tuple[str, str, str], Any], list[Any]]:
    """Stored findings (plain rows) about `subjects` (all by default) of `rules` (all by default):
    those about the record that has the subject's ref now, by key; and the others, about records
    that are gone (a record given the ref of a removed one starts with no findings: it does not
    take over the removed one's history or accepted risks)."""
    # The table's columns, not the ORM's attributes: plain rows, without the ORM's loading.
    table = Finding.__table__.c
    columns = (
        table.id,
        table.rule_code,
        table.subject_type,
        table.subject_ref,
        table.subject_id,
        table.subject_name,
        table.status,
        table.severity,
        table.message,
        table.last_raised_on,
    )
    if subjects is None:
        statement = sa.select(*columns)
        if rules is not None:
            statement = statement.where(table.rule_code.in_(sorted(rules)))
        rows = db.session.execute(statement).all()
    else:
        rows = [row for row in rows_about(sa.select(*columns), subjects) if rules is None or row.rule_code in rules]
    # (Rows read as tuples: some 15,000 findings in a national register.)
    subjects_of = [(row[2], row[3]) for row in rows]  # (subject type, subject ref)
    ids = current_ids(set(subjects_of))
    current: dict[tuple[str, str, str], Any] = {}
    gone = []
    for row, subject in zip(rows, subjects_of, strict=True):
        if row[4] == ids.get(subject):  # subject_id
            current[(row[1], subject[0]._value_, subject[1])] = row
        else:
            gone.append(row)
    return current, gone


def rows_about(statement: sa.Select, subjects: set[tuple[SubjectType, str]]) -> list[Any]:
    """The rows of `statement` (a select of finding columns that include subject_type and
    subject_ref) about `subjects`, read a chunk of refs at a time (a driver's limit on bound
    parameters)."""
    column = Finding.__table__.c.subject_ref
    refs = sorted({ref for _, ref in subjects})
    statement = statement.where(column.in_(_LISTED))
    return [
        row
        for start in range(0, len(refs), CHUNK)
        for row in db.session.execute(statement, {"listed": refs[start : start + CHUNK]})
        if (row.subject_type, row.subject_ref) in subjects
    ]


# A list of values sent as one expanding parameter: SQLAlchemy then checks the list once, not each
# of its few hundred values as a literal of its own (a fifth of storing a scoped refresh's findings).
_LISTED = sa.bindparam("listed", expanding=True)


def _subject_models() -> dict[SubjectType, Any]:
    from ..exchange import fields as f
    from ..models import PanelMeeting

    models = {SubjectType(kind.subject): kind.model for kind in f.RECORD_TYPES}
    models[SubjectType.PANEL_MEETING] = PanelMeeting
    return models


def about_gone_records(finding_ids: list[int]) -> set[int]:
    """Of these findings, those whose record is gone (purged, or a meeting its panel no longer
    holds): a record given the same ref since is another record. One query, whatever the types."""
    if not finding_ids:
        return set()
    gone = sa.or_(
        Finding.subject_id.is_(None),
        *(
            sa.and_(Finding.subject_type == subject_type, ~sa.exists().where(model.id == Finding.subject_id))
            for subject_type, model in _subject_models().items()
        ),
    )
    return set(db.session.scalars(sa.select(Finding.id).where(Finding.id.in_(finding_ids), gone)))


def current_ids(subjects: set[tuple[SubjectType, str]]) -> dict[tuple[SubjectType, str], int]:
    """The id of the record that has each (subject type, ref) now: one statement for a scoped
    refresh's few hundred subjects (a round trip per type was a sixth of storing its findings on
    PostgreSQL), a few per type for more."""
    models = _subject_models()
    refs: dict[SubjectType, list[str]] = defaultdict(list)
    for subject_type, ref in subjects:
        refs[SubjectType(subject_type)].append(ref)
    ids: dict[tuple[SubjectType, str], int] = {}
    small: dict[SubjectType, list[str]] = {}
    for subject_type, wanted in refs.items():
        table = models[subject_type].__table__.c  # plain rows, without the ORM's loading
        wanted = sorted(set(wanted))
        if len(wanted) <= CHUNK:
            small[subject_type] = wanted
            continue
        if len(wanted) > 5 * CHUNK:  # most of the table (a full refresh): read it whole
            everything = db.session.execute(sa.select(table.ref, table.id)).all()
            ids.update(((subject_type, ref), record_id) for ref, record_id in everything)
            continue
        statement = sa.select(table.ref, table.id).where(table.ref.in_(_LISTED))
        for start in range(0, len(wanted), CHUNK):
            rows = db.session.execute(statement, {"listed": wanted[start : start + CHUNK]})
            ids.update(((subject_type, ref), record_id) for ref, record_id in rows)
    if small:
        kinds = sorted(small, key=lambda kind: kind.value)
        statement = _ids_of(tuple(kinds))
        params = {f"refs_{number}": small[kind] for number, kind in enumerate(kinds)}
        ids.update(
            ((kinds[number], ref), record_id) for number, ref, record_id in db.session.execute(statement, params)
        )
    return ids


@cache
def _ids_of(kinds: tuple[SubjectType, ...]) -> sa.CompoundSelect:
    """(position in `kinds`, ref, id) of the records of each kind whose refs are in `refs_N`."""
    models = _subject_models()
    return sa.union_all(
        *(
            sa.select(sa.literal(number).label("kind"), table.ref, table.id).where(
                table.ref.in_(sa.bindparam(f"refs_{number}", expanding=True))
            )
            for number, table in enumerate(models[kind].__table__.c for kind in kinds)
        )
    )


def statuses(keys) -> dict[tuple[str, str, str], FindingStatus]:
    """The stored status of each key that has a stored finding (about the record with that ref now)."""
    wanted = set(keys)
    return {key: row.status for key, row in _stored(None)[0].items() if key in wanted}


def _stored_areas(finding_ids: list[int]) -> dict[int, list[int]]:
    areas: dict[int, list[int]] = defaultdict(list)
    statement = sa.select(finding_area.c.finding_id, finding_area.c.area_id)
    if len(finding_ids) > 5 * CHUNK:  # most of the table: read it whole
        rows = db.session.execute(statement).all()
    else:
        rows = []
        statement = statement.where(finding_area.c.finding_id.in_(_LISTED))
        for start in range(0, len(finding_ids), CHUNK):
            rows.extend(db.session.execute(statement, {"listed": finding_ids[start : start + CHUNK]}).all())
    for finding_id, area_id in rows:
        areas[finding_id].append(area_id)
    return areas


class _Changes:
    """The rows to write, gathered while comparing."""

    def __init__(self, actor: str, as_of: date) -> None:
        self.actor, self.as_of = actor, as_of
        self.events: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []

    def event(self, finding_id, kind, severity, status, note=None) -> None:
        self.events.append(
            {
                "finding_id": finding_id,
                "at": utcnow(),
                "on": self.as_of,
                "kind": kind,
                "severity": severity,
                "status": status,
                "actor": self.actor,
                "note": note,
            }
        )


def store(
    raised: list[RaisedFinding],
    *,
    as_of: date,
    actor: str,
    subjects: set[tuple[SubjectType, str]] | None = None,
    rules: frozenset[str] | None = None,
) -> Refreshed:
    """Store `raised` as the outcome for every subject in `subjects` (all subjects by default) of
    `rules` (all rules by default), and say how current the stored findings now are (refresh_marker)."""
    # Before reading or changing any finding: a save holding the lock (its audit entries) and then
    # updating findings never waits on us while we wait on it for the lock (a deadlock).
    audit_chain.lock()
    stored, gone = _stored(subjects, rules)
    area_ids = dict(db.session.execute(sa.select(Area.ref, Area.id)).all())
    changes = _Changes(actor, as_of)
    keyed = [(item.key, item) for item in raised]
    new = [item for key, item in keyed if key not in stored]
    reopened = _compare([(item, stored[key]) for key, item in keyed if key in stored], area_ids, changes)
    raised_keys = {key for key, _ in keyed}
    closed = _close([row for key, row in stored.items() if key not in raised_keys] + gone, changes)
    new_ids = _insert_new(new, area_ids, changes)
    _write(changes)
    # ORM objects of findings loaded earlier in this session must not show the old state.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Finding | FindingEvent):
            db.session.expire(obj)
    if subjects is None and rules is None:
        refresh_marker.mark(as_of)
    elif subjects is not None:
        refresh_marker.after_scoped(as_of)
    decided = None if subjects is None else frozenset(subjects)
    return Refreshed(as_of, raised, len(new), len(reopened), len(closed), (*new_ids, *reopened), tuple(closed), decided)


def _compare(existing, area_ids, changes: _Changes) -> list[int]:
    """Updates and events for raised findings already stored (`existing`: (raised, stored row)
    pairs); returns the ids of those reopened."""
    reopened: list[int] = []
    stored_areas = _stored_areas([row[0] for _, row in existing])  # (ids)
    area_links: list[tuple[int, list[int]]] = []
    remediated, as_of = FindingStatus.REMEDIATED, changes.as_of  # (read once: 15,000 findings)
    # (Each stored row unpacked once, in `_stored`'s column order: a Row's attribute reads were
    # most of this loop over 15,000 findings.)
    for item, (finding_id, _, _, _, _, subject_name, status, severity, message, last_raised_on) in existing:
        update: dict[str, Any] = {}
        if status == remediated:
            update |= {"status": FindingStatus.OPEN, "remediated_on": None}
            changes.event(finding_id, FindingEventKind.REOPENED, item.severity, FindingStatus.OPEN)
            reopened.append(finding_id)
        elif severity != item.severity:
            note = f"{severity.value} to {item.severity.value}"
            changes.event(finding_id, FindingEventKind.SEVERITY_CHANGED, item.severity, status, note)
        if severity != item.severity:
            update["severity"] = item.severity
        if subject_name != item.subject_name or message != item.message:
            update |= {"subject_name": item.subject_name, "message": item.message}
        if last_raised_on != as_of:
            update["last_raised_on"] = as_of
        if update:
            changes.updates.append({"id": finding_id, **update})
        wanted = [area_ids[ref] for ref in item.areas if ref in area_ids]
        if sorted(stored_areas.get(finding_id, ())) != sorted(wanted):
            area_links.append((finding_id, wanted))
    if area_links:
        ids = [finding_id for finding_id, _ in area_links]
        for start in range(0, len(ids), CHUNK):
            db.session.execute(finding_area.delete().where(finding_area.c.finding_id.in_(ids[start : start + CHUNK])))
        _insert_links(area_links)
    return reopened


def _close(rows, changes: _Changes) -> list[int]:
    """Close `rows` (findings no longer raised, or about records that are gone) not closed yet;
    returns their ids."""
    closed: list[int] = []
    for row in rows:
        if row.status == FindingStatus.REMEDIATED:
            continue
        changes.updates.append({"id": row.id, "status": FindingStatus.REMEDIATED, "remediated_on": changes.as_of})
        changes.event(
            row.id,
            FindingEventKind.CLOSED,
            row.severity,
            FindingStatus.REMEDIATED,
            "The rules no longer raise this finding.",
        )
        closed.append(row.id)
    return closed


def _insert_new(new: list[RaisedFinding], area_ids: dict[str, int], changes: _Changes) -> list[int]:
    if not new:
        return []
    ids = current_ids({(item.subject_type, item.subject_ref) for item in new})
    rows = [
        {
            "rule_code": item.rule,
            "subject_type": item.subject_type,
            "subject_ref": item.subject_ref,
            "subject_id": ids.get((item.subject_type, item.subject_ref)),
            "subject_name": item.subject_name,
            "severity": item.severity,
            "message": item.message,
            "status": FindingStatus.OPEN,
            "first_raised_on": changes.as_of,
            "last_raised_on": changes.as_of,
            "updated_at": utcnow(),
        }
        for item in new
    ]
    statement = Finding.__table__.insert().returning(Finding.__table__.c.id, sort_by_parameter_order=True)
    ids = list(db.session.scalars(statement, rows))
    for finding_id, item in zip(ids, new, strict=True):
        changes.event(finding_id, FindingEventKind.RAISED, item.severity, FindingStatus.OPEN)
    _insert_links(
        [
            (finding_id, [area_ids[r] for r in item.areas if r in area_ids])
            for finding_id, item in zip(ids, new, strict=True)
        ]
    )
    return ids


def _insert_links(links: list[tuple[int, list[int]]]) -> None:
    rows = [
        {"finding_id": finding_id, "area_id": area_id}
        for finding_id, areas in links
        for area_id in dict.fromkeys(areas)
    ]
    if rows:
        db.session.execute(finding_area.insert(), rows)


def _write(changes: _Changes) -> None:
    """UPDATEs grouped by the columns they set (one executemany each), then the events."""
    table = Finding.__table__
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for update in changes.updates:
        by_columns[tuple(sorted(update))].append(update)
    now = utcnow()
    for columns, rows in by_columns.items():
        values = {column: sa.bindparam(f"new_{column}") for column in columns if column != "id"}
        statement = (
            table.update()
            .where(table.c.id == sa.bindparam("finding_id"))
            .values(updated_at=now, record_version=table.c.record_version + 1, **values)
        )
        db.session.execute(
            statement,
            [{"finding_id": row["id"], **{f"new_{k}": v for k, v in row.items() if k != "id"}} for row in rows],
        )
    audit_chain.append(FindingEvent.__table__, changes.events)
