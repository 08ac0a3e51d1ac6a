"""Writing new exchange records in bulk: a few multi-row INSERTs per table instead of one ORM object
(and one flush) per row. Used by every import for the records it creates, and so by `compliance synth`.

The field tables of `exchange/fields.py` say which column or link each exchange key becomes; the ORM
mapping says which table and foreign key that is. Ids come from the database (INSERT ... RETURNING
on SQLite, in the order the rows were given; on PostgreSQL, taken from the table's sequence before
the INSERT), so the same records get ids on both and their id sequences stay right. Callers own
the transaction, and have validated the document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from ..exchange import apply
from ..exchange import fields as f
from ..extensions import db

# Tables in an order that satisfies every foreign key: an area names its responsible authority, and
# a flow its DSA, MOU and DPIA. Links kept in association tables are written last.
ORDER = (
    "organisations",
    "areas",
    "storage_systems",
    "privacy_notices",
    "dsas",
    "dpias",
    "processing_contracts",
    "mous",
    "joint_controller_arrangements",
    "data_flows",
    "panels",
)
# Nested structures stored in their own tables: (record key, nested key, fields, ordered).
CHILDREN = {
    "areas": (("designations", f.DESIGNATION, False),),
    "data_flows": (("lawful_bases", f.LAWFUL_BASIS, True),),
    "dsas": (("parties", f.DSA_PARTY, True), ("redactions", f.REDACTION, True)),
}
# Nested objects whose fields are columns of the record's own table.
FLATTENED = {"data_flows": (("subjects", f.SUBJECTS), ("retention", f.RETENTION))}

Ids = dict[str, dict[str, int]]


def insert_records(new: Mapping[str, list[dict[str, Any]]], stored: Ids) -> Ids:
    """Insert the records of `new` (per list name, exchange records), resolving refs against the
    records being inserted and `stored` (ref -> id of what the database holds). Returns the new ids."""
    ids: Ids = {key: dict(stored.get(key, {})) for key in ORDER}
    created: Ids = {key: {} for key in ORDER}
    inserted: list[tuple[f.RecordType, dict[str, Any], int]] = []

    def resolve(target: str, ref: str) -> int:
        return ids[target][ref]

    for key in ORDER:
        records = new.get(key, [])
        if not records:
            continue
        record_type = f.BY_KEY[key]
        rows = [_row(record_type, record, resolve) for record in records]
        returned = _insert(record_type.model.__table__, rows)
        for record, new_id in zip(records, returned, strict=True):
            ids[key][record["ref"]] = created[key][record["ref"]] = new_id
            inserted.append((record_type, record, new_id))
        for nested, fields, ordered in CHILDREN.get(key, ()):
            _insert_children(record_type.model, nested, fields, ordered, records, created[key], resolve)
        if key == "panels":
            _insert_meetings(records, created[key], resolve)
    # Lists of links last, when every record they may point at has its id.
    links: dict[sa.Table, list[dict[str, int]]] = defaultdict(list)
    for record_type, record, new_id in inserted:
        _collect_links(record_type, record, new_id, resolve, links)
    for table, rows in links.items():
        _insert(table, rows, returning=False)
    return created


# --- rows ---------------------------------------------------------------------------------------


def _columns(model: type, fields: Iterable[f.Field], data: Mapping[str, Any], resolve) -> dict[str, Any]:
    """The column values of `fields` (links to one record become foreign keys; lists of links are
    left to `_collect_links`)."""
    mapper = sa.inspect(model)
    row: dict[str, Any] = {}
    for field in fields:
        if field.kind == "refs":
            continue
        value = apply.read_value(field, data, resolve)
        if field.kind == "ref":
            [column] = mapper.relationships[field.attribute].local_columns
            row[column.key] = value
        else:
            row[mapper.attrs[field.attribute].columns[0].key] = value
    return row


def _row(record_type: f.RecordType, record: Mapping[str, Any], resolve) -> dict[str, Any]:
    row = _columns(record_type.model, record_type.fields, record, resolve)
    for nested, fields in FLATTENED.get(record_type.key, ()):
        row.update(_columns(record_type.model, fields, record.get(nested, {}), resolve))
    return row


def _collect_links(record_type: f.RecordType, record, record_id: int, resolve, links) -> None:
    mapper = sa.inspect(record_type.model)
    for field in record_type.fields:
        if field.kind != "refs":
            continue
        relationship = mapper.relationships[field.attribute]
        [(_, own)] = relationship.synchronize_pairs
        [(_, other)] = relationship.secondary_synchronize_pairs
        for target_id in dict.fromkeys(apply.read_value(field, record, resolve)):
            links[relationship.secondary].append({own.key: record_id, other.key: target_id})


def _parent_column(model: type, nested: str) -> tuple[type, str]:
    relationship = sa.inspect(model).relationships[nested]
    [(_, column)] = relationship.synchronize_pairs
    return relationship.mapper.class_, column.key


def _insert_children(model, nested: str, fields, ordered: bool, records, record_ids, resolve) -> None:
    child, parent_column = _parent_column(model, nested)
    rows = []
    for record in records:
        for position, item in enumerate(record.get(nested, ())):
            row = _columns(child, fields, item, resolve) | {parent_column: record_ids[record["ref"]]}
            if ordered:
                row["position"] = position
            rows.append(row)
    _insert(child.__table__, rows, returning=False)


def _insert_meetings(panels, panel_ids: Mapping[str, int], resolve: Callable[[str, str], int]) -> None:
    panel_model = f.BY_KEY["panels"].model
    meeting_model, panel_column = _parent_column(panel_model, "meetings")
    attendee_model, meeting_column = _parent_column(meeting_model, "attendees")
    record_model, attendee_column = _parent_column(attendee_model, "confidentiality")
    meetings = [(panel, meeting) for panel in panels for meeting in panel.get("meetings", ())]
    meeting_ids = _insert(
        meeting_model.__table__,
        [_columns(meeting_model, f.MEETING, m, resolve) | {panel_column: panel_ids[p["ref"]]} for p, m in meetings],
    )
    attendees = [
        (meeting_id, position, attendee)
        for meeting_id, (_, meeting) in zip(meeting_ids, meetings, strict=True)
        for position, attendee in enumerate(meeting.get("attendees", ()))
    ]
    attendee_ids = _insert(
        attendee_model.__table__,
        [
            _columns(attendee_model, f.ATTENDEE, a, resolve) | {meeting_column: meeting_id, "position": position}
            for meeting_id, position, a in attendees
        ],
    )
    _insert(
        record_model.__table__,
        [
            _columns(record_model, f.CONFIDENTIALITY, a["confidentiality"], resolve) | {attendee_column: attendee_id}
            for attendee_id, (_, _, a) in zip(attendee_ids, attendees, strict=True)
            if "confidentiality" in a
        ],
        returning=False,
    )


def _insert(table: sa.Table, rows: list[dict[str, Any]], returning: bool = True) -> list[int]:
    """Multi-row INSERTs (SQLAlchemy batches them); the new ids in the order of `rows`."""
    if not rows:
        return []
    if not returning:
        db.session.execute(table.insert(), rows)
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        # Ids taken from the table's sequence first, then a plain executemany (psycopg pipelines one
        # short statement, prepared once): INSERT ... RETURNING over many rows is one statement of
        # thousands of placeholders per page, which psycopg parses afresh every time (a third of a
        # national import's time). The ids are the sequence's, in the order of `rows`, as before.
        ids = _reserve_ids(table, len(rows))
        for row, new_id in zip(rows, ids, strict=True):
            row["id"] = new_id
        db.session.execute(table.insert(), rows)
        return ids
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def _reserve_ids(table: sa.Table, count: int) -> list[int]:
    """`count` new ids from the sequence behind `table.id` (PostgreSQL), in increasing order."""
    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
    statement = sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))
    return sorted(db.session.scalars(statement))
