"""Import and export of exchange files: validate everything first, then write in one transaction.

An import is all-or-nothing: a problem anywhere raises InvalidDocument before anything is written,
and a failure while writing rolls the whole transaction back. A record whose ref exists is
replaced in place (it keeps its id, and its meetings keep theirs); records not in the file are
kept. Every created or changed record gets an audit entry, and the findings are refreshed in the
same transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from ..exchange import apply, serialise, validate
from ..exchange import fields as f
from ..exchange.validate import InvalidDocument, Problem
from ..extensions import db
from ..models import Organisation, PanelMeeting
from ..models.enums import SubjectType
from . import audit, bulk, finding_store, findings, planner_statistics, reference, refresh_marker, register, snapshot
from .register import UnknownArea

CHUNK = 500


@dataclass
class ImportResult:
    dry_run: bool
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    refreshed: findings.Refreshed | None = None

    def summary(self) -> str:
        parts = []
        for key in f.BY_KEY:
            counts = [
                (self.created.get(key, 0), "new"),
                (self.updated.get(key, 0), "replaced"),
                (self.unchanged.get(key, 0), "unchanged"),
            ]
            described = ", ".join(f"{n} {what}" for n, what in counts if n)
            if described:
                parts.append(f"{key.replace('_', ' ')}: {described}")
        verb = "Would import" if self.dry_run else "Imported"
        return f"{verb} " + ("; ".join(parts) if parts else "nothing")


def _by_refs(key: str, refs: Iterable[str]) -> dict[str, Any]:
    model, options = register.LOAD_OPTIONS[key]
    refs = sorted(set(refs))
    found: dict[str, Any] = {}
    for start in range(0, len(refs), CHUNK):
        statement = sa.select(model).options(*options).where(model.ref.in_(refs[start : start + CHUNK]))
        found.update((obj.ref, obj) for obj in db.session.scalars(statement))
    return found


def _meeting_owners(doc: dict[str, Any]) -> dict[str, str]:
    refs = sorted({m["ref"] for panel in doc.get("panels", ()) for m in panel.get("meetings", ())})
    owners: dict[str, str] = {}
    for start in range(0, len(refs), CHUNK):
        statement = sa.select(PanelMeeting).where(PanelMeeting.ref.in_(refs[start : start + CHUNK]))
        owners.update((m.ref, m.panel.ref) for m in db.session.scalars(statement))
    return owners


def check(text: str | bytes | dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Parse (unless given a parsed document) and validate a document against the schema and the
    register; return it and the stored records it names or points at. Raises InvalidDocument with
    every problem found."""
    doc = text if isinstance(text, dict) else validate.parse(text)
    problems = validate.schema_problems(doc)
    if problems:
        raise InvalidDocument(problems)
    wanted = validate.referenced_refs(doc)
    stored: dict[str, dict[str, Any]] = {}
    # Load in the register's order so links between stored records resolve without queries.
    for key in register.LOAD_OPTIONS:
        refs = {record["ref"] for record in doc.get(key, ())} | wanted[key]
        stored[key] = _by_refs(key, refs) if refs else {}
    owners = _meeting_owners(doc)
    problems = validate.semantic_problems(doc, {k: set(v) for k, v in stored.items()}, owners.get)
    if problems:
        raise InvalidDocument(validate.sort_problems(set(problems)))
    return doc, stored


def import_text(
    text: str | bytes | dict[str, Any],
    *,
    actor: str,
    source: str = "import",
    dry_run: bool = False,
    inspect: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import a document in one transaction (committed, or rolled back for a dry run, after
    `inspect(result)` has looked at what the import would leave)."""
    try:
        result = load_text(text, actor=actor, source=source, dry_run=dry_run)
        if dry_run and inspect is not None:
            inspect(result)
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        fresh_statistics(result)
    return result


# Records an import must write (new or replaced) before PostgreSQL's statistics are refreshed at once.
ANALYZE_AFTER = 1000


def fresh_statistics(result: ImportResult) -> None:
    """After an import that wrote ANALYZE_AFTER records or more, PostgreSQL's planner statistics
    are refreshed at once (services/planner_statistics.py), not whenever autovacuum gets to them."""
    if sum(result.created.values()) + sum(result.updated.values()) >= ANALYZE_AFTER:
        planner_statistics.refresh()


def load_text(text: str | bytes | dict[str, Any], *, actor: str, source: str, dry_run: bool = False) -> ImportResult:
    """Validate and write a document into the session's transaction, without committing.

    New records are written in bulk (a few multi-row INSERTs per table); records the register
    already holds are replaced through the ORM, which compares them before and after."""
    doc, stored = check(text)
    reference.ensure_loaded(actor=actor, source="seed")
    # Whether the stored findings are exact for the register's date before anything is written: then
    # only what the import changes can move them (see _refresh_changed).
    marker = refresh_marker.current()
    result = ImportResult(dry_run=dry_run)
    new = {key: [r for r in doc.get(key, ()) if r["ref"] not in stored[key]] for key in f.BY_KEY}
    created = bulk.insert_records(
        new, {key: {ref: obj.id for ref, obj in objs.items()} for key, objs in stored.items()}
    )
    audit.record_creations(
        [(f.BY_KEY[key].subject, record, created[key][record["ref"]]) for key in f.BY_KEY for record in new[key]],
        actor=actor,
        source=source,
    )
    result.created = {key: len(records) for key, records in new.items() if records}
    replaced = _replace(doc, stored, result, actor, source)
    info = register.register_info()
    new_date = date.fromisoformat(doc["as_of"]) if "as_of" in doc else info.as_of
    date_changed, info.as_of = new_date != info.as_of, new_date
    if "holder" in doc:
        info.holder_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.ref == doc["holder"]))
    db.session.flush()
    # Collections loaded before the bulk INSERTs do not know the new rows: load afresh.
    db.session.expire_all()
    # Every record in the document, changed or not: an unchanged one is refreshed too (its findings
    # may depend on the date), and what a changed one pointed at before may have changed with it.
    touched = [(key, record) for key in f.BY_KEY for record in doc.get(key, ())]
    if touched and len(touched) <= SCOPED_REFRESH_LIMIT and not date_changed:
        result.refreshed = findings.refresh_after_change(
            actor,
            {(k, r["ref"]) for k, r in touched},
            _affected(touched, stored, replaced),
            changed=_fields_changed(touched, stored, replaced),
        )
    elif touched and marker is not None and marker.as_of == register.default_as_of() and not date_changed:
        result.refreshed = _refresh_changed(new, replaced, stored, actor)
    else:
        result.refreshed = findings.refresh(actor=actor)
    if result.refreshed.subjects is not None:
        result.refreshed = _close_removed_meetings(result.refreshed, doc, replaced, actor)
    return result


def _close_removed_meetings(refreshed: findings.Refreshed, doc, replaced, actor: str) -> findings.Refreshed:
    """After a scoped refresh: close the findings of the meetings a replaced panel no longer holds
    (deleted with it), as a full refresh closes the findings of every record that is gone. No
    scope decides them: they are in no area any more."""
    kept = {meeting["ref"] for panel in doc.get("panels", ()) for meeting in panel.get("meetings", ())}
    removed = {
        (SubjectType.PANEL_MEETING, meeting["ref"])
        for key, _, before, _ in replaced
        if key == "panels"
        for meeting in before.get("meetings", ())
        if meeting["ref"] not in kept
    }
    if not removed:
        return refreshed
    gone = finding_store.store([], as_of=refreshed.as_of, actor=actor, subjects=removed)
    return dataclasses.replace(
        refreshed,
        closed=refreshed.closed + gone.closed,
        closed_ids=refreshed.closed_ids + gone.closed_ids,
        subjects=refreshed.subjects | removed,
    )


def _refresh_changed(new, replaced, stored, actor: str) -> findings.Refreshed:
    """The refresh after a larger import (an area's workbook) into a register whose stored findings
    were exact for its date: only the records it created or changed can move a finding (an unchanged
    record, at an unchanged date, decides what it decided), so those, and everything they point at
    now or pointed at before, are refreshed as a save's are (findings.refresh_after_change), which
    runs every rule when the change reaches too far."""
    changed = [(key, record) for key, records in new.items() for record in records]
    changed += [(key, record) for key, record, _, _ in replaced]
    if not changed:
        return findings.Refreshed(register.default_as_of(), [], 0, 0, 0, subjects=frozenset())
    return findings.refresh_after_change(
        actor,
        {(key, record["ref"]) for key, record in changed},
        _affected(changed, stored, replaced),
        changed=_fields_changed(changed, stored, replaced),
    )


def _affected(touched, stored, replaced) -> set[tuple[str, str]]:
    """The records `touched` and everything they point at now or pointed at before (a storage
    system only where the flow's use of it changed): what a scoped refresh must decide."""
    affected = {(key, record["ref"]) for key, record in touched}
    kept = _storage_use_kept(touched, stored, replaced)
    for key, record in [*touched, *((k, before) for k, _, before, _ in replaced)]:
        affected.update(
            (target, ref)
            for _, target, ref in validate.pointers(key, record)
            if not (target == "storage_systems" and (key, record["ref"]) in kept)
        )
    return affected


def _fields_changed(touched, stored, replaced) -> dict[tuple[str, str], frozenset[str]]:
    """For each stored record among `touched`, the exchange keys whose values changed (none for one
    written as it was); a new record has no entry."""
    changed = {(key, record["ref"]): frozenset() for key, record in touched if record["ref"] in stored[key]}
    changed |= {
        (key, record["ref"]): frozenset(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        for key, record, before, after in replaced
    }
    return changed


def _storage_use(record: dict[str, Any]) -> tuple:
    """What a flow gives the rules of the storage systems it uses (rules/storage.py): whether it is
    live (its status), its ref and area, and which systems."""
    return record.get("status"), record.get("area"), sorted(record.get("storage_systems") or ())


def _storage_use_kept(touched, stored, replaced) -> set[tuple[str, str]]:
    """The stored flows among `touched` whose use of storage systems is as it was (unchanged, or
    changed elsewhere): what the systems' rules read of them has not moved, so their systems are
    not affected (for the national case system, deciding it means reading its 8,000 users)."""
    changed = {(key, record["ref"]): (before, after) for key, record, before, after in replaced}
    kept = set()
    for key, record in touched:
        if key != "data_flows" or record["ref"] not in stored[key]:
            continue
        pair = changed.get((key, record["ref"]))
        if pair is None or _storage_use(pair[0]) == _storage_use(pair[1]):
            kept.add((key, record["ref"]))
    return kept


# An import of a few records (a save in the web app) refreshes the findings of the areas they touch;
# a larger one runs every rule.
SCOPED_REFRESH_LIMIT = 20


def _replace(doc, stored, result: ImportResult, actor: str, source: str) -> list[tuple[str, dict, dict, dict]]:
    """Replace the stored records the document names, and audit what changed. Returns the changed
    ones as (list name, record as imported, record as it was, record as it is now)."""
    replaced = {key: [r for r in doc.get(key, ()) if r["ref"] in stored[key]] for key in f.BY_KEY}
    changed: list[tuple[str, dict, dict, dict]] = []
    if not any(replaced.values()):
        return changed
    before: dict[tuple[str, str], dict[str, Any]] = {}
    for key, record_type in f.BY_KEY.items():
        different = []
        for record in replaced[key]:
            obj = stored[key][record["ref"]]
            previous = serialise.record(record_type, obj)
            if previous == record:
                # Imported exactly as it is stored (most rows of a workbook downloaded, edited and
                # uploaded again): nothing to write, no audit entry, no version raised.
                result.unchanged[key] = result.unchanged.get(key, 0) + 1
                _archived_by(obj, previous, actor)
                continue
            before[(key, record["ref"])] = previous
            apply.clear_children(key, obj)
            different.append(record)
        replaced[key] = different
    db.session.flush()
    index: dict[str, dict[str, Any]] = {key: dict(objs) for key, objs in stored.items()}

    def resolve(target: str, ref: str) -> Any:
        if ref not in index[target]:  # created by this import, so not loaded yet
            index[target].update(_by_refs(target, [ref]))
        return index[target][ref]

    with db.session.no_autoflush:
        for key, record_type in f.BY_KEY.items():
            for record in replaced[key]:
                obj = index[key][record["ref"]]
                apply.apply_record(record_type, obj, record, resolve)
                _archived_by(obj, before[(key, record["ref"])], actor)
    db.session.flush()
    for key, record_type in f.BY_KEY.items():
        for record in replaced[key]:
            after = serialise.record(record_type, index[key][record["ref"]])
            previous = before[(key, record["ref"])]
            tally = result.updated if previous != after else result.unchanged
            tally[key] = tally.get(key, 0) + 1
            if previous != after:
                changed.append((key, record, previous, after))
                _raise_versions(key, index[key][record["ref"]], previous, after)
            audit.record_change(
                actor=actor,
                source=source,
                record_type=record_type.subject,
                record_ref=record["ref"],
                record_id=index[key][record["ref"]].id,
                before=previous,
                after=after,
            )
    return changed


def _archived_by(obj: Any, previous: dict[str, Any], actor: str) -> None:
    """Who archived a record (not part of the exchange format): whoever's save or import first
    gave it an archived_on; nobody once it is restored."""
    if obj.archived_on is None:
        obj.archived_by = None
    elif "archived_on" not in previous:
        obj.archived_by = actor


def _raise_versions(key: str, obj: Any, previous: dict[str, Any], after: dict[str, Any]) -> None:
    """A changed record's version goes up (written with the next flush, which also checks that
    nobody changed the row since it was read). A panel and each of its meetings are versioned
    apart, so that recording one meeting does not make the panel's own form out of date."""
    if key != "panels":
        obj.record_version += 1
        return
    own = [{k: v for k, v in r.items() if k != "meetings"} for r in (previous, after)]
    if own[0] != own[1]:
        obj.record_version += 1
    old = {m["ref"]: m for m in previous.get("meetings", ())}
    new = {m["ref"]: m for m in after.get("meetings", ())}
    for meeting in obj.meetings:
        if meeting.ref in old and old[meeting.ref] != new.get(meeting.ref):
            meeting.record_version += 1


# --- export ----------------------------------------------------------------------------------


def export_document(area_ref: str | None = None, redact: bool = False) -> dict[str, Any]:
    """The register, or one area and every record its flows and panels rest on. Read as a snapshot
    of plain rows (snapshot.py: a fifth of the ORM's time for a national register), names included."""
    loaded = register.LoadedRegister(snapshot.load(personal=True).records)
    as_of, holder = register.register_info().as_of, register.holder_ref()
    if area_ref is None:
        return serialise.document(loaded.records, as_of=as_of, redact=redact, holder=holder)
    area = next((a for a in loaded["areas"] if a.ref == area_ref), None)
    if area is None:
        raise UnknownArea(area_ref)
    records = area_records(loaded, area)
    # The holder travels with a part of the register only when that part holds it (so it imports alone).
    if holder not in {organisation.ref for organisation in records.get("organisations", ())}:
        holder = None
    return serialise.document(records, as_of=as_of, redact=redact, holder=holder)


def area_records(loaded: register.LoadedRegister, area: Any) -> dict[str, list[Any]]:
    """The records of one area: its flows and panels, the organisations in it, and everything
    those point at (so the document imports on its own), plus the privacy notices, processing
    contracts and joint-controller arrangements of those organisations that the area's flows use."""
    flows = [flow for flow in loaded["data_flows"] if flow.area is area]
    picked = _Closure()
    picked.add("areas", area)
    for organisation in loaded["organisations"]:
        if area in organisation.areas:
            picked.add("organisations", organisation)
    for flow in flows:
        picked.add("data_flows", flow)
    for panel in loaded["panels"]:
        if area in panel.areas:
            picked.add("panels", panel)
    organisations = set(picked.records["organisations"].values())
    for notice in loaded["privacy_notices"]:
        if notice.controller in organisations:
            picked.add("privacy_notices", notice)
    pairs = {(flow.sender, flow.recipient) for flow in flows} | {
        (system.owner or flow.recipient, system.processor)
        for flow in flows
        for system in flow.storage_systems
        if system.processor is not None
    }
    for contract in loaded["processing_contracts"]:
        if (contract.controller, contract.processor) in pairs:
            picked.add("processing_contracts", contract)
    for arrangement in loaded["joint_controller_arrangements"]:
        if any({a, b} <= set(arrangement.parties) for a, b in pairs):
            picked.add("joint_controller_arrangements", arrangement)
    return {key: list(objs.values()) for key, objs in picked.records.items()}


class _Closure:
    """Records picked for a partial export, with everything they point at."""

    def __init__(self) -> None:
        self.records: dict[str, dict[int, Any]] = {key: {} for key in f.BY_KEY}

    def add(self, key: str, obj: Any) -> None:
        if obj is None or id(obj) in self.records[key]:
            return
        self.records[key][id(obj)] = obj
        for field_ in f.BY_KEY[key].fields:
            if field_.kind == "ref":
                self.add(field_.target, getattr(obj, field_.attribute))
            elif field_.kind == "refs":
                for item in getattr(obj, field_.attribute):
                    self.add(field_.target, item)
        for organisation in _nested_organisations(key, obj):
            self.add("organisations", organisation)


def _nested_organisations(key: str, obj: Any) -> list[Any]:
    if key == "data_flows":
        return [basis.party for basis in obj.lawful_bases]
    if key == "dsas":
        return [party.organisation for party in obj.parties]
    if key == "panels":
        return [attendee.organisation for meeting in obj.meetings for attendee in meeting.attendees]
    return []


__all__ = ["ImportResult", "InvalidDocument", "Problem", "UnknownArea", "check", "export_document", "import_text"]
