"""Every write from the browser is checked against the user's scope here, before anything is written.

A form, a meeting action, an archive or a browser import hands the records it is about to save (as
exchange records) to `checked()`, which:

- refuses to create a record whose ref the register already holds, in any area ("a record with
  this reference already exists"): a create never replaces;
- refuses to replace a record the user cannot see;
- keeps what the user cannot see as it is: an organisation's or a panel's areas outside the user's
  areas, links to records outside them, DSA parties and lawful bases of organisations outside them.
  A form only offers what the user can see, so what it leaves out is not a deletion;
- refuses a new link to a record outside the user's areas (linking would also make that record
  visible to them).

`confirm_visible()` then checks, after the import has run in the same transaction, that every saved
record is still within the user's areas. An admin sees every area, so only the create check applies.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from ..exchange import fields as f
from ..exchange import serialise
from ..exchange.validate import InvalidDocument, Problem
from ..extensions import db
from ..models import Area, Organisation, Panel, PanelMeeting
from ..models.organisation import organisation_area
from . import audit, register
from .access import Forbidden, Scope

# What the last save in this context did to the findings (as the user sees them), for the page
# after it to say: "this closed ... and opened ...". Taken, and so cleared, by `take_changes()`.
_changes: ContextVar[Any] = ContextVar("findings_changed_by_the_last_save", default=None)


def take_changes() -> Any:
    """The findings.Changed of the last save committed in this context (None if none was), once."""
    changes = _changes.get()
    _changes.set(None)
    return changes


def _remember_changes(scope: Scope, result: Any) -> None:
    from . import findings

    if result is not None and result.refreshed is not None:
        _changes.set(findings.changed(scope, result.refreshed))


class Conflict(Exception):
    """The record changed since the form was built: nothing was written. `changes` are the audit
    entries since then, newest first, each with its (field, before, after) differences;
    `version` is the record's version now (a form built on it may be saved)."""

    def __init__(self, subject: str, ref: str, version: int, changes: list[tuple[Any, list[tuple[str, Any, Any]]]]):
        self.subject, self.ref, self.version, self.changes = subject, ref, version, changes
        super().__init__(f"the {subject.replace('_', ' ')} {ref} has changed since it was opened")


ALREADY_EXISTS = "a record with this reference already exists: choose another reference"
NOT_YOURS = "a record with this reference already exists outside your areas"
OUTSIDE = "is outside your areas: choose one of your own"

# Nested lists keyed by an organisation: (list key, the item's organisation key).
NESTED_PARTIES = {"dsas": ("parties", "organisation"), "data_flows": ("lawful_bases", "party")}


def checked(
    scope: Scope, doc: Mapping[str, list[dict[str, Any]]], *, creating: Iterable[tuple[str, str]] = ()
) -> dict[str, list[dict[str, Any]]]:
    """The records of `doc` (per list name) as they may be saved by this user: what they cannot
    see merged back in. Raises InvalidDocument naming every refusal, before anything is written."""
    creating = set(creating)
    stored = _stored(doc)
    problems: list[Problem] = []
    for key, records in doc.items():
        for index, record in enumerate(records):
            if (key, record["ref"]) in creating and record["ref"] in stored[key]:
                problems.append(Problem(f"{key}[{index}].ref", ALREADY_EXISTS))
    if problems:
        raise InvalidDocument(problems)
    if scope.sees_everything:
        return {key: list(records) for key, records in doc.items()}
    visible = _visible(scope, doc, stored)
    held = {target: {r["ref"] for r in doc.get(target, ())} for target in f.BY_KEY}
    out: dict[str, list[dict[str, Any]]] = {}
    for key, records in doc.items():
        out[key] = []
        for index, record in enumerate(records):
            obj = stored[key].get(record["ref"])
            if obj is not None and record["ref"] not in visible[key]:
                problems.append(Problem(f"{key}[{index}].ref", NOT_YOURS))
                continue
            existing = serialise.record(f.BY_KEY[key], obj) if obj is not None else {}
            merged = _merge(key, record, existing, visible, held, f"{key}[{index}]", problems)
            out[key].append(merged)
    if problems:
        raise InvalidDocument(problems)
    return out


def confirm_visible(scope: Scope, doc: Mapping[str, list[dict[str, Any]]]) -> None:
    """After the records are written (same transaction): each is still in the user's areas, or
    Forbidden (the caller rolls back). A DPO cannot move a record out of their own areas."""
    if scope.sees_everything:
        return
    for key, records in doc.items():
        model = f.BY_KEY[key].model
        refs = {record["ref"] for record in records}
        if not refs:
            continue
        seen = set(db.session.scalars(sa.select(model.ref).where(model.ref.in_(refs), scope.where(model))))
        if refs - seen:
            raise Forbidden()


def _stored(doc: Mapping[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The stored records the document names, in any area, with what serialising them needs."""
    stored: dict[str, dict[str, Any]] = {key: {} for key in f.BY_KEY}
    for key in register.LOAD_OPTIONS:  # the register's order: links resolve from the identity map
        refs = {record["ref"] for record in doc.get(key, ())}
        if refs:
            model, options = register.LOAD_OPTIONS[key]
            statement = sa.select(model).options(*options).where(model.ref.in_(refs))
            stored[key] = {obj.ref: obj for obj in db.session.scalars(statement)}
    return stored


def _pointers(key: str, record: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(target list, ref) of everything a record points at, nested lists included."""
    for field in f.BY_KEY[key].fields:
        if field.kind == "ref" and record.get(field.key):
            yield field.target, record[field.key]
        elif field.kind == "refs":
            for ref in record.get(field.key) or ():
                yield field.target, ref
    if key in NESTED_PARTIES:
        part, party_key = NESTED_PARTIES[key]
        for item in record.get(part, ()):
            yield "organisations", item[party_key]
    if key == "panels":
        for meeting in record.get("meetings", ()):
            for attendee in meeting.get("attendees", ()):
                yield "organisations", attendee["organisation"]


def _visible(scope: Scope, doc, stored) -> dict[str, set[str]]:
    """Per list name, which of the refs the document and the stored records name the user can see
    (one query per list name involved)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for key, records in doc.items():
        for record in records:
            wanted[key].add(record["ref"])
            for target, ref in _pointers(key, record):
                wanted[target].add(ref)
            obj = stored[key].get(record["ref"])
            if obj is not None:
                for target, ref in _pointers(key, serialise.record(f.BY_KEY[key], obj)):
                    wanted[target].add(ref)
    visible: dict[str, set[str]] = {key: set() for key in f.BY_KEY}
    for key, refs in wanted.items():
        model = f.BY_KEY[key].model
        statement = sa.select(model.ref).where(model.ref.in_(sorted(refs)), scope.where(model))
        visible[key] = set(db.session.scalars(statement))
    for panel in doc.get("panels", ()):
        # A panel's attendees may come from any organisation of the panel's areas (the meeting
        # page offers them), even one of an area the chair does not see.
        visible["organisations"] |= _panel_partners(panel.get("areas", ()))
    return visible


def _panel_partners(area_refs: Iterable[str]) -> set[str]:
    statement = (
        sa.select(Organisation.ref)
        .join(organisation_area, organisation_area.c.organisation_id == Organisation.id)
        .join(Area, Area.id == organisation_area.c.area_id)
        .where(Area.ref.in_(sorted(area_refs)))
    )
    return set(db.session.scalars(statement))


def _merge(key, record, existing, visible, held, path, problems) -> dict[str, Any]:
    """The record to save: the user's record, with what they cannot see kept from `existing`."""
    seen = {target: visible[target] | held[target] for target in f.BY_KEY}
    merged = dict(record)
    for field in f.BY_KEY[key].fields:
        if field.kind == "ref":
            _merge_link(field, record, existing, seen[field.target], merged, path, problems)
        elif field.kind == "refs":
            _merge_links(field, record, existing, seen[field.target], merged, path, problems)
    if key in NESTED_PARTIES:
        _merge_parties(key, record, existing, seen["organisations"], merged, path, problems)
    if key == "panels":
        _check_attendees(record, existing, seen["organisations"], path, problems)
    return merged


def _merge_link(field, record, existing, seen, merged, path, problems) -> None:
    new, old = record.get(field.key), existing.get(field.key)
    if old is not None and old not in seen and new in (None, old):
        merged[field.key] = old  # a link the user cannot see stays as it is
    elif new is not None and new != old and new not in seen:
        problems.append(Problem(f"{path}.{field.key}", f"{new} {OUTSIDE}"))


def _merge_links(field, record, existing, seen, merged, path, problems) -> None:
    new, old = list(record.get(field.key) or ()), list(existing.get(field.key) or ())
    for ref in new:
        if ref not in seen and ref not in old:
            problems.append(Problem(f"{path}.{field.key}", f"{ref} {OUTSIDE}"))
    kept = [ref for ref in old if ref not in seen and ref not in new]
    if kept or field.key in record:
        merged[field.key] = sorted({*new, *kept})


def _merge_parties(key, record, existing, seen, merged, path, problems) -> None:
    """DSA parties and lawful bases, each keyed by an organisation."""
    part, party_key = NESTED_PARTIES[key]
    if key == "data_flows":  # a party to the flow may record its basis, wherever it is
        seen = seen | {merged.get("sender"), merged.get("recipient")}
    items = list(record.get(part, ()))
    present = {item[party_key] for item in items}
    before = {item[party_key] for item in existing.get(part, ())}
    for index, item in enumerate(items):
        if item[party_key] not in seen and item[party_key] not in before:
            problems.append(Problem(f"{path}.{part}[{index}].{party_key}", f"{item[party_key]} {OUTSIDE}"))
    items += [item for item in existing.get(part, ()) if item[party_key] not in seen and item[party_key] not in present]
    if items or part in record:
        merged[part] = items


def _check_attendees(record, existing, seen, path, problems) -> None:
    before = {
        attendee["organisation"]
        for meeting in existing.get("meetings", ())
        for attendee in meeting.get("attendees", ())
    }
    for m, meeting in enumerate(record.get("meetings", ())):
        for a, attendee in enumerate(meeting.get("attendees", ())):
            organisation = attendee["organisation"]
            if organisation not in seen and organisation not in before:
                problems.append(
                    Problem(f"{path}.meetings[{m}].attendees[{a}].organisation", f"{organisation} {OUTSIDE}")
                )


def save(
    scope: Scope,
    records: Mapping[str, list[dict[str, Any]]],
    *,
    actor: str,
    source: str = "web",
    creating: Iterable[tuple[str, str]] = (),
    versions: Mapping[tuple[str, str], int | None] | None = None,
) -> Any:
    """Check `records` against the user's scope, import them and commit: one transaction, and
    nothing written when any check fails. `versions`: per (list name, or "meetings", ref), the
    version the user's form was built from; a newer one raises Conflict. Returns the import's result."""
    from . import exchange

    try:
        check_versions(versions or {})
        allowed = checked(scope, records, creating=creating)
        doc = {"format": serialise.FORMAT_NAME, "version": serialise.FORMAT_VERSION, **allowed}
        result = exchange.load_text(json.dumps(doc), actor=actor, source=source)
        confirm_visible(scope, allowed)
        _check_after_write(versions or {})
        db.session.commit()
        _remember_changes(scope, result)
    except _ChangedMeanwhile:
        db.session.rollback()
        check_versions(versions or {})
        raise
    except StaleDataError:
        db.session.rollback()  # changed by someone else between our read and our write
        check_versions(versions or {})
        raise
    except BaseException:
        db.session.rollback()
        raise
    return result


class _ChangedMeanwhile(Exception):
    pass


def _check_after_write(versions: Mapping[tuple[str, str], int | None]) -> None:
    """Within the write's transaction: each record is at the version the form was built from, or
    one more (this save's change). Anything else means someone else's change landed after the
    check and before this transaction read the record (the write's WHERE record_version = <read>
    covers what lands after the read)."""
    db.session.flush()
    for (key, ref), expected in versions.items():
        if expected is not None and current_version(key, ref) not in (None, expected, expected + 1):
            raise _ChangedMeanwhile()


VERSIONED = {"meetings": (PanelMeeting, "panel")}


def current_version(key: str, ref: str) -> int | None:
    model = VERSIONED[key][0] if key in VERSIONED else f.BY_KEY[key].model
    return db.session.scalar(sa.select(model.record_version).where(model.ref == ref))


def check_versions(versions: Mapping[tuple[str, str], int | None]) -> None:
    """Conflict when a record is at a newer version than the one a form was built from."""
    for (key, ref), expected in versions.items():
        if expected is None:
            continue
        now = current_version(key, ref)
        if now is not None and now != expected:
            subject = VERSIONED[key][1] if key in VERSIONED else f.BY_KEY[key].subject
            if key == "meetings":
                ref = db.session.scalar(
                    sa.select(Panel.ref)
                    .join(PanelMeeting, PanelMeeting.panel_id == Panel.id)
                    .where(PanelMeeting.ref == ref)
                )
            raise Conflict(subject, ref, now, audit.changes_since(subject, ref, max(1, now - expected)))


def import_document(
    scope: Scope, text: str | bytes | dict[str, Any], *, actor: str, dry_run: bool = False, inspect=None
) -> Any:
    """A file imported from the browser. An import replaces each record it holds as a whole (the
    audit trail keeps the before and after); for a user who does not see every area, the file is
    checked and merged like a form first. For a dry run, `inspect(result)` is called before the
    rollback, to look at what the import would leave (a preview's findings)."""
    from . import exchange

    if scope.sees_everything:
        result = exchange.import_text(text, actor=actor, source="import", dry_run=dry_run, inspect=inspect)
        if not dry_run:
            _remember_changes(scope, result)
        return result
    try:
        doc, _ = exchange.check(text)
        allowed = checked(scope, {key: doc[key] for key in f.BY_KEY if key in doc})
        result = exchange.load_text({**doc, **allowed}, actor=actor, source="import", dry_run=dry_run)
        confirm_visible(scope, allowed)
    except BaseException:
        db.session.rollback()
        raise
    if dry_run:
        if inspect is not None:
            inspect(result)
        db.session.rollback()
    else:
        db.session.commit()
        exchange.fresh_statistics(result)
        _remember_changes(scope, result)
    return result


def save_meeting(
    scope: Scope,
    meeting: PanelMeeting,
    change: Callable[[PanelMeeting], None],
    *,
    actor: str,
    refresh: Callable[[PanelMeeting, set[int]], Any],
    version: int | None = None,
    creating: bool = False,
) -> None:
    """One meeting's change, written as that meeting's rows only (never its panel's whole history),
    in one transaction: the user may record the panel's meetings, the panel is not archived, the
    meeting is at `version` (Conflict otherwise, checked before and, by the UPDATE's
    `WHERE record_version`, by the write), the meeting as changed is valid against the exchange
    schema, a new attendee's organisation is one the meeting page offers, the panel's audit entry
    holds the meeting before and after, and `refresh(meeting, organisation ids whose attendance at
    the panel began or ended)` brings the findings in line. `creating`: `meeting` is new (added to
    the session here)."""
    from .records import Archived

    panel = meeting.panel
    scope.require(scope.can_record_meetings_of(panel))
    if panel.is_archived:
        raise Archived(f"The panel {panel.ref} is archived: a DPO must restore it before its meetings can change.")
    key = ("meetings", meeting.ref)
    try:
        if creating:
            db.session.add(meeting)
        else:
            check_versions({key: version})
        before = None if creating else serialise.meeting(meeting)
        attending_before = {a.organisation_id for a in meeting.attendees}
        with db.session.no_autoflush:
            change(meeting)
            after = serialise.meeting(meeting)
        _check_meeting(scope, panel, before, after)
        if not creating and before != after:
            meeting.record_version += 1
        db.session.flush()
        if before != after:
            entry = (
                {"ref": panel.ref, "meetings": [before]} if before is not None else {"ref": panel.ref, "meetings": []}
            )
            audit.record_change(
                actor=actor,
                source="web",
                record_type=f.BY_KEY["panels"].subject,
                record_ref=panel.ref,
                record_id=panel.id,
                before=entry,
                after={"ref": panel.ref, "meetings": [after]},
            )
            attending_after = {a.organisation_id for a in meeting.attendees}
            refreshed = refresh(meeting, _attendance_changed(panel, meeting, attending_before ^ attending_after))
        else:
            refreshed = None
        db.session.commit()
        if refreshed is not None:
            from . import findings

            _changes.set(findings.changed(scope, refreshed))
    except StaleDataError:
        db.session.rollback()  # changed by someone else between our read and our write
        check_versions({key: version})
        raise
    except BaseException:
        db.session.rollback()
        raise


def _check_meeting(scope: Scope, panel: Panel, before: dict | None, after: dict) -> None:
    """The meeting as changed: valid against the schema (within its panel), and each attendee's
    organisation one of the panel's partners or already there before."""
    from ..exchange import validate

    own = serialise._fields(panel, f.BY_KEY["panels"].fields)
    doc = {
        "format": serialise.FORMAT_NAME,
        "version": serialise.FORMAT_VERSION,
        "panels": [{**own, "meetings": [after]}],
    }
    problems = list(validate.schema_problems(doc))
    known = {a["organisation"] for a in (before or {}).get("attendees", ())}
    partners = None
    for a, attendee in enumerate(after.get("attendees", ())):
        if attendee["organisation"] in known:
            continue
        if partners is None:
            partners = _panel_partners(own.get("areas", ()))
        if attendee["organisation"] not in partners:
            problems.append(
                Problem(f"panels[0].meetings[0].attendees[{a}].organisation", f"{attendee['organisation']} {OUTSIDE}")
            )
    if problems:
        raise InvalidDocument(problems)


def _attendance_changed(panel: Panel, meeting: PanelMeeting, organisation_ids: set[int]) -> set[int]:
    """Of these organisations (added to or removed from `meeting`), those whose attendance at the
    panel as a whole began or ended: those attending no other meeting of the panel (one query)."""
    if not organisation_ids:
        return set()
    from ..models import MeetingAttendee

    elsewhere = set(
        db.session.scalars(
            sa.select(MeetingAttendee.organisation_id)
            .join(PanelMeeting, PanelMeeting.id == MeetingAttendee.meeting_id)
            .where(
                PanelMeeting.panel_id == panel.id,
                PanelMeeting.id != meeting.id,
                MeetingAttendee.organisation_id.in_(sorted(organisation_ids)),
            )
            .distinct()
        )
    )
    return organisation_ids - elsewhere
