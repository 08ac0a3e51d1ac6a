"""Rules about an area's designations (G30)."""

from __future__ import annotations

from datetime import date

from ..models import Area
from ..models.enums import DesignationKind, Severity, SubjectType
from .base import Hit, humanise, listing, rule
from .context import RuleContext


def financial_year(on: date) -> str:
    """The UK financial year (1 April to 31 March) containing a date, written "2021/22"."""
    start = on.year if on.month >= 4 else on.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


@rule("DESIGNATION_UNSOURCED", "G30", SubjectType.AREA, Severity.LOW)
def designation_unsourced(area: Area, ctx: RuleContext) -> Hit | None:
    year = financial_year(ctx.as_of)
    problems = []
    unsourced = [f"{humanise(d.kind.value)} {d.financial_year}" for d in area.designations if not d.source]
    if unsourced:
        problems.append(f"no source is recorded for {listing(unsourced)}")
    recorded = {d.kind for d in area.designations if d.financial_year == year}
    absent = [humanise(kind.value) for kind in DesignationKind if kind not in recorded]
    if absent:
        problems.append(f"no {listing(absent)} designation is recorded for {year}")
    if problems:
        return Hit(f"Area {area.name}: {listing(problems)}.")
    return None
