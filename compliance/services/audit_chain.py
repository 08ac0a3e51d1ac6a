"""The audit trail's hash chains: one over `audit_event`, one over `finding_event`.

Each entry stores `prev_hash`, the `entry_hash` of the entry before it in its table (64 zeros for
the first), and `entry_hash` = SHA-256 of `prev_hash` followed by the entry's canonical content: a
JSON object of every column except these two (its id included, so an entry cannot move), with
sorted keys, no whitespace, dates and times in ISO 8601 (times in UTC, with microseconds and a Z).
An entry changed, deleted, inserted or moved in the database breaks the chain at that point, and
`verify` names the first entry that does not match. Someone able to rewrite every later entry
could rebuild the chain: the head hash printed on each PDF report is the anchor against that.

Order is the table's id. Writers take the chain lock, read the head, reserve ids and hash the new
entries before inserting them, all in the transaction of the change: on PostgreSQL the lock is a
transaction-scoped advisory lock (held to commit, so two writers never chain onto the same head);
on SQLite a no-op write takes the database's single write lock, which is also held to commit.

Why one chain per table rather than one over both: each table's order is its own primary key, so
neither table needs a shared sequence column nor verification a merge of the two, and a finding's
history and the record trail can be checked (and printed) separately. Both chains share one lock,
so a transaction that writes to both can never deadlock against another taking them the other way.

Adding a column to either table changes every entry's canonical content: the migration that adds
it must rebuild that chain (as migration 0007 builds it for entries written before it).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEvent, FindingEvent
from ..models.base import utcnow

GENESIS = "0" * 64
HASH_COLUMNS = ("prev_hash", "entry_hash")
# Any constant both chains agree on: pg_advisory_xact_lock takes a bigint.
LOCK_KEY = 7_400_310_011
TABLES: tuple[sa.Table, ...] = (AuditEvent.__table__, FindingEvent.__table__)
LABELS = {"audit_event": "audit entry", "finding_event": "finding event"}
PLURALS = {"audit_event": "audit entries", "finding_event": "finding events"}


# --- the hash -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite gives back naive times; they were written in UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def canonical(content: Mapping[str, Any]) -> str:
    """The deterministic JSON of an entry's content (a mapping of column name to value)."""
    plain = {name: _plain(value) for name, value in content.items()}
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def link(prev_hash: str, content: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


def content_columns(table: sa.Table) -> list[str]:
    return [column.name for column in table.columns if column.name not in HASH_COLUMNS]


# --- writing ------------------------------------------------------------------------------------


def lock() -> None:
    """Take the chain lock now, for a transaction about to change rows other writers of the chain
    also change (findings): taken first, it cannot close a cycle of waits with them."""
    _lock(db.session.connection())


def _lock(connection: sa.Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    else:
        # A write statement (matching nothing) makes this transaction SQLite's one writer until commit.
        connection.execute(sa.text("UPDATE audit_event SET id = id WHERE 0"))


def _head(connection: sa.Connection, table: sa.Table) -> tuple[int, str]:
    row = connection.execute(sa.select(table.c.id, table.c.entry_hash).order_by(table.c.id.desc()).limit(1)).first()
    return (row.id, row.entry_hash) if row else (0, GENESIS)


def _reserve_ids(connection: sa.Connection, table: sa.Table, last_id: int, count: int) -> list[int]:
    """Ids for `count` new entries, after every id in the table (the chain's order is the id's)."""
    if connection.dialect.name != "postgresql":
        return list(range(last_id + 1, last_id + 1 + count))
    statement = sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)")
    return sorted(connection.scalars(statement, {"table": table.name, "count": count}))


def chain_rows(connection: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` (new entries, column name -> value) with their id, time and hashes set, in order,
    chained onto the head of `table`'s chain. Takes the chain lock: call it in the transaction that
    inserts them, and insert them before it ends."""
    rows = list(rows)
    if not rows:
        return []
    _lock(connection)
    last_id, head = _head(connection, table)
    ids = _reserve_ids(connection, table, last_id, len(rows))
    columns = content_columns(table)
    now = utcnow()
    chained = []
    for new_id, row in zip(ids, rows, strict=True):
        content = {name: row.get(name) for name in columns}
        content["id"] = new_id
        if content.get("at") is None:
            content["at"] = now
        elif isinstance(content["at"], datetime) and content["at"].tzinfo is not None:
            content["at"] = content["at"].astimezone(UTC)
        entry_hash = link(head, content)
        chained.append({**content, "prev_hash": head, "entry_hash": entry_hash})
        head = entry_hash
    return chained


def append(table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
    """Insert new entries of `table` at the end of its chain, in multi-row INSERTs."""
    connection = db.session.connection()
    chained = chain_rows(connection, table, rows)
    if chained:
        _note_first(db.session(), table, chained)
        db.session.execute(table.insert(), chained)


# The id of the first audit entry this transaction writes, in the session's info until it ends:
# what the stored findings accounted for before it is what came before that (refresh_marker.py).
FIRST_AUDIT_ID = "first_audit_id"


def _note_first(session: Session, table: sa.Table, chained: list[dict[str, Any]]) -> None:
    if table is AuditEvent.__table__:
        session.info.setdefault(FIRST_AUDIT_ID, chained[0]["id"])


def first_written(session: Session) -> int | None:
    """The id of the first audit entry the session's transaction has written (None: none yet)."""
    return session.info.get(FIRST_AUDIT_ID)


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_first(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(FIRST_AUDIT_ID, None)


@sa.event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, flush_context, instances) -> None:
    """Entries added as ORM objects (one save's few) are chained as the flush writes them."""
    pending = sorted(
        (obj for obj in session.new if isinstance(obj, AuditEvent | FindingEvent)),
        key=lambda obj: sa.inspect(obj).insert_order,
    )
    if not pending:
        return
    connection = session.connection()
    for model in (AuditEvent, FindingEvent):
        objects = [obj for obj in pending if isinstance(obj, model)]
        if not objects:
            continue
        mapper = sa.inspect(model)
        if model is FindingEvent:
            for obj in objects:
                if obj.finding_id is None and obj.finding is not None:
                    if obj.finding.id is None:
                        raise ValueError("a new finding's events are written by finding_store, not the ORM")
                    obj.finding_id = obj.finding.id
        keys = {column.name: mapper.get_property_by_column(column).key for column in mapper.local_table.columns}
        rows = [{name: getattr(obj, key) for name, key in keys.items()} for obj in objects]
        chained = chain_rows(connection, mapper.local_table, rows)
        _note_first(session, mapper.local_table, chained)
        for obj, row in zip(objects, chained, strict=True):
            for name, value in row.items():
                setattr(obj, keys[name], value)


# --- checking -----------------------------------------------------------------------------------


@dataclass
class Verification:
    checked: dict[str, int] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    at: datetime = field(default_factory=utcnow)
    # Per table: the last id checked, how many were, and its hash (where a later check can go on from).
    last: dict[str, tuple[int | None, int, str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None


def heads() -> dict[str, str]:
    """Each chain's head hash now (64 zeros for an empty chain)."""
    connection = db.session.connection()
    return {table.name: _head(connection, table)[1] for table in TABLES}


def verify(
    expected: set[str] = frozenset(), batch: int = 5000, after: Mapping[str, tuple[int | None, int, str]] | None = None
) -> Verification:
    """Walk both chains in id order, recomputing every hash; stop at the first entry that does not
    match. Each hash in `expected` (heads printed on earlier reports) must be found on the way: one
    that is not means entries at the end of a chain were removed, or the chain rebuilt. `after`
    (table -> last id, count and hash of an earlier check) checks only the entries written since."""
    result = Verification()
    missing = set(expected)
    for table in TABLES:
        columns = content_columns(table)
        statement = sa.select(table).order_by(table.c.id)
        last_id, checked, previous = None, 0, GENESIS
        if after and table.name in after:
            last_id, checked, previous = after[table.name]
            if last_id is not None:  # (None: the table was empty then)
                statement = statement.where(table.c.id > last_id)
        rows = db.session.execute(statement.execution_options(yield_per=batch))
        for row in rows:
            values = row._mapping
            label = f"{LABELS[table.name]} {values['id']} ({table.name})"
            if values["prev_hash"] != previous:
                what = "the first entry" if previous == GENESIS else f"the {LABELS[table.name]} before it"
                result.problem = (
                    f"{label} does not follow {what}: an entry was deleted, inserted or moved at this point"
                )
                break
            if link(values["prev_hash"], {name: values[name] for name in columns}) != values["entry_hash"]:
                result.problem = f"{label}: its content does not match its hash (it was changed after it was written)"
                break
            previous, last_id = values["entry_hash"], values["id"]
            missing.discard(previous)
            checked += 1
        rows.close()
        result.checked[table.name] = checked
        result.heads[table.name] = previous
        result.last[table.name] = (last_id, checked, previous)
        if result.problem:
            return result
    missing.discard(GENESIS)
    if missing:
        result.problem = f"no entry has the head hash {sorted(missing)[0]}: entries after it were removed or rewritten"
    return result


_recent: dict[str, tuple[float, Verification]] = {}


def status(max_age: float = 300, fresh: bool = False) -> Verification:
    """For the audit log page: a national trail takes seconds to check, too long for every view. A
    full check at most `max_age` seconds old, extended over the entries written since; a full check
    again when it is older (or `fresh`)."""
    key = str(db.engine.url)
    cached = _recent.get(key)
    if fresh or not cached or time.monotonic() - cached[0] >= max_age or not cached[1].ok:
        result = verify()
        _recent[key] = (time.monotonic(), result)
        return result
    result = verify(after=cached[1].last)
    result.at = cached[1].at  # when the older entries were last checked
    _recent[key] = (cached[0], result)
    return result
