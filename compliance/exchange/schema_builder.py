"""Builds the JSON Schema of the exchange format from the field tables in `fields.py`.

The schema is shipped as a file (`compliance/schemas/register-v1.schema.json`) so anyone can
validate a document without this code; a test fails if the file and the tables disagree.
Regenerate with `python -m compliance.exchange.schema_builder`.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from ..text import SCHEMA_PATTERN
from . import fields as f

SCHEMA_ID = "https://prevent-compliance-register.example/schemas/register-v1.schema.json"

# The fields marked * in register-format.md, per structure.
REQUIRED = {
    "area": ["ref", "name", "nation"],
    "designation": ["kind", "value", "financial_year"],
    "organisation": ["ref", "name", "partner_type"],
    "storage_system": ["ref", "name", "kind", "approved_for_prevent"],
    "privacy_notice": ["ref", "controller", "scope"],
    "data_flow": [
        "ref",
        "name",
        "area",
        "programme",
        "sender",
        "recipient",
        "frequency",
        "transfer_channel",
        "relationship",
        "status",
        "data_categories",
    ],
    "lawful_basis": ["party", "regime"],
    "dsa": ["ref", "title", "status", "template_origin", "parties"],
    "dsa_party": ["organisation"],
    "redaction": ["what", "exemption"],
    "dpia": ["ref", "title", "controller", "status"],
    "processing_contract": ["ref", "controller", "processor"],
    "mou": ["ref", "title", "parties"],
    "joint_controller_arrangement": ["ref", "parties"],
    "panel": ["ref", "name", "kind", "areas", "chair_organisation"],
    "meeting": ["ref", "held_on"],
    "attendee": ["role", "organisation"],
    "confidentiality": ["method"],
}

BOOLEANS = {
    "value",
    "competent_authority",
    "public_authority",
    "approved_for_prevent",
    "combines_sources",
    "large_scale",
    "children",
    "vulnerable_adults",
    "includes_data_sharing_provisions",
    "responsibilities_allocated",
    "best_interests_recorded",
    "resident_area_police_present",
    "needs_completion",
}
INTEGERS = {"sch1_paragraph": 1, "cases_discussed": 0}  # the least each may be
MAX_INTEGER = 2**31 - 1  # what the database's INTEGER columns hold
LONG_TEXT = {"url", "essence_published_url", "subject_matter", "reason", "archived_reason", "public_interest"}
NAMES = {"name", "title", "what", "role"}
PERSONAL = {("dsa_party", "signatory_name"), ("attendee", "name")}

DESCRIPTIONS = {
    "ref": "The record's ref: unique among records of its type.",
    "as_of": "The date the register describes: the default evaluation date.",
    "holder": "Whose register this is: the organisation that answers FOI requests from it. When absent, "
    "the responsible authority of the area a draft is for.",
    "public_interest": "The public interest test the DPO recorded for a qualified exemption (s24, s31, s38).",
    "public_authority": "UK GDPR Art 6(1), words after point (f): when absent, true for the partner types "
    "register-format.md lists (local_authority, police, nhs_body...), false otherwise.",
    "complaints_procedure_ref": "Where its data protection complaints procedure is published or filed "
    "(DPA 2018 s164A).",
    "needs_completion": "True when a panel chair added the organisation at a meeting with only its name and "
    "partner type, for the DPO to complete.",
    "annex1_condition": "The UK GDPR Annex 1 condition an Art 6(1)(ea) basis relies on.",
    "archived_on": "The date the record was archived: it is kept, read-only, until a DPO restores it. "
    "Absent: the record is not archived.",
    "archived_reason": "Why the record was archived.",
}


def _enum_name(enum_cls) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in enum_cls.__name__).lstrip("_")


def _property(struct: str, field: f.Field, defs: dict[str, Any]) -> dict[str, Any]:
    prop = _typed(struct, field, defs)
    if (struct, field.key) in PERSONAL:
        prop["x-personal-data"] = True
        prop["description"] = "Personal data (FOIA s40(2)): left out of public and FOI outputs and by export --redact."
    if field.key in DESCRIPTIONS and "description" not in prop:
        prop["description"] = DESCRIPTIONS[field.key]
    return prop


def _typed(struct: str, field: f.Field, defs: dict[str, Any]) -> dict[str, Any]:
    key = field.key
    if field.kind in ("enum", "enums"):
        name = _enum_name(field.enum)
        defs[name] = {"enum": [member.value for member in field.enum]}
        if field.kind == "enum":
            return {"$ref": f"#/$defs/{name}"}
        return {"type": "array", "items": {"$ref": f"#/$defs/{name}"}, "uniqueItems": True}
    if field.kind == "ref":
        return {"$ref": "#/$defs/ref", "description": f"The ref of a record in {field.target}."}
    if field.kind == "refs":
        prop = {
            "type": "array",
            "items": {"$ref": "#/$defs/ref"},
            "uniqueItems": True,
            "description": f"Refs of records in {field.target}.",
        }
        if key in REQUIRED.get(struct, ()):
            prop["minItems"] = 1
        return prop
    if field.kind == "checklist":
        properties = {item: {"type": "boolean"} for item in field.items}
        return {"type": "object", "properties": properties, "additionalProperties": False}
    simple = {"ref": {"$ref": "#/$defs/ref"}, "financial_year": {"$ref": "#/$defs/financial_year"}}
    if field.kind == "date":
        return {"$ref": "#/$defs/date"}
    if key in simple:
        return dict(simple[key])
    if key in BOOLEANS:
        return {"type": "boolean"}
    if key in INTEGERS:
        return {"type": "integer", "minimum": INTEGERS[key], "maximum": MAX_INTEGER}
    # Free text: no control characters but tab and line breaks (compliance/text.py says why).
    return {"type": "string", "minLength": 1, "maxLength": 2000 if key in LONG_TEXT else 500, "pattern": SCHEMA_PATTERN}


def _object(struct: str, fields_: tuple[f.Field, ...], defs: dict[str, Any], extra=None) -> dict[str, Any]:
    properties = {field.key: _property(struct, field, defs) for field in fields_}
    properties.update(extra or {})
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if REQUIRED.get(struct):
        out["required"] = REQUIRED[struct]
    return out


def _array_of(name: str, min_items: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}
    if min_items:
        out["minItems"] = min_items
    return out


def build() -> dict[str, Any]:
    defs: dict[str, Any] = {
        "ref": {
            "type": "string",
            "pattern": "^[a-z0-9-]{1,64}$",
            "description": "1 to 64 characters of a-z, 0-9 and -.",
        },
        "date": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "financial_year": {"type": "string", "pattern": r"^\d{4}/\d{2}$", "description": 'For example "2021/22".'},
    }
    defs["designation"] = _object("designation", f.DESIGNATION, defs)
    defs["lawful_basis"] = _object("lawful_basis", f.LAWFUL_BASIS, defs)
    defs["subjects"] = _object("subjects", tuple(f.Field(x.key) for x in f.SUBJECTS), defs)
    defs["retention"] = _object("retention", f.RETENTION, defs)
    defs["dsa_party"] = _object("dsa_party", f.DSA_PARTY, defs)
    defs["redaction"] = _object("redaction", f.REDACTION, defs)
    defs["confidentiality"] = _object("confidentiality", f.CONFIDENTIALITY, defs)
    defs["attendee"] = _object("attendee", f.ATTENDEE, defs, {"confidentiality": {"$ref": "#/$defs/confidentiality"}})
    defs["meeting"] = _object("meeting", f.MEETING, defs, {"attendees": _array_of("attendee")})
    nested = {
        "areas": {"designations": _array_of("designation")},
        "data_flows": {
            "subjects": {"$ref": "#/$defs/subjects"},
            "lawful_bases": _array_of("lawful_basis"),
            "retention": {"$ref": "#/$defs/retention"},
        },
        "dsas": {"parties": _array_of("dsa_party", 1), "redactions": _array_of("redaction")},
        "panels": {"meetings": _array_of("meeting")},
    }
    top: dict[str, Any] = {
        "format": {"const": "prevent-compliance-register"},
        "version": {"const": 1},
        "as_of": {"$ref": "#/$defs/date", "description": DESCRIPTIONS["as_of"]},
        "holder": {"$ref": "#/$defs/ref", "description": DESCRIPTIONS["holder"]},
    }
    for record_type in f.RECORD_TYPES:
        defs[record_type.subject] = _object(record_type.subject, record_type.fields, defs, nested.get(record_type.key))
        top[record_type.key] = _array_of(record_type.subject)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Prevent Compliance Register exchange format, version 1",
        "description": "One document holds a whole register, or any part of one. Unknown keys are errors; "
        "optional values are left out, never null. Fields marked x-personal-data are personal data.",
        "type": "object",
        "properties": top,
        "required": ["format", "version"],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }


def text() -> str:
    return json.dumps(build(), indent=2) + "\n"


if __name__ == "__main__":  # pragma: no cover
    target = files("compliance") / "schemas" / "register-v1.schema.json"
    with open(str(target), "w", encoding="utf-8") as out:
        out.write(text())
    print(f"wrote {target}")
