"""Exchange-format records onto models: the inverse of `serialise.py`.

Pure mapping, no queries: the caller resolves refs (`resolve(list_name, ref)`) and owns the
session. An imported record replaces the stored one, so a field left out of the file is cleared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from . import fields as f

Resolve = Callable[[str, str], Any]


def read_value(field: f.Field, data: Mapping[str, Any], resolve: Resolve) -> Any:
    raw = data.get(field.key)
    if raw is None:
        return [] if field.kind == "refs" else None
    match field.kind:
        case "value":
            return raw
        case "date":
            return date.fromisoformat(raw)
        case "enum":
            return field.enum(raw)
        case "ref":
            return resolve(field.target, raw)
        case "refs":
            return [resolve(field.target, ref) for ref in raw]
        case "enums":
            order = {member.value: index for index, member in enumerate(field.enum)}
            return sorted(set(raw), key=order.__getitem__)
        case "checklist":
            return {item: raw[item] for item in field.items if item in raw}
    raise ValueError(f"unknown field kind {field.kind}")


def set_fields(obj: Any, fields: Iterable[f.Field], data: Mapping[str, Any], resolve: Resolve) -> None:
    for field in fields:
        setattr(obj, field.attribute, read_value(field, data, resolve))


def clear_children(record_key: str, obj: Any) -> None:
    """Empty the child collections a replaced record rebuilds (the caller flushes afterwards, so
    the new children do not collide with the old on their unique constraints)."""
    match record_key:
        case "areas":
            obj.designations.clear()
        case "data_flows":
            obj.lawful_bases.clear()
        case "dsas":
            obj.parties.clear()
            obj.redactions.clear()
        case "panels":
            for meeting in obj.meetings:
                meeting.attendees.clear()


def apply_record(record_type: f.RecordType, obj: Any, data: Mapping[str, Any], resolve: Resolve) -> Any:
    """Write one exchange record onto `obj` (new or stored) and return it."""
    set_fields(obj, record_type.fields, data, resolve)
    models = f.CHILD_MODELS
    match record_type.key:
        case "areas":
            obj.designations = [
                _child(models["designations"], f.DESIGNATION, d, resolve) for d in data.get("designations", ())
            ]
        case "data_flows":
            set_fields(obj, f.SUBJECTS, data.get("subjects", {}), resolve)
            set_fields(obj, f.RETENTION, data.get("retention", {}), resolve)
            obj.lawful_bases = [
                _child(models["lawful_bases"], f.LAWFUL_BASIS, basis, resolve, position=i)
                for i, basis in enumerate(data.get("lawful_bases", ()))
            ]
        case "dsas":
            obj.parties = [
                _child(models["parties"], f.DSA_PARTY, party, resolve, position=i)
                for i, party in enumerate(data["parties"])
            ]
            obj.redactions = [
                _child(models["redactions"], f.REDACTION, redaction, resolve, position=i)
                for i, redaction in enumerate(data.get("redactions", ()))
            ]
        case "panels":
            stored = {meeting.ref: meeting for meeting in obj.meetings}
            obj.meetings = [_meeting(stored.get(m["ref"]), m, resolve) for m in data.get("meetings", ())]
    return obj


def _child(model: type, fields: Iterable[f.Field], data: Mapping[str, Any], resolve: Resolve, **extra: Any) -> Any:
    child = model(**extra)
    set_fields(child, fields, data, resolve)
    return child


def _meeting(meeting: Any, data: Mapping[str, Any], resolve: Resolve) -> Any:
    models = f.CHILD_MODELS
    meeting = meeting if meeting is not None else models["meetings"]()
    set_fields(meeting, f.MEETING, data, resolve)
    attendees = []
    for position, item in enumerate(data.get("attendees", ())):
        attendee = _child(models["attendees"], f.ATTENDEE, item, resolve, position=position)
        if "confidentiality" in item:
            attendee.confidentiality = _child(
                models["confidentiality"], f.CONFIDENTIALITY, item["confidentiality"], resolve
            )
        attendees.append(attendee)
    meeting.attendees = attendees
    return meeting
