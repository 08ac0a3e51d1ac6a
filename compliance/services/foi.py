"""FOI draft answers for one area, from the register as it stands at a date; a DPO's decisions on
them (withholding, marking the draft final for release); the draft as a document to send."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..models import Area, FoiRelease, FoiWithholding, Organisation
from ..reports import foi, foi_document
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
    context = register.rule_context(as_of or register.default_as_of())
    return foi.draft(context, area_ref, withheld, register.holder_ref())


def holder_name() -> str | None:
    """The name of the organisation whose register this is (it answers FOI requests), if set."""
    ref = register.holder_ref()
    return db.session.scalar(sa.select(Organisation.name).where(Organisation.ref == ref)) if ref else None


def set_holder(scope: Scope, organisation_ref: str | None, *, actor: str) -> None:
    """An admin's setting, register-wide: the organisation that answers FOI requests from this
    register (the exchange format's `holder`); None: each area's responsible authority. Audited."""
    scope.require(scope.can_manage_users)
    organisation = None
    if organisation_ref:
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.ref == organisation_ref))
        if organisation is None:
            raise NotVisible(organisation_ref)
    before = {"holder": register.holder_ref()}
    after = {"holder": organisation.ref if organisation else None}
    if before == after:
        return
    register.register_info().holder_id = organisation.id if organisation else None
    audit.record_change(
        actor=actor, source="web", record_type="setting", record_ref="foi-holder", before=before, after=after
    )
    db.session.commit()


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
    allowed = {"s38"} if question == 14 else {"s24", "s31"}
    if not set(exemptions) <= allowed:
        raise ValueError(f"question {question} can be withheld under {', '.join(sorted(allowed))} only")
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


class NotReady(ValueError):
    """The draft cannot be marked final: some answers still need a reason or a public interest test."""

    def __init__(self, questions: list[int]) -> None:
        self.questions = questions
        listed = ", ".join(str(q) for q in questions)
        super().__init__(f"the answers to questions {listed} still need a reason or a public interest test")


def fingerprint(result: foi.Draft) -> str:
    """What a release mark applies to: the answers as drafted (not the date, so a mark lasts while
    the answers stay the same)."""
    content = {key: value for key, value in result.as_json().items() if key != "as_of"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def released(area_ref: str, result: foi.Draft) -> bool:
    """Whether a DPO marked this very draft final for release."""
    stored = db.session.scalar(
        sa.select(FoiRelease.fingerprint).join(Area, Area.id == FoiRelease.area_id).where(Area.ref == area_ref)
    )
    return stored == fingerprint(result)


def mark_final(scope: Scope, area_ref: str, *, actor: str, final: bool = True, today: date | None = None) -> None:
    """Mark the area's draft as it stands final for release (or withdraw the mark). Refused while an
    answer still needs a reason or a public interest test."""
    scope.require(scope.can_edit_register)
    result = draft(area_ref, scope=scope)
    area = db.session.scalar(sa.select(Area).where(Area.ref == area_ref, scope.where(Area)))
    if area is None:
        raise NotVisible(area_ref)
    if final and result.pending:
        raise NotReady(result.pending)
    row = db.session.scalar(sa.select(FoiRelease).where(FoiRelease.area_id == area.id))
    before = {"fingerprint": row.fingerprint} if row else None
    after = None
    if final:
        row = row or FoiRelease(area_id=area.id)
        row.fingerprint, row.marked_by, row.marked_on = fingerprint(result), actor, today or date.today()
        db.session.add(row)
        after = {"fingerprint": row.fingerprint}
    elif row is not None:
        db.session.delete(row)
    audit.record_change(
        actor=actor, source="web", record_type="foi_release", record_ref=area_ref, before=before, after=after
    )
    db.session.commit()


DOCUMENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def document(area_ref: str, kind: str, scope: Scope) -> tuple[str, str, bytes]:
    """(file name, media type, content) of the draft to send, marked OFFICIAL-SENSITIVE unless a
    DPO marked it final for release."""
    result = draft(area_ref, scope=scope)
    marked = not released(area_ref, result)
    name = f"foi-response-{area_ref}-{result.as_of.isoformat()}.{kind}"
    if kind == "docx":
        return name, DOCUMENT_TYPES[kind], foi_document.as_docx(result, marked=marked)
    return name, DOCUMENT_TYPES[kind], foi_document.as_text(result, marked=marked).encode("utf-8")


def as_text(result: foi.Draft) -> str:
    """The draft for the DPO (the CLI's text format): with each answer's exemptions and sources."""
    return foi_document.as_text(result, marked=not released(result.area, result), notes=True)


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
