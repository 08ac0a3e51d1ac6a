"""Findings and their life: raised by the rules, accepted as a risk, remediated, closed, reopened.

`refresh()` runs every rule at the register's evaluation date and brings the stored findings in
line: new findings open, findings the rules no longer raise close (remediated, with the date),
findings raised again reopen. Every step is a FindingEvent, so the history is never lost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..exchange import fields as f
from ..extensions import db
from ..models import Area, Finding, FindingEvent, Rule, StorageSystem
from ..models.enums import FindingEventKind, FindingStatus, Severity, SubjectType
from ..models.finding import finding_area
from ..rules.base import REGISTRY, RaisedFinding
from ..rules.context import RuleContext
from ..rules.engine import DATED, FIELD_READERS, OWN_FIELDS, evaluate
from . import area_scope, finding_store, reference, refresh_marker, register, snapshot
from .access import NotVisible, Scope
from .finding_store import Refreshed


class FindingError(Exception):
    """A request about a finding that cannot be done; the message says why."""


def evaluate_at(as_of: date) -> list[RaisedFinding]:
    """What the rules raise at `as_of`, without storing anything."""
    reference.ensure_loaded()
    with snapshot.gc_paused():
        return evaluate(register.rule_context(as_of, rules_only=True))


def refresh(actor: str, as_of: date | None = None) -> Refreshed:
    """Run every rule over the whole register at its evaluation date and store the outcome."""
    as_of = as_of or register.default_as_of()
    with snapshot.gc_paused():
        return finding_store.store(evaluate_at(as_of), as_of=as_of, actor=actor)


def bring_up_to_date(actor: str, as_of: date, area_ref: str | None = None) -> str:
    """Make the stored findings exact for `as_of` (those about `area_ref`, or all), doing as little
    as the register allows; says what it did. Nothing, when the register has not changed since
    they were last exact for `as_of` (refresh_marker.py); only the rules that read the date
    (rules.engine.DATED), over the whole register, when nothing but the date has moved on; else
    the area's scoped refresh, or every rule."""
    marker = refresh_marker.current()
    if marker is not None and marker.as_of == as_of:
        return "read"
    if marker is not None:
        reference.ensure_loaded()
        with snapshot.gc_paused():
            raised = evaluate(register.rule_context(as_of, rules_only=True), DATED)
            finding_store.store(raised, as_of=as_of, actor=actor, rules=DATED)
        refresh_marker.mark(as_of)
        return "dated rules"
    if area_ref is not None:
        refresh_area(area_ref, actor, as_of)
        return "area"
    refresh(actor, as_of)
    return "every rule"


# Changes to these refresh the areas they touch (an organisation: the areas of every record that
# points at it, area_scope.referrers); a change to a joint-controller arrangement (read by flows of
# its parties anywhere) runs every rule.
SCOPED_KEYS = frozenset(
    {
        "areas",
        "organisations",
        "data_flows",
        "panels",
        "dsas",
        "dpias",
        "mous",
        "storage_systems",
        "privacy_notices",
        "processing_contracts",
    }
)
SUBJECT_TYPES = {
    key: SubjectType(record_type.subject)
    for key, record_type in f.BY_KEY.items()
    if record_type.subject in {t.value for t in SubjectType}
}
KEYS = {subject_type: key for key, subject_type in SUBJECT_TYPES.items()}


def refresh_after_change(
    actor: str,
    touched: set[tuple[str, str]],
    affected: set[tuple[str, str]],
    as_of: date | None = None,
    changed: Mapping[tuple[str, str], frozenset[str]] | None = None,
) -> Refreshed:
    """The refresh after a change to a few records (`touched`, as (list name, ref)); `affected`
    adds every record they pointed at before or point at now. Refreshes the areas those belong to,
    widened (three times at most) until every affected subject is decided there (area_scope.py);
    otherwise, and for changes to organisations or arrangements, every rule. `changed`: for each
    record among `touched` that was stored before, the exchange-format keys whose values changed
    (none for one saved as it was): when every touched record is one of them and changed only
    fields its own rules alone read (OWN_FIELDS), the refresh decides those records alone."""
    if not {key for key, _ in touched} <= SCOPED_KEYS:
        return refresh(actor, as_of)
    if changed and _own_fields_only(touched, changed):
        scope = area_scope.flows_alone({ref for _, ref in touched})
        return _refresh_scope(scope, actor, as_of or register.default_as_of())
    kinds = _readers_of_changes(touched, changed or {})
    if kinds is not None:
        # Only fields some kinds of record read changed (rules.engine.FIELD_READERS): of the
        # records the flows point at, those of other kinds keep their findings, so their areas
        # (the five of a police force a flow involves) need not be refreshed.
        affected = {item for item in affected if item in touched or SUBJECT_TYPES.get(item[0]) in kinds}
    # An organisation is read by every record that points at it (its name is in their findings'
    # messages, its type and status in their rules): those are affected wherever they are.
    readers = area_scope.referrers({ref for key, ref in touched if key == "organisations"})
    affected = set(affected) | readers
    wanted = {(SUBJECT_TYPES[key], ref) for key, ref in affected if key in SUBJECT_TYPES}
    # A storage system a changed flow merely uses is decided in any scope (area_scope.live_users):
    # the areas of every flow that uses it (for the national system, all of them) are not needed.
    # One that reads a changed organisation is needed where every flow that uses it is.
    placed = {item for item in affected if item[0] != "storage_systems" or item in touched or item in readers}
    # A shared storage system nothing affected keeps its stored findings: what its rules read (the
    # system, its owner, which live flows use it and where) has not changed.
    systems = {ref for key, ref in affected if key == "storage_systems"}
    # A meeting's rules read the meeting, its panel and its attendees' organisations: a change to
    # none of these (a panel, or an organisation, whose readers include the panels it attends)
    # leaves the meetings' findings as they are.
    meetings = any(key == "panels" for key, _ in affected)
    areas = area_scope.areas_of(placed)
    for _ in range(3):
        scope = area_scope.build(areas, shared_systems=systems, meetings=meetings)
        missing = [(KEYS[subject_type], ref) for subject_type, ref in wanted if not scope.covers(subject_type, ref)]
        if not missing:
            return _refresh_scope(scope, actor, as_of or register.default_as_of())
        more = area_scope.areas_of(missing)
        if more <= areas:
            break
        areas |= more
    return refresh(actor, as_of)


def _own_fields_only(touched: set[tuple[str, str]], changed: Mapping[tuple[str, str], frozenset[str]]) -> bool:
    """Whether every touched record is a stored flow whose save changed only fields no rule about
    another subject reads (rules.engine.OWN_FIELDS; flows alone for now), or nothing."""
    return all(
        key == "data_flows" and (key, ref) in changed and _attributes(key, changed[(key, ref)]) <= OWN_FIELDS[key]
        for key, ref in touched
    )


def _readers_of_changes(
    touched: set[tuple[str, str]], changed: Mapping[tuple[str, str], frozenset[str]]
) -> frozenset[SubjectType] | None:
    """When every touched record was stored before and its save changed only fields named for its
    list in rules.engine.FIELD_READERS, the kinds of record whose rules read those; else None."""
    kinds: set[SubjectType] = set()
    for item in touched:
        key = item[0]
        readers = FIELD_READERS.get(key, {})
        if item not in changed:
            return None
        attributes = _attributes(key, changed[item])
        if not attributes <= readers.keys():
            return None
        kinds.update(*(readers[attribute] for attribute in attributes))
    return frozenset(kinds)


def _attributes(key: str, record_keys: frozenset[str]) -> set[str]:
    """The model attributes behind exchange-format keys of a `key` record (a nested group such as a
    flow's "retention" stands for each of its fields; a key the list does not know stands for
    itself, which no OWN_FIELDS entry names)."""
    fields = {field.key: (field.attribute,) for field in f.BY_KEY[key].fields}
    fields |= {"subjects": tuple(x.attribute for x in f.SUBJECTS), "retention": tuple(x.attribute for x in f.RETENTION)}
    return {attribute for name in record_keys for attribute in fields.get(name, (name,))}


def refresh_meeting(meeting, actor: str, *, attendance_changed: bool, panel_too: bool = False) -> Refreshed:
    """The refresh after a change to one panel meeting: the rules about that meeting (G24, G25)
    over that meeting alone, and with `panel_too` (a new meeting) the rules about its panel, so
    its cost does not grow with the panel's history. When an organisation began or stopped
    attending the panel (`attendance_changed`), what the panel's areas decide about organisations
    (G31) may change too: the areas of the panel are refreshed instead."""
    panel = meeting.panel
    if attendance_changed:
        touched = {("panels", panel.ref)}
        affected = touched | {("areas", area.ref) for area in panel.areas}
        return refresh_after_change(actor, touched, affected)
    reference.ensure_loaded()
    as_of = register.default_as_of()
    ctx = RuleContext(
        as_of=as_of,
        partner_types=register.partner_types(),
        commencements=register.commencement_dates(),
        panels=[panel] if panel_too else (),
    )
    ctx.__dict__["meetings"] = [meeting]
    kinds = {SubjectType.PANEL_MEETING, SubjectType.PANEL} if panel_too else {SubjectType.PANEL_MEETING}
    codes = [code for code, spec in REGISTRY.items() if spec.subject_type in kinds]
    subjects = {(SubjectType.PANEL_MEETING, meeting.ref)} | ({(SubjectType.PANEL, panel.ref)} if panel_too else set())
    return finding_store.store(evaluate(ctx, codes), as_of=as_of, actor=actor, subjects=subjects)


def _refresh_scope(scope: area_scope.AreaScope, actor: str, as_of: date) -> Refreshed:
    reference.ensure_loaded()
    with snapshot.gc_paused():
        without = scope.unread | (frozenset() if scope.meetings else frozenset({"confidentiality"}))
        snap = snapshot.load(scope.lean_ids, refs_only=scope.refs_only, without=without)
        ctx = _scope_context(scope, as_of, snap, _ScopeContext)
        ctx.owned = scope.owned
        raised = [item for item in evaluate(ctx) if scope.covers(item.subject_type, item.subject_ref)]
        refreshed = finding_store.store(raised, as_of=as_of, actor=actor, subjects=scope.owned)
        # The snapshot's records link to one another (a panel to its meetings and back), so only the
        # cycle collector could free them, walking every one of them after each save: unlinked
        # here, they go as soon as the last reference does.
        del ctx
        _release(snap)
    return refreshed


def _release(snap: snapshot.Snapshot) -> None:
    for objects in snap.by_id.values():
        for obj in objects.values():
            obj.__dict__.clear()
    snap.by_id.clear()
    snap.records.clear()


class _ScopeContext(RuleContext):
    """The rules' view of a scope, whose subjects are only those the scope decides (`owned`): the
    records around them (every area, the organisations of other areas...) are there for the rules
    to read, not to be judged again and thrown away."""

    owned: set[tuple[SubjectType, str]]

    def subjects(self, subject_type: SubjectType) -> list:
        owned = self.owned
        return [subject for subject in super().subjects(subject_type) if (subject_type, subject.ref) in owned]


def _scope_context(
    scope: area_scope.AreaScope,
    as_of: date,
    snap: snapshot.Snapshot | None = None,
    context: type[RuleContext] = RuleContext,
) -> RuleContext:
    """The rules' view of a scope: its records, and for storage systems flows elsewhere use too,
    every live flow that uses them (as stand-ins carrying what the storage rules read)."""
    snap = snap or snapshot.load(scope.ids)
    ctx = context(
        as_of=as_of,
        partner_types=register.partner_types(),
        commencements=register.commencement_dates(),
        **snap.records,
    )
    if scope.shared_systems:
        index = dict(ctx.live_flows_by_storage_system)
        systems, areas = snap.by_id[StorageSystem], snap.by_id[Area]
        for system_id, users in area_scope.live_users(scope.shared_systems).items():
            index[systems[system_id]] = [_LiveUse(ref, areas[area_id]) for ref, area_id in users]
        ctx.__dict__["live_flows_by_storage_system"] = index
    return ctx


class _LiveUse:
    """A live flow elsewhere that uses a shared storage system, as its rules read it."""

    __slots__ = ("ref", "area")

    def __init__(self, ref: str, area: Area) -> None:
        self.ref, self.area = ref, area


def refresh_area(area_ref: str, actor: str, as_of: date) -> Refreshed:
    """Refresh what one area's records decide (before a report about the area reads its findings)."""
    return _refresh_scope(area_scope.build([area_ref]), actor, as_of)


def area_context(area_ref: str, as_of: date) -> RuleContext:
    """The rules' view of one area (its flows and panels and what they rest on), without a refresh."""
    return _scope_context(area_scope.build([area_ref]), as_of)


def in_area(area_ref: str | None) -> list[tuple[RaisedFinding, FindingStatus]]:
    """The stored findings (not closed) about an area (every area: None), as raised, with their
    status, read as plain rows. Consistent with the register: every change refreshes what it can
    affect (refresh_after_change); bring_up_to_date() makes them exact for a date."""
    # Table columns, not the ORM's attributes: plain rows, read without the ORM's loading, the
    # codes read as text and looked up here (a national register has some 15,000 open findings).
    finding, area = Finding.__table__.c, Area.__table__.c
    not_closed = finding.status != FindingStatus.REMEDIATED.value
    columns = (
        finding.id,
        finding.rule_code,
        sa.type_coerce(finding.subject_type, sa.String),
        finding.subject_ref,
        finding.subject_name,
        sa.type_coerce(finding.severity, sa.String),
        finding.message,
        sa.type_coerce(finding.status, sa.String),
    )
    links = sa.select(finding_area.c.finding_id, area.ref).join(Area.__table__)
    if area_ref is None:
        rows = db.session.execute(sa.select(*columns).where(not_closed)).all()
        links = links.join(Finding.__table__, finding.id == finding_area.c.finding_id).where(not_closed)
    else:
        in_area = sa.select(finding_area.c.finding_id).join(Area.__table__).where(area.ref == area_ref)
        rows = db.session.execute(sa.select(*columns).where(finding.id.in_(in_area), not_closed)).all()
        links = links.where(finding_area.c.finding_id.in_(in_area))
    areas = defaultdict(list)
    for finding_id, ref in db.session.execute(links.order_by(area.ref)):
        areas[finding_id].append(ref)
    subject_types, severities, statuses = (
        {member.value: member for member in enum} for enum in (SubjectType, Severity, FindingStatus)
    )
    return [
        (
            RaisedFinding(
                rule=rule,
                subject_type=subject_types[subject_type],
                subject_ref=subject_ref,
                subject_name=subject_name or subject_ref,
                areas=tuple(areas[finding_id]),
                severity=severities[severity],
                message=message,
            ),
            statuses[status],
        )
        for finding_id, rule, subject_type, subject_ref, subject_name, severity, message, status in rows
    ]


def _event(
    finding: Finding, kind: FindingEventKind, actor: str, on: date, severity: Severity, note: str | None = None
) -> None:
    status = finding.status
    finding.events.append(FindingEvent(kind=kind, on=on, actor=actor, severity=severity, status=status, note=note))


statuses = finding_store.statuses


class Conflict(Exception):
    """The finding changed since the page was opened (the rules ran, or someone acted on it)."""

    def __init__(self, finding: Finding, expected: int):
        self.subject, self.ref, self.version = (
            "finding",
            f"{finding.rule_code} on {finding.subject_ref}",
            finding.record_version,
        )
        events = sorted(finding.events, key=lambda e: e.id, reverse=True)[: max(1, finding.record_version - expected)]
        self.changes = [(event, [("status", None, event.status.value)]) for event in events]
        super().__init__(f"the finding {finding.id} has changed since it was opened")


def check_version(finding: Finding, version: int | None) -> None:
    if version is not None and finding.record_version != version:
        raise Conflict(finding, version)


def accept_risk(
    finding: Finding,
    *,
    actor: str,
    reason: str,
    review_on: date,
    today: date | None = None,
    version: int | None = None,
) -> None:
    """Record that the organisation accepts the risk of an open finding, until `review_on`.
    `version`: the finding's version the page showed (Conflict if it changed since)."""
    check_version(finding, version)
    today = today or date.today()
    if finding.status == FindingStatus.REMEDIATED:
        raise FindingError("This finding is closed: there is no risk to accept.")
    _check_acceptance(reason, review_on, today)
    _accept(finding, actor=actor, reason=reason, review_on=review_on, today=today)
    db.session.commit()


def accept_risks(found: list[Finding], *, actor: str, reason: str, review_on: date, today: date | None = None) -> int:
    """Accept the risk of several open findings at once, with one reason and review date: all of
    them or none (a closed one among them is an error naming it). Each is its own event."""
    today = today or date.today()
    if not found:
        raise FindingError("Select at least one open finding.")
    _check_acceptance(reason, review_on, today)
    closed = [finding for finding in found if finding.status == FindingStatus.REMEDIATED]
    if closed:
        names = ", ".join(f"{finding.rule_code} on {finding.subject_ref}" for finding in closed[:5])
        raise FindingError(f"{len(closed)} of the selected findings are closed, so there is no risk to accept: {names}")
    for finding in found:
        _accept(finding, actor=actor, reason=reason, review_on=review_on, today=today)
    db.session.commit()
    return len(found)


def _check_acceptance(reason: str, review_on: date, today: date) -> None:
    if not reason.strip():
        raise FindingError("Enter why the risk is accepted.")
    if review_on <= today:
        raise FindingError("The review date must be in the future.")


def _accept(finding: Finding, *, actor: str, reason: str, review_on: date, today: date) -> None:
    finding.status = FindingStatus.ACCEPTED_RISK
    finding.accepted_reason = reason.strip()
    finding.accepted_by = actor
    finding.accepted_on = today
    finding.review_on = review_on
    finding.record_version += 1
    _event(finding, FindingEventKind.RISK_ACCEPTED, actor, today, finding.severity, note=finding.accepted_reason)


def mark_remediated(finding: Finding, *, actor: str, version: int | None = None) -> None:
    """Close a finding by hand once the record is fixed. Refused while the rules still raise it:
    the rules, not a click, decide whether a gap exists. The refresh it runs is kept either way."""
    check_version(finding, version)
    refresh(actor=actor)
    db.session.commit()
    if finding.status != FindingStatus.REMEDIATED:
        raise FindingError(
            "The rules still find this gap. Fix the record (the finding says what is missing) and it will close."
        )


def get(finding_id: int, scope: Scope) -> Finding:
    statement = (
        sa.select(Finding)
        .options(selectinload(Finding.areas), selectinload(Finding.events))
        .where(Finding.id == finding_id, scope.where(Finding))
    )
    finding = db.session.scalar(statement)
    if finding is None:
        raise NotVisible(f"finding {finding_id}")
    return finding


def subject_is_current(finding: Finding) -> bool:
    """Whether the record the finding is about still exists (by id: a record given its ref since is
    another record)."""
    ids = finding_store.current_ids({(finding.subject_type, finding.subject_ref)})
    return finding.subject_id is not None and ids.get((finding.subject_type, finding.subject_ref)) == finding.subject_id


@dataclass(frozen=True)
class Changed:
    """What a save did to the findings the user can see: those it closed and those it opened
    (new or reopened), as (finding id, rule title, record name), at most `SHOWN` of each, and
    how many in all."""

    closed: list[tuple[int, str, str]]
    opened: list[tuple[int, str, str]]
    closed_count: int
    opened_count: int


SHOWN = 5


def _short(name: str, most: int = 80) -> str:
    return name if len(name) <= most else name[: most - 1] + "…"


def changed(scope: Scope, refreshed: Refreshed) -> Changed:
    """The findings `refreshed` closed and opened, of those `scope` sees (a change can close a
    finding in an area the user does not see: it is not named to them)."""
    if not refreshed.closed_ids and not refreshed.opened_ids:
        return Changed([], [], 0, 0)
    titles = {code: title for code, title in db.session.execute(sa.select(Rule.code, Rule.title))}

    def visible(ids: tuple[int, ...]) -> tuple[list[tuple[int, str, str]], int]:
        found: list[tuple[int, str, str]] = []
        ids_sorted = sorted(set(ids))
        for start in range(0, len(ids_sorted), finding_store.CHUNK):
            statement = sa.select(Finding.id, Finding.rule_code, Finding.subject_name, Finding.subject_ref).where(
                Finding.id.in_(ids_sorted[start : start + finding_store.CHUNK]), scope.where(Finding)
            )
            found.extend(
                (row.id, titles.get(row.rule_code, row.rule_code), _short(row.subject_name or row.subject_ref))
                for row in db.session.execute(statement)
            )
        return found[:SHOWN], len(found)

    closed, closed_count = visible(refreshed.closed_ids)
    opened, opened_count = visible(refreshed.opened_ids)
    return Changed(closed, opened, closed_count, opened_count)
