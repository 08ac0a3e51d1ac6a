"""What a page costs to work out, kept in this process until the register changes.

The national dashboard groups some fifteen thousand findings, and an area's map runs Graphviz: tens
of milliseconds a request for the same answer until something is written. Every change to a finding
is a FindingEvent and every change to a record an AuditEvent (both append-only and hash-chained, so
their newest entries say it all), and what is overdue moves with the date: `version()` is those three, two indexed
lookups. A value is kept under its name, the caller's key (the user's scope, an area) and that
version, so the first request after any write works it out afresh.

The values live on the Flask app (one store per app, so a test's app never sees another's) and at
most MAX_KEPT of them, the least recently used going first. Each gunicorn worker keeps its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import AuditEvent, FindingEvent

T = TypeVar("T")
MAX_KEPT = 256


class _Store:
    def __init__(self) -> None:
        self.values: OrderedDict[tuple, object] = OrderedDict()
        self.lock = threading.Lock()


def version() -> tuple:
    """Changes whenever anything a page shows can: a finding's change, a record's change, the date.
    Both logs are hash-chained, so the newest entry's id and hash name the whole history: an id
    alone can come back with other contents (a register restored from a backup while the server
    runs, then changed differently) and would serve what was kept for the other history."""
    newest_event = db.session.execute(
        sa.select(FindingEvent.id, FindingEvent.entry_hash).order_by(FindingEvent.id.desc()).limit(1)
    ).first()
    newest_change = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (date.today(), tuple(newest_event or ()), tuple(newest_change or ()))


def _store() -> _Store:
    return current_app.extensions.setdefault("page_cache", _Store())


def kept(name: str, key: Hashable, build: Callable[[], T], at: tuple | None = None) -> T:
    """`build()`, or what it gave for this name and key at this version of the register (`at`: the
    version the caller already read, else it is read now)."""
    store = _store()
    full_key = (name, key, at if at is not None else version())
    with store.lock:
        if full_key in store.values:
            store.values.move_to_end(full_key)
            return store.values[full_key]  # type: ignore[return-value]
    value = build()
    with store.lock:
        store.values[full_key] = value
        while len(store.values) > MAX_KEPT:
            store.values.popitem(last=False)
    return value
