"""Reading and saving register records for the web pages, always within the user's areas.

Lists are one query for the page of records plus one for the count, whatever the register's size;
a record's page loads the record with its collections, and the records it links to come from the
identity map. Saving goes through the exchange import, so a form gets exactly the validation, the
audit trail and the findings refresh an import gets, in one transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import MANYTOONE, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..exchange import fields as f
from ..exchange import serialise
from ..extensions import db
from ..models import Finding, Rule
from ..models.enums import FindingStatus
from . import exchange, page_cache, register, write_scope
from .access import NotVisible, Scope

PAGE_SIZE = 25

# What a list shows and can be sorted and searched by, per record type: (key, heading).
LIST_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "areas": (("ref", "Ref"), ("name", "Name"), ("nation", "Nation")),
    "organisations": (("name", "Name"), ("partner_type", "Partner type"), ("ref", "Ref")),
    "storage_systems": (("name", "Name"), ("kind", "Kind"), ("approved_for_prevent", "Approved")),
    "privacy_notices": (("ref", "Ref"), ("title", "Title"), ("scope", "Scope")),
    "data_flows": (("name", "Name"), ("programme", "Programme"), ("status", "Status"), ("ref", "Ref")),
    "dsas": (("title", "Title"), ("status", "Status"), ("review_due", "Review due")),
    "dpias": (("title", "Title"), ("status", "Status"), ("review_due", "Review due")),
    "processing_contracts": (("ref", "Ref"), ("subject_matter", "Subject matter"), ("ends_on", "Ends")),
    "mous": (("title", "Title"), ("signed_on", "Signed"), ("review_due", "Review due")),
    "joint_controller_arrangements": (("ref", "Ref"), ("essence_published_url", "Essence published")),
    "panels": (("name", "Name"), ("kind", "Kind"), ("ref", "Ref")),
}

TITLES = {
    "areas": ("Areas", "area"),
    "organisations": ("Organisations", "organisation"),
    "storage_systems": ("Storage systems", "storage system"),
    "privacy_notices": ("Privacy notices", "privacy notice"),
    "data_flows": ("Data flows", "data flow"),
    "dsas": ("Data sharing agreements", "data sharing agreement"),
    "dpias": ("DPIAs", "DPIA"),
    "processing_contracts": ("Processing contracts", "processing contract"),
    "mous": ("MOUs", "MOU"),
    "joint_controller_arrangements": ("Joint controller arrangements", "joint controller arrangement"),
    "panels": ("Panels", "panel"),
}


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    def window(self) -> list[int | None]:
        """The page numbers the pagination shows, None for an ellipsis (GOV.UK's pattern: the
        first, the last, and the current page with its neighbours), not one link per page."""
        shown = sorted({1, self.pages, *range(max(1, self.number - 1), min(self.pages, self.number + 1) + 1)})
        numbers: list[int | None] = []
        for n in shown:
            if numbers and n - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


def record_type(key: str) -> f.RecordType:
    try:
        return f.BY_KEY[key]
    except KeyError:
        raise NotVisible(key) from None


def _column(model: type, key: str):
    attribute = next((field.attribute for field in f.BY_MODEL[model].fields if field.key == key), key)
    return getattr(model, attribute)


def filter_options(key: str) -> dict[str, list[str]]:
    """The list's columns that hold enumerated values, with the values to filter by."""
    fields = {field.key: field for field in record_type(key).fields}
    return {
        column: [member.value for member in fields[column].enum]
        for column, _ in LIST_COLUMNS[key]
        if column in fields and fields[column].kind == "enum"
    }


def list_records(
    scope: Scope,
    key: str,
    *,
    search: str = "",
    sort: str = "",
    page: int = 1,
    filters: dict[str, str] | None = None,
    everything: bool = False,
) -> Page:
    kind = record_type(key)
    model = kind.model
    columns = dict(LIST_COLUMNS[key])
    condition = scope.where(model)
    options = filter_options(key)
    for column, value in (filters or {}).items():
        if value in options.get(column, ()):
            condition = sa.and_(condition, _column(model, column) == value)
    if search:
        pattern = f"%{search.strip().lower()}%"
        text_columns = [_column(model, c) for c in columns if isinstance(_column(model, c).type, sa.String)]
        condition = sa.and_(condition, sa.or_(*(sa.func.lower(c).like(pattern) for c in text_columns)))
    descending = sort.startswith("-")
    sort_key = sort.lstrip("-") if sort.lstrip("-") in columns else next(iter(columns))
    order = _column(model, sort_key)
    if everything:  # a download: every matching record, in one query with its collections
        # The records they point at first, so that writing them out queries no further.
        targets = {field.target for field in kind.fields if field.target} | {"organisations"}
        register.load(keys=tuple(targets - {key}))
        _, options = register.LOAD_OPTIONS[key]
        statement = sa.select(model).options(*options).where(condition).order_by(_column(model, sort_key), model.ref)
        items = list(db.session.scalars(statement))
        return Page(items, len(items), 1, max(1, len(items)))

    def locate() -> tuple[int, int, list[int]]:
        """The count and the page's ids: counting and sorting some 30,000 flows is the costly part,
        kept until the register changes (services/page_cache.py)."""
        total = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition)) or 0
        number = max(1, min(page, max(1, math.ceil(total / PAGE_SIZE))))
        statement = (
            sa.select(model.id)
            .where(condition)
            .order_by(order.desc() if descending else order, model.ref)
            .limit(PAGE_SIZE)
            .offset((number - 1) * PAGE_SIZE)
        )
        return total, number, list(db.session.scalars(statement))

    asked = (key, search, sort, page, tuple(sorted((filters or {}).items())))
    total, number, ids = page_cache.kept("list", (scope.role, scope.area_ids, asked), locate)
    found = {item.id: item for item in db.session.scalars(sa.select(model).where(model.id.in_(ids)))} if ids else {}
    return Page([found[i] for i in ids if i in found], total, number, PAGE_SIZE)


def get_record(scope: Scope, key: str, ref: str) -> Any:
    """One record the user may see, with what its page shows loaded; NotVisible otherwise."""
    kind = record_type(key)
    model, options = register.LOAD_OPTIONS[key]
    statement = sa.select(model).options(*options).where(model.ref == ref, scope.where(model))
    obj = db.session.scalar(statement)
    if obj is None:
        raise NotVisible(f"{kind.subject} {ref}")
    _preload_references(obj)
    return obj


def heading(scope: Scope, key: str, ref: str) -> str:
    """What a record's page is headed (its name or title, else its ref), when the user may see it;
    NotVisible otherwise. One query: what a page whose content is kept needs each request."""
    kind = record_type(key)
    model = kind.model
    label = getattr(model, "name", None) or getattr(model, "title", None) or model.ref
    row = db.session.execute(sa.select(model.ref, label).where(model.ref == ref, scope.where(model))).first()
    if row is None:
        raise NotVisible(f"{kind.subject} {ref}")
    return row[1] or row[0]


def _preload_references(obj: Any) -> None:
    """Load what the record and its loaded items (a DSA's parties, a panel's meetings' attendees) point at
    one-to-one (a flow's area, sender, DSA; each party's organisation): one query per kind of
    record, by id, set on each item, so that reading the record for its page does not query once
    per link."""
    holders, level = [obj], [obj]
    while level:  # the record, its loaded items, theirs (a panel's meetings' attendees)
        level = [
            item
            for holder in level
            for relationship in sa.inspect(holder).mapper.relationships
            if relationship.uselist and relationship.key in sa.inspect(holder).dict
            for item in sa.inspect(holder).dict[relationship.key]
            if item not in holders
        ]
        holders.extend(level)
    known: dict[tuple[type, Any], Any] = {(type(holder), sa.inspect(holder).identity): holder for holder in holders}
    links = [(holder, *link) for holder in holders for link in _unloaded_references(holder)]
    wanted: dict[type, set[Any]] = {}
    for _, _, model, value in links:
        if (model, (value,)) not in known:
            wanted.setdefault(model, set()).add(value)
    for model, ids in wanted.items():
        for found in db.session.scalars(sa.select(model).where(model.id.in_(sorted(ids)))):
            known[(model, (found.id,))] = found
    for holder, key, model, value in links:
        if (model, (value,)) in known:
            set_committed_value(holder, key, known[(model, (value,))])


def _unloaded_references(holder: Any) -> list[tuple[str, type, Any]]:
    """(relationship, model, id) of each one-to-one link by id of `holder` not loaded yet."""
    holder_state = sa.inspect(holder)
    found = []
    for relationship in holder_state.mapper.relationships:
        if relationship.direction is not MANYTOONE or relationship.key in holder_state.dict:
            continue
        if [remote.key for remote in relationship.remote_side] != ["id"]:
            continue
        (column,) = relationship.local_columns
        value = holder_state.dict.get(holder_state.mapper.get_property_by_column(column).key)
        if value is not None:
            found.append((relationship.key, relationship.mapper.class_, value))
    return found


def _linked_refs(fields: tuple[f.Field, ...], data: dict[str, Any], wanted: dict[str, set[str]]) -> None:
    for field in fields:
        value = data.get(field.key)
        if field.target and value and isinstance(value, str | list):
            wanted.setdefault(field.target, set()).update(value if isinstance(value, list) else [value])
    for key, nested in f.NESTED_FIELDS.items():
        for item in data.get(key) or ():
            if isinstance(item, dict):
                _linked_refs(nested, item, wanted)


def links(
    scope: Scope, kind: f.RecordType, data: dict[str, Any]
) -> tuple[dict[str, dict[str, str]], set[tuple[str, str]]]:
    """What a record's page shows of the records it links to, one query per kind of record linked:
    their names, {"organisations": {ref: name}, ...} (only records the user may see), and the
    (list name, ref) of those its own fields link to that are archived (marked as such)."""
    wanted: dict[str, set[str]] = {}
    _linked_refs(kind.fields, data, wanted)
    own = {
        (field.target, ref)
        for field in kind.fields
        if field.target and data.get(field.key)
        for ref in (data[field.key] if isinstance(data[field.key], list) else [data[field.key]])
    }
    names: dict[str, dict[str, str]] = {}
    archived: set[tuple[str, str]] = set()
    for key, refs in wanted.items():
        model = f.BY_KEY[key].model
        label = getattr(model, "name", None) or getattr(model, "title", None) or model.ref
        visible = sa.case((scope.where(model), 1), else_=0)
        statement = sa.select(model.ref, label, model.archived_on, visible).where(model.ref.in_(sorted(refs)))
        names[key] = {}
        for ref, text, archived_on, may_see in db.session.execute(statement):
            if text and may_see:
                names[key][ref] = text
            if archived_on is not None and (key, ref) in own:
                archived.add((key, ref))
    return names, archived


def open_findings(scope: Scope, subject_type: str, subject_id: int, subject_ref: str) -> list[Finding]:
    """The findings raised about one record (by its id: not those of a removed record that had its
    ref). The ref too, for the index on (subject_ref, subject_type): without it every detail page
    read all the register's findings."""
    statement = (
        sa.select(Finding)
        .options(selectinload(Finding.rule).selectinload(Rule.references))
        .where(
            Finding.subject_ref == subject_ref,
            Finding.subject_type == subject_type,
            Finding.subject_id == subject_id,
            Finding.status != FindingStatus.REMEDIATED,
            scope.where(Finding),
        )
        .order_by(Finding.severity, Finding.rule_code)
    )
    return list(db.session.scalars(statement))


def choices(scope: Scope, key: str) -> list[tuple[str, str]]:
    """(ref, label) of every record of a list the user may see, for select boxes."""
    model = f.BY_KEY[key].model
    label = getattr(model, "name", None) or getattr(model, "title", None) or model.ref
    statement = sa.select(model.ref, label, model.archived_on).where(scope.where(model)).order_by(label)
    # An archived record stays a choice (a record linking to it keeps the link when saved), named as such.
    return [
        (ref, f"{text or ref} (archived)" if archived else text or ref)
        for ref, text, archived in db.session.execute(statement)
    ]


def exchange_record(key: str, obj: Any) -> dict[str, Any]:
    return serialise.record(f.BY_KEY[key], obj)


def save(
    scope: Scope,
    key: str,
    record: dict[str, Any],
    *,
    actor: str,
    creating: bool = False,
    version: int | None = None,
    restoring: bool = False,
) -> exchange.ImportResult:
    """Create (`creating`: never replacing a record that has its ref) or replace one record, as an
    exchange-format dict, in one transaction, checked against the user's scope first
    (services/write_scope.py): nothing is written when a check fails. An archived record is
    read-only (Archived) unless it is being restored."""
    scope.require(scope.can_edit_register)
    if not creating and not restoring:
        model = record_type(key).model
        if db.session.scalar(sa.select(model.archived_on).where(model.ref == record["ref"])) is not None:
            raise Archived(f"The {TITLES[key][1]} {record['ref']} is archived: restore it before changing it.")
    return write_scope.save(
        scope,
        {key: [record]},
        actor=actor,
        creating=[(key, record["ref"])] if creating else (),
        versions={(key, record["ref"]): version},
    )


def link_field(key: str, link_key: str, field_key: str) -> f.Field | None:
    """The field of a `link_key` record that may point at a new `key` record (a flow's `dpia` at a
    DPIA, its `privacy_notices` at a notice), or None."""
    if link_key not in f.BY_KEY:
        return None
    return next(
        (
            field
            for field in f.BY_KEY[link_key].form_fields
            if field.key == field_key and field.kind in ("ref", "refs") and field.target == key
        ),
        None,
    )


def save_linked(
    scope: Scope,
    key: str,
    record: dict[str, Any],
    *,
    link: tuple[str, str, str],
    actor: str,
    link_version: int | None,
) -> exchange.ImportResult:
    """Create a record and point a record the user can see at it (`link`: list name, ref and field,
    such as a flow's `dpia`), in one transaction with the same checks as any save: a DPIA recorded
    from its flow's finding is linked to the flow by the same save."""
    link_key, link_ref, field_key = link
    field = link_field(key, link_key, field_key)
    if field is None:
        raise ValueError(f"{link_key}.{field_key} does not point at {key}")
    subject = get_record(scope, link_key, link_ref)
    if subject.is_archived:
        raise Archived(f"The {TITLES[link_key][1]} {link_ref} is archived: restore it before changing it.")
    linked = exchange_record(link_key, subject)
    if field.kind == "refs":
        linked[field_key] = [*linked.get(field_key, []), record["ref"]]
    else:
        linked[field_key] = record["ref"]
    return write_scope.save(
        scope,
        {key: [record], link_key: [linked]},
        actor=actor,
        creating=[(key, record["ref"])],
        versions={(link_key, link_ref): link_version},
    )


def counts(scope: Scope) -> dict[str, int]:
    """How many records of each type the user can see (one query per type: a fixed number)."""
    return {
        key: db.session.scalar(sa.select(sa.func.count()).select_from(kind.model).where(scope.where(kind.model))) or 0
        for key, kind in f.BY_KEY.items()
    }


class ArchiveRefused(Exception):
    """An archive or restore that cannot be done; the message says why."""


class Archived(Exception):
    """The record is archived: read-only until a DPO restores it."""


# Archiving a flow or a DSA also puts it in the state the rules (gap-rules.md) say no longer counts:
# a flow is ended (no rule about a live flow fires for it), a DSA terminated (not in force).
ARCHIVED_STATUS = {"data_flows": ("status", "ended"), "dsas": ("status", "terminated")}
REASON_MAX = 2000


def linked_from(scope: Scope, key: str, ref: str) -> list[tuple[str, str]]:
    """(list name, ref) of the records the user can see that link to this one: what archiving it
    leaves pointing at an archived record (the links are kept)."""
    obj = get_record(scope, key, ref)
    found: list[tuple[str, str]] = []
    for other in f.RECORD_TYPES:
        model = other.model
        for field in other.fields:
            if field.target != key:
                continue
            column = getattr(model, field.attribute)
            statement = sa.select(model.ref).where(column.contains(obj) if field.kind == "refs" else column == obj)
            statement = statement.where(scope.where(model))
            found.extend((other.key, other_ref) for other_ref in db.session.scalars(statement))
    return sorted(set(found))


def archive(
    scope: Scope, key: str, ref: str, *, reason: str, actor: str, version: int | None = None, on: date | None = None
) -> None:
    """Archive a record: kept, read-only, exported, shown as archived; never deleted. Written
    through the import like any save (scope checks, version check, audit, findings refresh, one
    transaction)."""
    scope.require(scope.can_edit_register)
    obj = get_record(scope, key, ref)
    if obj.is_archived:
        raise ArchiveRefused(f"The {TITLES[key][1]} {ref} is already archived.")
    reason = (reason or "").strip()
    if not reason:
        raise ArchiveRefused("Enter why the record is being archived")
    if len(reason) > REASON_MAX:
        raise ArchiveRefused(f"The reason must be {REASON_MAX} characters or fewer")
    record = serialise.record(record_type(key), obj)
    if key in ARCHIVED_STATUS:
        field, value = ARCHIVED_STATUS[key]
        record[field] = value
    if key == "data_flows":
        record.setdefault("ended_on", (on or date.today()).isoformat())
    record["archived_on"] = (on or date.today()).isoformat()
    record["archived_reason"] = reason
    save(scope, key, record, actor=actor, version=version)


def restore(scope: Scope, key: str, ref: str, *, actor: str, version: int | None = None) -> None:
    """Bring an archived record back: editable again and no longer shown as archived (audited).
    A flow stays ended and a DSA terminated until their status is changed."""
    scope.require(scope.can_edit_register)
    obj = get_record(scope, key, ref)
    if not obj.is_archived:
        raise ArchiveRefused(f"The {TITLES[key][1]} {ref} is not archived.")
    record = serialise.record(record_type(key), obj)
    for archive_key in f.ARCHIVE_KEYS:
        record.pop(archive_key, None)
    save(scope, key, record, actor=actor, version=version, restoring=True)


def unused_ref(key: str, base: str) -> str:
    """A reference for a new `key` record: `base` ("dpia-youth-referrals"), or with -2, -3... when the
    register holds it already (in any area: a create never replaces). One query."""
    base = base[:58].strip("-") or "record"
    model = record_type(key).model
    taken = set(db.session.scalars(sa.select(model.ref).where(model.ref.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 100_000) if f"{base}-{n}" not in taken)


def financial_year(on: date | None = None) -> str:
    """The financial year (April to March) holding `on`, the register's date by default: "2026/27"."""
    on = on or register.default_as_of()
    start = on.year if on.month >= 4 else on.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def load_party_organisations(dsa: Any) -> None:
    """The organisations of a DSA's parties in one query (then `party.organisation` reads them
    from the session, not one query per party)."""
    from ..models import Organisation

    ids = sorted({party.organisation_id for party in dsa.parties})
    if ids:
        list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))))
