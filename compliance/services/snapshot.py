"""A read-only snapshot of the register for the rules: plain Python objects built from table rows.

The ORM costs about 30 microseconds per object it loads and tracks; a national register is some
320,000 rows (flows, lawful bases, meetings, attendees, confidentiality records...), so loading it
through the ORM took longer than evaluating every rule. The rules only read attributes, so here each
row becomes a plain object of a class that mirrors its model: the same attribute names, links set
to the linked objects, lists in the ORM's order, and the model's own properties and methods
(`DataFlow.is_live`, `Dpia.is_completed`...). Nothing here is attached to a session, so nothing
can be written back by accident.
"""

from __future__ import annotations

import gc
import inspect
import json
import keyword
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from functools import cache, lru_cache
from operator import attrgetter
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Area,
    ConfidentialityRecord,
    DataFlow,
    Dsa,
    DsaParty,
    LawfulBasis,
    MeetingAttendee,
    Panel,
    PanelMeeting,
)
from .register import LOAD_OPTIONS

CHUNK = 500
_by_ref = attrgetter("ref")


class Record:
    """A snapshot row: attributes only, compared by identity like the ORM's objects."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'ref', getattr(self, 'id', '?'))}>"


class _Kept:
    """A property computed once per object and kept in its __dict__ (which then answers every later
    read, as this is not a data descriptor): functools.cached_property without its lock, which
    on Python 3.11 cost more than the properties themselves (one snapshot is one thread's)."""

    def __init__(self, compute: Callable[[Any], Any], name: str) -> None:
        self.compute, self.name = compute, name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self.compute(obj)
        setattr(obj, self.name, value)  # (not through __dict__: see `_maker`)
        return value


@cache
def mirror(model: type) -> type:
    """A plain class with `model`'s properties and public methods."""
    members: dict[str, Any] = {}
    for name, value in vars(model).items():
        if isinstance(value, property):
            # A snapshot never changes, so what a property derives can be kept (`flow.categories`
            # is read by a dozen rules for each of 30,000 flows).
            members[name] = _Kept(value.fget, name)
        elif inspect.isfunction(value) and not name.startswith("_"):
            members[name] = value
    return type(model.__name__, (Record,), members)


# Nested records, parents before children: (parent model, collection, sort key within the parent).
CHILDREN: tuple[tuple[type, str, Callable[[Any], Any]], ...] = (
    (Area, "designations", lambda d: (d.financial_year, d.kind)),
    (DataFlow, "lawful_bases", lambda b: b.position),
    (Dsa, "parties", lambda p: p.position),
    (Dsa, "redactions", lambda r: r.position),
    (Panel, "meetings", lambda m: (m.held_on, m.ref)),
    (PanelMeeting, "attendees", lambda a: a.position),
    (MeetingAttendee, "confidentiality", lambda c: c.id),
)


# Snapshots made while the collector is paused, emptied when the thread's outermost pause ends.
class _Paused(threading.local):
    """This thread's pauses (a web server's other threads make snapshots of their own, for
    reports, that must not be emptied when this thread's pause ends)."""

    depth = 0

    def __init__(self) -> None:
        self.made: list[Snapshot] = []


_paused = _Paused()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a snapshot is made and the rules run over it. It runs
    after every 700 new objects and, as they survive, walks all the older ones again: for the
    300,000 objects of a national register (and the findings raised over them) that walking cost
    more than making them. Nothing made here is garbage until the work is done.

    A snapshot's records point at one another both ways (a flow at its lawful bases, each basis
    at its flow), so only the collector could free them, walking all of them once more (a sixth
    of a full recomputation). So every snapshot made inside is emptied when the outermost pause
    ends (Snapshot.release) and freed at once: what is computed inside must not keep its records
    (findings raised over them keep refs and names, not records)."""
    enabled = gc.isenabled()
    gc.disable()
    _paused.depth += 1
    try:
        yield
    finally:
        _paused.depth -= 1
        if not _paused.depth:
            while _paused.made:
                _paused.made.pop().release()
        if enabled:
            gc.enable()


class Snapshot:
    """Records by list name (as `register.load()` gives them) and by model and id."""

    def __init__(self) -> None:
        self.records: dict[str, list[Any]] = {}
        self.by_id: dict[type, dict[int, Any]] = {}
        # (model, link) pairs set as the records were made (`_load`'s `inline`), not by `_link`.
        self.linked: set[tuple[type, str]] = set()
        if _paused.depth:
            _paused.made.append(self)

    def release(self) -> None:
        """Empty every record (its attributes and links), so that the records, no longer pointing
        at one another, are freed as soon as nothing else holds them."""
        for objects in self.by_id.values():
            for obj in objects.values():
                obj.__dict__.clear()
        self.records.clear()
        self.by_id.clear()
        self.linked.clear()


def load(
    ids: Mapping[str, Iterable[int]] | None = None,
    *,
    personal: bool = False,
    refs_only: Mapping[str, Iterable[int]] | None = None,
    without: frozenset[str] = frozenset(),
    rules_only: bool = False,
) -> Snapshot:
    """Every record, or for each list named in `ids` the records with those ids, with the records
    they contain, linked to one another. The records a loaded record points at must be loaded too
    (the caller passes a closed set); a missing one raises KeyError rather than answer wrongly.
    `personal`: also the people's names (for an export or a report that shows them, never the rules).
    `refs_only`: records (by list name and id) that loaded records may point at, made with their
    id and ref alone: not in `records`, without their children or links (a scoped refresh reads
    only the refs of the areas around its own). `without`: collections of CHILDREN not loaded
    (their attribute is then absent, so a rule reading one fails rather than answers wrongly).
    `rules_only`: without the columns no rule reads (UNREAD_BY_RULES), for an evaluation alone."""
    full = ids is None
    # A whole register's records are linked to the records loaded before them as they are made.
    inline = full and not refs_only
    snap = Snapshot()
    for key, (model, _) in LOAD_OPTIONS.items():
        wanted = None if full else sorted(set(ids.get(key, ())))
        made = _load(snap, model, model.__table__.c.id, wanted, personal, inline=inline, lean=rules_only)
        snap.records[key] = sorted(made, key=_by_ref)
    for parent_model, collection, order in CHILDREN:
        if collection not in without:
            _load_children(
                snap, parent_model, collection, order, full=full, personal=personal, inline=inline, lean=rules_only
            )
    loaded = dict(snap.by_id)
    if refs_only:
        _load_refs(snap, refs_only)
    for model, objects in loaded.items():
        _link(snap, model, objects, full=full)
    return snap


def _load_refs(snap: Snapshot, refs_only: Mapping[str, Iterable[int]]) -> None:
    for key, wanted in refs_only.items():
        model = LOAD_OPTIONS[key][0]
        table = model.__table__
        cls = mirror(model)
        made = {}
        for record_id, ref in _rows((table.c.id, table.c.ref), table.c.id, sorted(set(wanted))):
            obj = object.__new__(cls)
            obj.__dict__ = {"id": record_id, "ref": ref}
            made[record_id] = obj
        snap.by_id[model] = {**made, **snap.by_id.get(model, {})}


# Columns the rules never read: bookkeeping (costly to parse on SQLite), and people's names, which
# no finding, report or FOI draft built from a snapshot may contain.
SKIPPED = frozenset({"created_at", "updated_at"})
PERSONAL = {MeetingAttendee: frozenset({"name"}), DsaParty: frozenset({"signatory_name"})}
# Columns of the largest tables that no rule (nor the engine's subject names and areas) reads,
# left out of a snapshot made for the rules alone (`load(rules_only=True)`: some 200,000 values
# fewer in a national register). A rule that comes to read one fails (AttributeError) until it is
# taken out of this list.
UNREAD_BY_RULES = {
    DataFlow: frozenset(
        {
            "programme",
            "ended_on",
            "large_scale",
            "retention_review_points",
            "retention_disposal",
            "record_version",
            "archived_on",
            "archived_reason",
            "archived_by",
        }
    ),
    LawfulBasis: frozenset({"domestic_law"}),
    PanelMeeting: frozenset({"minutes_ref", "record_version"}),
    MeetingAttendee: frozenset({"membership"}),
    ConfidentialityRecord: frozenset({"signed_on"}),
}


@cache
def _columns(
    model: type, personal: bool = False, lean: bool = False
) -> tuple[tuple[str, ...], tuple[Any, ...], tuple[tuple[int, Callable], ...]]:
    """The attribute names and selected columns of a model's snapshot, and the conversions this
    module makes itself: enums and dates are read as text and converted with a dict lookup and
    `date.fromisoformat` (SQLAlchemy's own conversion was a third of a national load on SQLite)."""
    skipped = SKIPPED if personal else SKIPPED | PERSONAL.get(model, frozenset())
    if lean:
        skipped |= UNREAD_BY_RULES.get(model, frozenset())
    attrs = [attr for attr in sa.inspect(model).column_attrs if attr.key not in skipped]
    selected, conversions = [], []
    for index, attr in enumerate(attrs):
        column = attr.columns[0]
        if isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
            members = _Members({member.value: member for member in column.type.enum_class})
            selected.append(sa.type_coerce(column, sa.String))
            conversions.append((index, members))
        elif isinstance(column.type, sa.Date):
            selected.append(sa.type_coerce(column, sa.String))
            conversions.append((index, _to_date))
        elif isinstance(column.type, sa.JSON):
            selected.append(sa.type_coerce(column, sa.String))
            conversions.append((index, _from_json))
        else:
            selected.append(column)
    return tuple(attr.key for attr in attrs), tuple(selected), tuple(conversions)


def _to_date(value: Any) -> date | None:
    # SQLite hands dates back as text, PostgreSQL (psycopg) as dates.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _from_json(text: str) -> Any:
    """A JSON column's value from its text (SQLite; psycopg parses JSON itself). 30,000 flows
    carry a few dozen distinct lists of categories: each distinct text is parsed once, and each
    record gets its own copy of a flat list or mapping (nothing is shared between records)."""
    value, flat = _parsed(text)
    if not flat:
        return json.loads(text)
    return value.copy() if isinstance(value, list | dict) else value


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Any, bool]:
    value = json.loads(text)
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return value, not any(isinstance(item, list | dict) for item in items)


def _rows(columns: tuple[Any, ...], column: sa.Column, wanted: list[int] | None) -> list[Any]:
    """The rows of `columns`: all, or those whose `column` is in `wanted` (a few chunks of CHUNK
    ids, each sent as one expanding parameter of a statement built once: `_selecting`)."""
    if wanted is None:
        return _driver_rows(sa.select(*columns))
    statement = _selecting(columns, column)
    rows: list[Any] = []
    for start in range(0, len(wanted), CHUNK):
        rows.extend(db.session.execute(statement, {"wanted": wanted[start : start + CHUNK]}).all())
    return rows


@cache
def _selecting(columns: tuple[Any, ...], column: sa.Column) -> sa.Select:
    """The statement selecting `columns` where `column` is in the list `wanted`: built once, not
    at each of a scoped refresh's two dozen loads (building them was a third of its loading)."""
    return sa.select(*columns).where(column.in_(sa.bindparam("wanted", expanding=True)))


def _driver_rows(statement: sa.Select) -> list[tuple]:
    """Every row of `statement` (no parameters) as the driver's own tuples: SQLAlchemy's Row
    objects and its per-row processing were a fifth of a national load (400,000 rows). What its
    processing did (SQLite's 0/1 as booleans) is done by `_maker(..., raw=True)`."""
    session = db.session
    if session.autoflush:  # as session.execute does before it reads
        session.flush()
    connection = session.connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(statement.compile(dialect=connection.dialect)))
        return cursor.fetchall()
    finally:
        cursor.close()


@cache
def _maker(
    model: type,
    dates_as_text: bool,
    personal: bool = False,
    raw: bool = False,
    links: tuple[str, ...] = (),
    lean: bool = False,
) -> Callable[..., Callable[[Any], Any]]:
    """A function making one snapshot object from one row of `_columns(model)`, its conversions
    written out (as `collections.namedtuple` and `dataclasses` write their methods): a national
    register is some 300,000 rows, and a loop over each row's columns cost more than the query.
    `dates_as_text`: the driver gives dates and JSON as text (SQLite), else as dates and parsed
    values (psycopg). `raw`: rows straight from the driver (`_driver_rows`), so each column's own
    result processing (SQLAlchemy's, e.g. SQLite's 0/1 to booleans) is done here too. `links`:
    many-to-one links (`_inline_links`) set from their foreign key as each record is made. Returns
    a function of the links' targets (records by id, in the order of `links`) that returns the
    function making one record. Attributes are set one by one, always in the same order, so
    the records of a class share their attribute names (CPython's key-sharing dictionaries: a
    third less memory to fill and free than a dictionary of their own each)."""
    names, columns, conversions = _columns(model, personal, lean)
    env: dict[str, Any] = {"new": object.__new__, "cls": mirror(model)}
    dialect = db.session.get_bind().dialect
    values = []
    sources = {_link_source(model, link): (link, number) for number, link in enumerate(links)}
    # For the rules alone, a foreign key whose link is set here is not kept beside it (no rule
    # reads one): a flow keeps 24 attributes, not 30, so with the 4 its properties keep during the
    # rules it stays within CPython's 30 shared names (past them each flow's dictionary is copied
    # into one of its own). The keys that file children under their parents are kept.
    dropped = set(sources) - _filing_keys(model) if lean else set()
    for index, name in enumerate(names):
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"{model.__name__}.{name}: not a name a snapshot record can have")
        if name in dropped:
            link, number = sources[name]
            values.append(f"{link} = None if v{index} is None else targets{number}[v{index}]")
            continue
        convert = dict(conversions).get(index)
        if convert is _to_date:
            convert = date.fromisoformat if dates_as_text else None
        elif convert is _from_json:
            convert = _from_json if dates_as_text else None
        processor = columns[index].type.dialect_impl(dialect).result_processor(dialect, None) if raw else None
        if processor is not None:
            if convert is not None:
                raise TypeError(f"{model.__name__}.{name}: a converted column with its own result processing")
            convert = processor
        if convert is None:
            values.append(f"{name} = v{index}")
        elif isinstance(convert, _Members):  # (a lookup, not a call: 400,000 enum values)
            env[f"convert{index}"] = convert
            values.append(f"{name} = convert{index}[v{index}]")
        else:
            env[f"convert{index}"] = convert
            values.append(f"{name} = None if v{index} is None else convert{index}(v{index})")
        if name in sources:
            link, number = sources[name]
            values.append(f"{link} = None if v{index} is None else targets{number}[v{index}]")
    unpack = ", ".join(f"v{index}" for index in range(len(names)))
    targets = "".join(f"targets{number}, " for number in range(len(links)))
    source = (
        f"def maker({targets}):\n"
        f"  def make(row):\n    {unpack}, = row\n    obj = new(cls)\n"
        + "".join(f"    obj.{value}\n" for value in values)
        + "    return obj\n"
        "  return make\n"
    )
    exec(source, env)  # noqa: S102 (source built above from the model's own column names)
    return env["maker"]


def _filing_keys(model: type) -> set[str]:
    """The foreign keys by which `_load_children` files records of `model` under their parents."""
    keys = set()
    for parent_model, collection, _ in CHILDREN:
        relationship = sa.inspect(parent_model).relationships[collection]
        if relationship.mapper.class_ is model:
            [(_, foreign_key)] = relationship.synchronize_pairs
            keys.add(foreign_key.key)
    return keys


class _Members(dict):
    """An enum's members by value; None (and, as `dict.get` answered before, an unknown value)
    gives None."""

    def __missing__(self, value: Any) -> None:
        return None


def _link_source(model: type, link: str) -> str:
    """The attribute name of the foreign key a many-to-one link follows."""
    mapper = sa.inspect(model)
    [column] = mapper.relationships[link].local_columns
    return mapper.get_property_by_column(column).key


def _inline_links(snap: Snapshot, model: type) -> tuple[tuple[str, type], ...]:
    """The many-to-one links of `model` to the records of another model loaded already."""
    return tuple(
        (relationship.key, relationship.mapper.class_)
        for relationship in sa.inspect(model).relationships
        if relationship.secondary is None
        and relationship.direction is sa.orm.MANYTOONE
        and relationship.mapper.class_ is not model
        and relationship.mapper.class_ in snap.by_id
    )


def _load(
    snap: Snapshot,
    model: type,
    column: sa.Column,
    wanted: list[int] | None,
    personal: bool = False,
    *,
    inline: bool = False,
    lean: bool = False,
) -> list[Any]:
    """Objects for the rows of `model`'s table (all, or where `column` is in `wanted`), their
    column attributes (foreign keys included) under their mapped names. `inline`: each link to
    records loaded already is set as the object is made (a whole register: 600,000 links)."""
    _, columns, _ = _columns(model, personal, lean)
    links = tuple(link for link, _ in _inline_links(snap, model)) if inline else ()
    maker = _maker(model, db.session.get_bind().dialect.name == "sqlite", personal, wanted is None, links, lean)
    relationships = sa.inspect(model).relationships
    make = maker(*(snap.by_id[relationships[link].mapper.class_] for link in links))
    snap.linked.update((model, link) for link in links)
    made = [make(row) for row in _rows(columns, column, wanted)]
    snap.by_id.setdefault(model, {}).update({obj.id: obj for obj in made})
    return made


def _load_children(
    snap: Snapshot,
    parent_model: type,
    collection: str,
    order,
    *,
    full: bool,
    personal: bool = False,
    inline: bool = False,
    lean: bool = False,
) -> None:
    relationship = sa.inspect(parent_model).relationships[collection]
    parents = snap.by_id.get(parent_model, {})
    # (Attributes set and read as attributes, not through `__dict__`, which would give each record
    # a dictionary of its own: see `_maker`.)
    lists: dict[int, list[Any]] = {}
    if relationship.uselist:
        for parent_id, parent in parents.items():
            setattr(parent, collection, lists.setdefault(parent_id, []))
    [(_, foreign_key)] = relationship.synchronize_pairs
    child = relationship.mapper.class_
    snap.by_id.setdefault(child, {})
    if not parents:
        return
    key = foreign_key.key
    children = _load(snap, child, foreign_key, None if full else list(parents), personal, inline=inline, lean=lean)
    if not relationship.uselist:
        # (One attribute set for each parent, with its child or None: 90,000 meeting attendees.)
        by_parent = dict(zip(map(attrgetter(key), children), children, strict=True))
        for parent_id, parent in parents.items():
            setattr(parent, collection, by_parent.get(parent_id))
        return
    # (Some 300,000 children in a national register: the loop does no more than it must.)
    for item, parent_id in zip(children, map(attrgetter(key), children), strict=True):
        found = lists.get(parent_id)
        if found is not None:
            found.append(item)
    for found in lists.values():
        if len(found) > 1:
            found.sort(key=order)


def _link(snap: Snapshot, model: type, objects: dict[int, Any], *, full: bool) -> None:
    """Set each many-to-one link of `objects` from its foreign key (a child's link to its parent
    included), and each list kept in an association table. Collections of other kinds are not
    part of a snapshot."""
    if not objects:
        return
    for relationship in sa.inspect(model).relationships:
        if relationship.secondary is not None:
            _link_many(snap, relationship, objects, full=full)
        elif relationship.direction is sa.orm.MANYTOONE and (model, relationship.key) not in snap.linked:
            [column] = relationship.local_columns
            targets = snap.by_id[relationship.mapper.class_]
            source, link = column.key, relationship.key  # (read once: some 600,000 links)
            for obj in objects.values():
                attributes = obj.__dict__
                value = attributes[source]
                attributes[link] = None if value is None else targets[value]


def _link_many(snap: Snapshot, relationship, objects: dict[int, Any], *, full: bool) -> None:
    [(_, own)] = relationship.synchronize_pairs
    [(_, other)] = relationship.secondary_synchronize_pairs
    targets = snap.by_id[relationship.mapper.class_]
    owners: dict[int, list[int]] = defaultdict(list)
    for own_id, other_id in _rows((own, other), own, None if full else list(objects)):
        owners[other_id].append(own_id)
    lists: dict[int, list[Any]] = {obj_id: [] for obj_id in objects}
    # Each list in ref order without sorting each: the targets are visited in ref order once
    # (90,000 links of 30,000 flows to their storage systems and privacy notices).
    for target in sorted((targets[other_id] for other_id in owners), key=_by_ref):
        for own_id in owners[target.id]:
            lists[own_id].append(target)
    for obj_id, obj in objects.items():
        setattr(obj, relationship.key, lists[obj_id])
