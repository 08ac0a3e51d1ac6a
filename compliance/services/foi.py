"""FOI draft answers for one area, from the register as it stands at a date."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..models import Area
from ..reports import foi
from . import register
from .access import NotVisible, Scope


class UnknownArea(LookupError):
    pass


def draft(area_ref: str, as_of: date | None = None, scope: Scope | None = None) -> foi.Draft:
    condition = Area.ref == area_ref
    if scope is not None:
        condition = sa.and_(condition, scope.where(Area))
    if db.session.scalar(sa.select(Area.id).where(condition)) is None:
        raise (NotVisible if scope is not None else UnknownArea)(area_ref)
    return foi.draft(register.rule_context(as_of or register.default_as_of()), area_ref)


def as_text(result: foi.Draft) -> str:
    lines = [f"Draft FOI response: Prevent/Channel data management, {result.area_name}, as of {result.as_of}", ""]
    for answer in result.answers:
        lines += [f"{answer.question}: {foi.QUESTIONS[answer.question]}", "", answer.text, ""]
        if answer.exemptions:
            lines.append(f"[Exemptions: {', '.join(answer.exemptions)}]")
        if answer.sources:
            lines.append("[Sources: " + ", ".join(f"{s['type']} {s['ref']}" for s in answer.sources) + "]")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
