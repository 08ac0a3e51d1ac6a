"""Models to exchange-format documents: canonical, so the same register always gives the same bytes.

Canonical means: records sorted by ref; parties, attendees, lawful bases and redactions in their
recorded order; lists of refs sorted; lists of enum values in the enum's order; designations by
financial year then kind; keys in the order register-format.md lists them; absent values left
out (never null).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import IO, Any

from . import fields as f

FORMAT_NAME = "prevent-compliance-register"
FORMAT_VERSION = 1


def field_value(obj: Any, field: f.Field) -> Any:
    """One field of a model as the exchange format writes it (None when absent)."""
    raw = getattr(obj, field.attribute)
    if raw is None:
        return None
    match field.kind:
        case "value":
            return raw
        case "date":
            return raw.isoformat()
        case "enum":
            return raw.value
        case "ref":
            return raw.ref
        case "refs":
            return sorted(item.ref for item in raw)
        case "enums":
            order = {member.value: index for index, member in enumerate(field.enum)}
            return sorted(raw, key=order.__getitem__)
        case "checklist":
            return {item: raw[item] for item in field.items if item in raw}
    raise ValueError(f"unknown field kind {field.kind}")


def _fields(obj: Any, fields: Iterable[f.Field], redact: bool = False, part: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in fields:
        if redact and (part, field.key) in f.PERSONAL_DATA:
            continue
        written = field_value(obj, field)
        if written is None or (written in ([], {}) and not field.keep_empty):
            continue
        out[field.key] = written
    return out


def _nested(record_key: str, obj: Any, redact: bool) -> dict[str, Any]:
    """The nested structures of one record, by key."""
    match record_key:
        case "areas":
            designations = sorted(obj.designations, key=lambda d: (d.financial_year, d.kind.value))
            return {"designations": [_fields(d, f.DESIGNATION) for d in designations]}
        case "data_flows":
            return {
                "subjects": _fields(obj, f.SUBJECTS),
                "lawful_bases": [_fields(basis, f.LAWFUL_BASIS) for basis in obj.lawful_bases],
                "retention": _fields(obj, f.RETENTION),
            }
        case "dsas":
            return {
                "parties": [_fields(party, f.DSA_PARTY, redact, "dsa_party") for party in obj.parties],
                "redactions": [_fields(redaction, f.REDACTION) for redaction in obj.redactions],
            }
        case "panels":
            return {"meetings": [_meeting(meeting, redact) for meeting in obj.meetings]}
    return {}


def _meeting(meeting: Any, redact: bool) -> dict[str, Any]:
    out = _fields(meeting, f.MEETING)
    attendees = []
    for attendee in meeting.attendees:
        item = _fields(attendee, f.ATTENDEE, redact, "attendee")
        if attendee.confidentiality is not None:
            item["confidentiality"] = _fields(attendee.confidentiality, f.CONFIDENTIALITY)
        attendees.append(item)
    if attendees:
        out["attendees"] = attendees
    return out


def meeting(obj: Any) -> dict[str, Any]:
    """One panel meeting, with its attendees, as the exchange format writes it within its panel."""
    return _meeting(obj, False)


def record(record_type: f.RecordType, obj: Any, redact: bool = False) -> dict[str, Any]:
    """One record as the exchange format writes it."""
    out = _fields(obj, record_type.fields, redact)
    nested = _nested(record_type.key, obj, redact)
    required = {"parties"} if record_type.key == "dsas" else set()
    if not nested:
        return out
    after = f.NESTED_AFTER[record_type.key]
    ordered: dict[str, Any] = {}
    keys = [field.key for field in record_type.fields]
    pending = {key: value for key, value in nested.items() if value or key in required}
    for key in keys:
        if key in out:
            ordered[key] = out[key]
        for nested_key, anchor in after.items():
            if anchor == key and nested_key in pending:
                ordered[nested_key] = pending.pop(nested_key)
    ordered.update(pending)
    return ordered


def document(
    records: Mapping[str, Iterable[Any]], as_of: date | None = None, redact: bool = False, holder: str | None = None
) -> dict[str, Any]:
    """A whole exchange document from records grouped by list name ("data_flows": [...]).
    `holder`: the ref of the organisation whose register this is."""
    out: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    if as_of is not None:
        out["as_of"] = as_of.isoformat()
    if holder is not None:
        out["holder"] = holder
    for record_type in f.RECORD_TYPES:
        items = sorted(records.get(record_type.key, ()), key=lambda obj: obj.ref)
        if items:
            out[record_type.key] = [record(record_type, obj, redact) for obj in items]
    return out


def dumps(doc: Mapping[str, Any]) -> str:
    """The document as text: two-space indent, UTF-8 characters kept, a final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write(doc: Mapping[str, Any], stream: IO[str]) -> None:
    """The same text as `dumps`, written piece by piece (a national register's text is never
    held whole in memory beside its document)."""
    json.dump(doc, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
