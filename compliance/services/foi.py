"""FOI draft answers for one area, from the register as it stands at a date."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..models import Area, FoiWithholding
from ..reports import foi
from . import audit, register
from .access import NotVisible, Scope
from .register import UnknownArea


def draft(area_ref: str, as_of: date | None = None, scope: Scope | None = None) -> foi.Draft:
    condition = Area.ref == area_ref
    if scope is not None:
        condition = sa.and_(condition, scope.where(Area))
    area_id = db.session.scalar(sa.select(Area.id).where(condition))
    if area_id is None:
        raise (NotVisible if scope is not None else UnknownArea)(area_ref)
    withheld = {
        row.question: (row.exemptions, row.public_interest)
        for row in db.session.scalars(sa.select(FoiWithholding).where(FoiWithholding.area_id == area_id))
    }
    return foi.draft(register.rule_context(as_of or register.default_as_of()), area_ref, withheld)


def set_withholding(
    scope: Scope,
    area_ref: str,
    question: int,
    exemptions: list[str],
    public_interest: str,
    *,
    actor: str,
    today: date | None = None,
) -> None:
    """Record a DPO's decision to withhold one answer (or, with no exemptions, to stop withholding it)."""
    scope.require(scope.can_edit_register)
    area = db.session.scalar(sa.select(Area).where(Area.ref == area_ref, scope.where(Area)))
    if area is None:
        raise NotVisible(area_ref)
    if not 1 <= question <= 14:
        raise ValueError("question must be 1 to 14")
    row = db.session.scalar(
        sa.select(FoiWithholding).where(FoiWithholding.area_id == area.id, FoiWithholding.question == question)
    )
    before = {"exemptions": row.exemptions, "public_interest": row.public_interest} if row else None
    if exemptions:
        row = row or FoiWithholding(area_id=area.id, question=question)
        row.exemptions, row.public_interest = sorted(exemptions), public_interest.strip()
        row.decided_by, row.decided_on = actor, today or date.today()
        db.session.add(row)
        after = {"exemptions": row.exemptions, "public_interest": row.public_interest}
    else:
        if row is not None:
            db.session.delete(row)
        after = None
    audit.record_change(
        actor=actor,
        source="web",
        record_type="foi_withholding",
        record_ref=f"{area_ref}-q{question}",
        record_id=area.id,  # the area's: its DPOs and auditors read the entry
        before=before,
        after=after,
    )
    db.session.commit()


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


def record_generation(area_ref: str, text: str, output_format: str, *, actor: str) -> None:
    """Record in the audit trail that FOI answers were drafted (the text's SHA-256, the area), in
    their own transaction."""
    import hashlib

    try:
        audit.record_report(
            kind="foi",
            area_ref=area_ref,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            details={"format": output_format},
            actor=actor,
            source="cli",
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
