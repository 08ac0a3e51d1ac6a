"""The gap dashboard: open findings by severity, rule and area, worst first; the trend; reviews due.

A fixed number of queries whatever the register's size: counts are grouped in SQL, the worst
findings are one limited query, the trend is one grouped query over the findings' history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Area, Dpia, Dsa, Finding, FindingEvent, Mou, Organisation, ProcessingContract, Rule
from ..models.enums import DpiaStatus, DsaStatus, FindingEventKind, FindingStatus, Severity
from ..models.finding import finding_area
from . import page_cache
from .access import Scope

WORST_FIRST = sa.case({"high": 0, "medium": 1, "low": 2}, value=Finding.severity)
REVIEW_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Review:
    kind: str
    key: str
    ref: str
    title: str
    due: date

    @property
    def overdue(self) -> bool:
        return self.due < date.today()


def _open(scope: Scope):
    return sa.and_(Finding.status == FindingStatus.OPEN, scope.where(Finding))


def by_severity(scope: Scope) -> dict[str, int]:
    counts = {severity.value: 0 for severity in Severity}
    statement = sa.select(Finding.severity, sa.func.count()).where(_open(scope)).group_by(Finding.severity)
    for severity, count in db.session.execute(statement):
        counts[severity.value] = count
    return counts


def by_rule(scope: Scope) -> list[dict[str, Any]]:
    statement = (
        sa.select(Finding.rule_code, Rule.title, Rule.gnn, Finding.severity, sa.func.count())
        .join(Rule, Rule.code == Finding.rule_code)
        .where(_open(scope))
        .group_by(Finding.rule_code, Rule.title, Rule.gnn, Finding.severity)
    )
    rows = [dict(code=c, title=t, gnn=g, severity=s.value, count=n) for c, t, g, s, n in db.session.execute(statement)]
    rank = {"high": 0, "medium": 1, "low": 2}
    return sorted(rows, key=lambda row: (rank[row["severity"]], -row["count"], row["gnn"]))


def _in_areas(scope: Scope, *columns: Any) -> sa.Select:
    """Open findings, one row per area each counts against, within the user's areas. The
    dashboard's By area table and each area's page both read these rows, so they always agree."""
    return (
        sa.select(*columns)
        .select_from(Area)
        .join(finding_area, finding_area.c.area_id == Area.id)
        .join(Finding, Finding.id == finding_area.c.finding_id)
        .where(Finding.status == FindingStatus.OPEN, scope.where(Area))  # the area condition scopes it
    )


def by_area(scope: Scope, area_ref: str | None = None) -> list[dict[str, Any]]:
    """Open findings per area and severity; `area_ref`: that area's row only."""
    statement = _in_areas(scope, Area.ref, Area.name, Finding.severity, sa.func.count()).group_by(
        Area.ref, Area.name, Finding.severity
    )
    if area_ref is not None:
        statement = statement.where(Area.ref == area_ref)
    areas: dict[str, dict[str, Any]] = {}
    for ref, name, severity, count in db.session.execute(statement):
        row = areas.setdefault(ref, {"ref": ref, "name": name, "high": 0, "medium": 0, "low": 0})
        row[severity.value] = count
    return sorted(areas.values(), key=lambda r: (-r["high"], -r["medium"], -r["low"], r["ref"]))


def in_area(scope: Scope, area_ref: str, *, limit: int, offset: int = 0) -> list[Finding]:
    """The open findings the dashboard counts for one area, worst first: a page of them."""
    statement = (
        _in_areas(scope, Finding)
        .join(Rule, Rule.code == Finding.rule_code)
        .options(selectinload(Finding.rule))
        .where(Area.ref == area_ref)
        .order_by(WORST_FIRST, Rule.gnn, Finding.subject_ref, Finding.id)
        .limit(limit)
        .offset(offset)
    )
    return list(db.session.scalars(statement))


def trend(scope: Scope, months: int = 12, today: date | None = None) -> list[dict[str, Any]]:
    """Per month: findings raised (or reopened), closed, and open at the month's end."""
    today = today or date.today()
    month = sa.func.substr(sa.cast(FindingEvent.on, sa.String), 1, 7)
    statement = (
        sa.select(month, FindingEvent.kind, sa.func.count())
        .join(Finding, Finding.id == FindingEvent.finding_id)
        .where(scope.where(Finding), FindingEvent.kind.in_(_TREND_KINDS))
        .group_by(month, FindingEvent.kind)
    )
    changes: dict[str, dict[str, int]] = defaultdict(lambda: {"raised": 0, "closed": 0})
    for when, kind, count in db.session.execute(statement):
        changes[when]["closed" if kind in _CLOSING else "raised"] += count
    running, rows = 0, []
    for key in sorted(k for k in changes if k < _month_key(today, -months + 1)):
        running += changes[key]["raised"] - changes[key]["closed"]
    for offset in range(-months + 1, 1):
        key = _month_key(today, offset)
        running += changes[key]["raised"] - changes[key]["closed"]
        rows.append({"month": key, **changes[key], "open": running})
    return rows


_CLOSING = {FindingEventKind.CLOSED, FindingEventKind.MARKED_REMEDIATED}
_TREND_KINDS = [FindingEventKind.RAISED, FindingEventKind.REOPENED, *_CLOSING]


def _month_key(today: date, offset: int) -> str:
    index = today.year * 12 + today.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def reviews_due(scope: Scope, today: date | None = None) -> list[Review]:
    """DSA, DPIA, contract and MOU reviews due within 90 days, and those overdue."""
    today = today or date.today()
    horizon = today + timedelta(days=REVIEW_WINDOW_DAYS)
    queries = [
        ("DSA review", "dsas", Dsa, Dsa.title, Dsa.review_due, Dsa.status == DsaStatus.IN_FORCE),
        ("DPIA review", "dpias", Dpia, Dpia.title, Dpia.review_due, Dpia.status == DpiaStatus.COMPLETED),
        (
            "Contract end",
            "processing_contracts",
            ProcessingContract,
            ProcessingContract.subject_matter,
            ProcessingContract.ends_on,
            sa.true(),
        ),
        ("MOU review", "mous", Mou, Mou.title, Mou.review_due, sa.true()),
    ]
    reviews = []
    for kind, key, model, title, due, live in queries:
        # An archived record's review is not due: it is kept, not in use.
        statement = sa.select(model.ref, title, due).where(
            due.is_not(None), due <= horizon, live, model.archived_on.is_(None), scope.where(model)
        )
        reviews.extend(Review(kind, key, ref, name or ref, when) for ref, name, when in db.session.execute(statement))
    return sorted(reviews, key=lambda review: (review.due, review.kind, review.ref))


def to_complete(scope: Scope) -> list[dict[str, str]]:
    """Organisations a panel chair added at a meeting with only a name and a partner type, still
    marked for the DPO to complete (services/meetings.add_organisation)."""
    statement = (
        sa.select(Organisation.ref, Organisation.name)
        .where(Organisation.needs_completion.is_(True), scope.where(Organisation))
        .order_by(Organisation.name, Organisation.ref)
    )
    return [{"ref": ref, "name": name} for ref, name in db.session.execute(statement)]


# --- the counts, kept per scope until the register or its findings change ---------------------------


def counts(scope: Scope, at: tuple | None = None) -> dict[str, Any]:
    """By severity, by rule, by area, the trend and the reviews due. Grouping a national register's
    findings costs tens of milliseconds a request; the result is kept (in this process) until the
    register changes (services/page_cache.py; `at`: its version, when the caller has read it)."""
    return page_cache.kept(
        "dashboard counts",
        (scope.role, scope.area_ids),
        lambda: {
            "summary": by_severity(scope),
            "rules": by_rule(scope),
            "areas": by_area(scope),
            "trend": trend(scope),
            "reviews": reviews_due(scope),
            "to_complete": to_complete(scope),
        },
        at,
    )
