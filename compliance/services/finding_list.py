"""Every finding a user may see, filtered, sorted and a page at a time (the findings page and its
CSV), and the dashboard's work grouped by rule. A fixed number of queries whatever the register's
size: a count, one page of findings with their rules and areas, and the filters' choices."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Area, Finding, Panel, PanelMeeting, Rule
from ..models.enums import FindingStatus, Severity, SubjectType
from ..models.finding import finding_area
from . import finding_store, page_cache
from .access import Scope
from .dashboard import WORST_FIRST, by_rule
from .records import Page

PAGE_SIZE = 50
SORTS = {
    "severity": (WORST_FIRST, Rule.gnn),
    "rule": (Rule.gnn, WORST_FIRST),
    "record": (Finding.subject_name, Finding.subject_ref),
    "raised": (Finding.first_raised_on,),
    "status": (Finding.status, WORST_FIRST),
}


@dataclass(frozen=True)
class Filters:
    """What the findings page is asked to show; values it does not know are ignored, not errors
    (they come from a URL)."""

    severity: str = ""
    rule: str = ""
    area: str = ""
    status: str = ""
    record_type: str = ""
    panel: str = ""
    chosen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        def one_of(name: str, allowed) -> str:
            value = args.get(name, "")
            return value if value in allowed else ""

        values = {
            "severity": one_of("severity", {s.value for s in Severity}),
            "rule": args.get("rule", "")[:64] if args.get("rule", "").replace("_", "").isalnum() else "",
            "area": args.get("area", "")[:64],
            "status": one_of("status", {s.value for s in FindingStatus}),
            "record_type": one_of("record_type", {s.value for s in SubjectType}),
            "panel": args.get("panel", "")[:64],
        }
        return cls(**values, chosen={name: value for name, value in values.items() if value})

    def condition(self, scope: Scope) -> sa.ColumnElement[bool]:
        conditions = [scope.where(Finding)]
        if self.severity:
            conditions.append(Finding.severity == Severity(self.severity))
        if self.rule:
            conditions.append(Finding.rule_code == self.rule)
        if self.status:
            conditions.append(Finding.status == FindingStatus(self.status))
        if self.record_type:
            conditions.append(Finding.subject_type == SubjectType(self.record_type))
        if self.area:
            conditions.append(
                sa.exists()
                .where(finding_area.c.finding_id == Finding.id, finding_area.c.area_id == Area.id)
                .where(Area.ref == self.area)
            )
        if self.panel:  # the panel and its meetings
            meetings = sa.select(PanelMeeting.ref).join(Panel, Panel.id == PanelMeeting.panel_id)
            conditions.append(
                sa.or_(
                    sa.and_(Finding.subject_type == SubjectType.PANEL, Finding.subject_ref == self.panel),
                    sa.and_(
                        Finding.subject_type == SubjectType.PANEL_MEETING,
                        Finding.subject_ref.in_(meetings.where(Panel.ref == self.panel)),
                    ),
                )
            )
        return sa.and_(*conditions)


def _statement(scope: Scope, filters: Filters, sort: str):
    descending = sort.startswith("-")
    order = SORTS.get(sort.lstrip("-"), SORTS["severity"])
    return (
        sa.select(Finding)
        .join(Rule, Rule.code == Finding.rule_code)
        .options(selectinload(Finding.rule), selectinload(Finding.areas))
        .where(filters.condition(scope))
        .order_by(*(column.desc() if descending else column for column in order), Finding.id)
    )


@dataclass(frozen=True)
class FindingsPage(Page):
    # The ids of the page's findings whose record is gone: shown without a link to it.
    gone: frozenset[int] = frozenset()


def search(scope: Scope, filters: Filters, sort: str = "", page: int = 1) -> FindingsPage:
    """A page of the matching findings. Counting and sorting every match (some fifteen thousand
    for a national admin) is the costly part: the count and the page's finding ids are kept until
    the register changes (services/page_cache.py), and the findings themselves read by id."""

    def locate() -> tuple[int, int, list[int]]:
        count = sa.select(sa.func.count()).select_from(Finding).where(filters.condition(scope))
        total = db.session.scalar(count) or 0
        number = max(1, min(page, max(1, math.ceil(total / PAGE_SIZE))))
        ids = _statement(scope, filters, sort).with_only_columns(Finding.id)
        return total, number, list(db.session.scalars(ids.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)))

    key = (scope.role, scope.area_ids, tuple(sorted(filters.chosen.items())), sort, page)
    total, number, ids = page_cache.kept("findings", key, locate)
    statement = sa.select(Finding).options(selectinload(Finding.rule), selectinload(Finding.areas))
    found = {finding.id: finding for finding in db.session.scalars(statement.where(Finding.id.in_(ids)))} if ids else {}
    # A closed finding of a record since purged must not link to a record given its ref later.
    return FindingsPage(
        [found[i] for i in ids if i in found],
        total,
        number,
        PAGE_SIZE,
        gone=frozenset(finding_store.about_gone_records(ids)),
    )


def open_ones(scope: Scope, ids: list[int] | None = None, filters: Filters | None = None) -> list[Finding]:
    """The open findings the user may see, by id or by filters (to accept their risk together), with
    their history loaded for the events acceptance adds."""
    condition = (filters or Filters()).condition(scope)
    if ids is not None:
        condition = sa.and_(condition, Finding.id.in_(ids))
    statement = (
        sa.select(Finding)
        .options(selectinload(Finding.events))
        .where(condition, Finding.status == FindingStatus.OPEN)
        .order_by(Finding.id)
    )
    return list(db.session.scalars(statement))


def open_counts(scope: Scope, subject_type: SubjectType) -> dict[str, int]:
    """Open findings per subject of one type, {ref: count}, in one grouped query (the chair's
    dashboard counts them per meeting)."""
    statement = (
        sa.select(Finding.subject_ref, sa.func.count())
        .where(Finding.subject_type == subject_type, Finding.status == FindingStatus.OPEN, scope.where(Finding))
        .group_by(Finding.subject_ref)
    )
    return dict(db.session.execute(statement).all())


def every(scope: Scope, filters: Filters, sort: str = "") -> Iterator[Finding]:
    """Every matching finding, for the CSV: loaded in batches of 1,000."""
    statement = _statement(scope, filters, sort).execution_options(yield_per=1000)
    yield from db.session.scalars(statement)


def choices(scope: Scope) -> dict[str, list[tuple[str, str]]]:
    """The rules and areas the user's findings fall in, for the filters' select boxes."""
    rules = sa.select(Rule.code, Rule.title, Rule.gnn).where(
        sa.exists().where(Finding.rule_code == Rule.code, scope.where(Finding))
    )
    areas = sa.select(Area.ref, Area.name).where(scope.where(Area)).order_by(Area.name)
    panels = sa.select(Panel.ref, Panel.name).where(scope.where(Panel)).order_by(Panel.name)
    return {
        "panel": [(ref, name) for ref, name in db.session.execute(panels)],
        "rule": [
            (code, f"{title} ({code})") for code, title, _ in sorted(db.session.execute(rules), key=lambda r: r[2])
        ],
        "area": [(ref, name) for ref, name in db.session.execute(areas)],
    }


def open_by_rule(scope: Scope, per_rule: int = 5, rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The open work grouped by rule, worst first: each rule's title, severity, count, what to do
    and the law once, with its first `per_rule` affected records. Three queries in all (two when
    given `rows`, the dashboard's counts by rule)."""
    rows = by_rule(scope) if rows is None else rows
    if not rows:
        return []
    open_ = sa.and_(Finding.status == FindingStatus.OPEN, scope.where(Finding))
    position = (
        sa.func.row_number()
        .over(partition_by=(Finding.rule_code, Finding.severity), order_by=(Finding.subject_name, Finding.id))
        .label("position")
    )
    ranked = sa.select(Finding.id, position).where(open_).subquery()
    statement = (
        sa.select(Finding)
        .join(ranked, ranked.c.id == Finding.id)
        .where(ranked.c.position <= per_rule)
        .options(selectinload(Finding.areas))
        .order_by(ranked.c.position)
    )
    records: dict[tuple[str, str], list[Finding]] = {}
    for finding in db.session.scalars(statement):
        records.setdefault((finding.rule_code, finding.severity.value), []).append(finding)
    rules = {
        rule.code: rule
        for rule in db.session.scalars(
            sa.select(Rule).options(selectinload(Rule.references)).where(Rule.code.in_({row["code"] for row in rows}))
        )
    }
    return [
        {**row, "rule": rules[row["code"]], "findings": records.get((row["code"], row["severity"]), [])} for row in rows
    ]


CSV_COLUMNS = (
    "rule",
    "severity",
    "status",
    "areas",
    "subject_type",
    "subject_ref",
    "subject_name",
    "message",
    "first_raised_on",
    "last_raised_on",
    "remediated_on",
    "accepted_reason",
    "review_on",
)


def as_csv(found: Iterator[Finding]) -> Iterator[str]:
    """The findings as CSV lines (ISO dates, stored codes, as `compliance gaps --format csv`);
    never a formula in a spreadsheet that opens it."""
    from ..reports.workbook import inert

    def line(cells: list[Any]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(inert(c) if isinstance(c, str) else c for c in cells)
        return out.getvalue()

    yield line(list(CSV_COLUMNS))
    for finding in found:
        yield line(
            [
                finding.rule_code,
                finding.severity.value,
                finding.status.value,
                " ".join(area.ref for area in finding.areas),
                finding.subject_type.value,
                finding.subject_ref,
                finding.subject_name or "",
                finding.message,
                finding.first_raised_on.isoformat(),
                finding.last_raised_on.isoformat(),
                finding.remediated_on.isoformat() if finding.remediated_on else "",
                finding.accepted_reason or "",
                finding.review_on.isoformat() if finding.review_on else "",
            ]
        )
