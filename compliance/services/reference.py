"""Reference data kept as data, not code: legal references, the rule catalogue, partner types and
the dates the provisions the rules apply came into force.

Loaded from `seeds/reference/*.json`, which a DPO can edit (ICO guidance is under review after
the Data (Use and Access) Act 2025). Loading is an upsert by code, so running it again after
editing a file updates the table in place.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from config import BASE_DIR

from ..extensions import db
from ..labels import public_authority_text
from ..models import Commencement, LegalReference, PartnerTypeInfo, Rule
from ..models.enums import PartnerType, Severity, SubjectType
from ..models.rule import rule_legal_reference
from ..rules.base import REGISTRY
from . import audit, refresh_marker

REFERENCE_DIR = BASE_DIR / "seeds" / "reference"


class ReferenceDataError(Exception):
    pass


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ReferenceDataError(f"{path}: {error}") from None


def is_loaded() -> bool:
    rules = db.session.scalar(sa.select(sa.func.count()).select_from(Rule))
    return rules == len(REGISTRY) and db.session.scalar(sa.select(Commencement.code).limit(1)) is not None


def ensure_loaded(actor: str = "system", source: str = "seed") -> None:
    """Load the reference data if the database has none yet (the rules need it to run)."""
    if not is_loaded():
        load(actor=actor, source=source)


def load(directory: Path = REFERENCE_DIR, actor: str = "system", source: str = "seed") -> dict[str, int]:
    """Upsert every reference file; returns how many records of each kind were written."""
    partner_types = _read(directory / "partner_types.json")
    references = _read(directory / "legal_references.json")
    rules = _read(directory / "rules.json")
    commencements = _read(directory / "commencements.json")
    _check_rules(rules, {ref["code"] for ref in references})
    _check_commencements(commencements)

    partner_types_changed = False
    for item in partner_types:
        row = db.session.get(PartnerTypeInfo, PartnerType(item["code"])) or PartnerTypeInfo(
            code=PartnerType(item["code"])
        )
        _assign(
            row,
            item,
            (
                "label",
                "schedule_7",
                "panel_member",
                "mou_can_count_as_dsa",
                "competent_authority_by_default",
                "public_authority_by_default",
            ),
        )
        partner_types_changed |= row not in db.session or db.session.is_modified(row)
        db.session.add(row)
    if partner_types_changed:
        # The rules read partner types, and the audit trail does not record them: the stored
        # findings are no longer known to be exact (refresh_marker.py).
        refresh_marker.forget()

    stored = {row.code: row for row in db.session.scalars(sa.select(LegalReference))}
    for item in references:
        row = stored.get(item["code"]) or LegalReference(code=item["code"])
        before = _reference_dict(row) if row.id else None
        _assign(row, item, ("citation", "title", "url", "source", "note"))
        db.session.add(row)
        stored[row.code] = row
        audit.record_change(
            actor=actor,
            source=source,
            record_type="legal_reference",
            record_ref=row.code,
            before=before,
            after=_reference_dict(row),
        )
    db.session.flush()

    existing_rules = {row.code: row for row in db.session.scalars(sa.select(Rule))}
    for item in rules:
        row = existing_rules.get(item["code"]) or Rule(code=item["code"])
        before = _rule_dict(row) if row.code in existing_rules else None
        _assign(row, item, ("gnn", "title", "severity_note", "why", "remediation"))
        row.subject_type = SubjectType(item["subject_type"])
        row.severity = Severity(item["severity"])
        db.session.add(row)
        db.session.flush()
        db.session.execute(rule_legal_reference.delete().where(rule_legal_reference.c.rule_code == row.code))
        db.session.execute(
            rule_legal_reference.insert(),
            [
                {"rule_code": row.code, "legal_reference_id": stored[code].id, "position": position}
                for position, code in enumerate(item["references"])
            ],
        )
        db.session.expire(row, ["references"])
        audit.record_change(
            actor=actor,
            source=source,
            record_type="rule",
            record_ref=row.code,
            before=before,
            after=_rule_dict(row, item["references"]),
        )
    # References no longer in the file are removed (the file is the DPO's list), with an audit entry.
    listed = {item["code"] for item in references}
    for code, row in stored.items():
        if code not in listed:
            audit.record_change(
                actor=actor,
                source=source,
                record_type="legal_reference",
                record_ref=code,
                before=_reference_dict(row),
                after=None,
            )
            db.session.delete(row)
    _load_commencements(commencements, actor, source)
    db.session.flush()
    return {
        "partner_types": len(partner_types),
        "legal_references": len(references),
        "rules": len(rules),
        "commencements": len(commencements),
    }


COMMENCEMENT_KEYS = ("provision", "amended_by", "citation", "source", "note")
# The provisions the rules look up by code (rules/context.py `in_force`).
PROVISIONS = ("recognised_legitimate_interest", "complaints_duty")


def _check_commencements(items: list[dict[str, Any]]) -> None:
    problems = []
    codes = [item.get("code") for item in items]
    for missing in PROVISIONS:
        if missing not in codes:
            problems.append(f"commencements.json has no date for {missing}, which the rules need")
    for position, item in enumerate(items):
        try:
            date.fromisoformat(item.get("in_force_from") or "")
        except ValueError:
            problems.append(f"commencements.json[{position}].in_force_from: enter a date as YYYY-MM-DD")
        if not item.get("provision") or not item.get("amended_by"):
            problems.append(f"commencements.json[{position}]: provision and amended_by are required")
    if problems:
        raise ReferenceDataError("; ".join(problems))


def _load_commencements(items: list[dict[str, Any]], actor: str, source: str) -> None:
    stored = {row.code: row for row in db.session.scalars(sa.select(Commencement))}
    for item in items:
        row = stored.get(item["code"])
        before = _commencement_dict(row) if row is not None else None
        row = row or Commencement(code=item["code"])
        _assign(row, item, COMMENCEMENT_KEYS)
        row.in_force_from = date.fromisoformat(item["in_force_from"])
        db.session.add(row)
        after = _commencement_dict(row)
        if before != after:
            audit.record_change(
                actor=actor, source=source, record_type="commencement", record_ref=row.code, before=before, after=after
            )


def _commencement_dict(row: Commencement) -> dict[str, Any]:
    out = {key: getattr(row, key) for key in ("code", *COMMENCEMENT_KEYS)}
    out["in_force_from"] = row.in_force_from.isoformat() if row.in_force_from else None
    return out


def commencements() -> list[Commencement]:
    """Every provision's commencement, earliest first."""
    return list(db.session.scalars(sa.select(Commencement).order_by(Commencement.in_force_from, Commencement.code)))


def _check_rules(rules: list[dict[str, Any]], reference_codes: set[str]) -> None:
    """The catalogue must describe exactly the rules the code implements, as the code has them."""
    problems = []
    codes = {item["code"] for item in rules}
    for missing in sorted(set(REGISTRY) - codes):
        problems.append(f"rules.json has no entry for rule {missing}")
    for item in rules:
        spec = REGISTRY.get(item["code"])
        if spec is None:
            problems.append(f"rules.json describes {item['code']}, which no rule implements")
            continue
        if (item["gnn"], item["subject_type"], item["severity"]) != (
            spec.gnn,
            spec.subject_type.value,
            spec.severity.value,
        ):
            problems.append(f"rules.json: {item['code']} gnn/subject/severity differ from the rule's code")
        for code in item["references"]:
            if code not in reference_codes:
                problems.append(f"rules.json: {item['code']} cites {code!r}, not in legal_references.json")
    if problems:
        raise ReferenceDataError("; ".join(problems))


def _assign(row: Any, item: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        setattr(row, key, item.get(key))


def _reference_dict(row: LegalReference) -> dict[str, Any]:
    return {key: getattr(row, key) for key in ("code", "citation", "title", "url", "source", "note")}


def _rule_dict(row: Rule, references: list[str] | None = None) -> dict[str, Any]:
    out = {key: getattr(row, key) for key in ("code", "gnn", "title", "severity_note", "why", "remediation")}
    out["subject_type"] = row.subject_type.value if row.subject_type else None
    out["severity"] = row.severity.value if row.severity else None
    out["references"] = references if references is not None else [ref.code for ref in row.references]
    return out


def rules_by_code() -> dict[str, Rule]:
    """The catalogue with its references, in two queries."""
    statement = sa.select(Rule).options(sa.orm.selectinload(Rule.references))
    return {row.code: row for row in db.session.scalars(statement)}


def implied_values(key: str, obj: Any) -> dict[str, str]:
    """What a record's page shows for a field left unstated whose default comes from reference
    data: an organisation's public authority status, from its partner type."""
    if key != "organisations" or obj.public_authority is not None:
        return {}
    info = db.session.get(PartnerTypeInfo, obj.partner_type)
    return {"public_authority": public_authority_text(None, bool(info and info.public_authority_by_default))}


def rules_as_of(as_of: date | None = None) -> str:
    """The law of `as_of` (default: the register's evaluation date) as the PDF report and the
    dashboard name it: "Rules as of 4 December 2026: UK GDPR and the Data Protection Act 2018 as
    amended by the Data (Use and Access) Act 2025"."""
    from ..rules.law import rules_as_of as heading
    from .register import default_as_of

    return heading(as_of or default_as_of(), commencements())
