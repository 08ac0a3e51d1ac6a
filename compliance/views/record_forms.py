"""Forms for a record's own fields, built from the exchange field tables (one form per record type).

A form reads and writes an exchange-format record, so what the user types is saved through the
same import as a file, with the same checks. Nested lists (lawful bases, parties, meetings...)
are kept as they are and edited on their own pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from ..exchange import fields as f
from ..exchange.schema_builder import BOOLEANS, INTEGERS, MAX_INTEGER, REQUIRED
from ..labels import FORM_HINTS, REF_EXAMPLES, form_label, ref_hint, value_label
from .edge import Form
from .widgets import DateInput

REF_MESSAGE = "Enter a reference using only lower-case letters, digits and hyphens (up to 64), such as {example}"
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
NOT_RECORDED = SelectChoice("", "Not recorded")
COMPLETION = "needs_completion"


def label_for(key: str) -> str:
    return form_label(key)


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


def _field(kind, field: f.Field, noun: str, choices: dict[str, list[tuple[str, str]]]) -> Field:
    """`kind`: a RecordType, or the name of a nested structure ("dsa_party", "lawful_basis")."""
    key, label = field.key, label_for(field.key)
    record_key = getattr(kind, "key", "")
    required = key in REQUIRED.get(getattr(kind, "subject", kind), ())
    if key == "ref":
        return StringField(
            label,
            widget=GovTextInput(),
            validators=[
                InputRequired(message=f"Enter a reference for the {noun}"),
                Regexp(
                    r"^[a-z0-9-]{1,64}$",
                    message=REF_MESSAGE.format(example=REF_EXAMPLES.get(record_key, "dsa-2026-03")),
                ),
            ],
            description=ref_hint(record_key),
        )
    if field.kind == "date":
        return DateField(label, format="%d %m %Y", widget=DateInput(), validators=[Optional()])
    if field.kind in ("enum", "ref"):
        options = (
            [SelectChoice(m.value, value_label(key, m.value)) for m in field.enum]
            if field.kind == "enum"
            else [SelectChoice(ref, text) for ref, text in choices.get(field.target, [])]
        )
        first = SelectChoice("", f"Choose {_article(label)} {label.lower()}" if required else "None")
        validators = [InputRequired(message=f"Choose the {label.lower()} of the {noun}")] if required else []
        # default "": a request that leaves the select out means "None", not an invalid choice.
        return SelectField(
            label,
            choices=[first, *options],
            widget=GovSelect(),
            validators=validators,
            default="",
            description=FORM_HINTS.get(key, ""),
        )
    if field.kind in ("refs", "enums", "checklist"):
        if field.kind == "refs":
            options = [SelectChoice(ref, text) for ref, text in choices.get(field.target, [])]
        elif field.kind == "enums":
            options = [SelectChoice(m.value, m.value.replace("_", " ").capitalize()) for m in field.enum]
        else:
            options = [SelectChoice(item, item.replace("_", " ").capitalize()) for item in field.items]
        validators = [InputRequired(message=f"Choose at least one of the {label.lower()}")] if required else []
        return SelectMultipleField(
            label,
            choices=options,
            widget=GovCheckboxesInput(),
            validators=validators,
            description=FORM_HINTS.get(key, ""),
        )
    if key == COMPLETION:  # absent means complete: there is no "not recorded"
        return RadioField(
            label,
            choices=YES_NO,
            widget=GovRadioInput(),
            default="no",
            description=FORM_HINTS[key],
            validators=[Optional()],
        )
    if key in BOOLEANS:
        options = YES_NO if required else [*YES_NO, NOT_RECORDED]
        validators = [InputRequired(message=f"Select whether it is {label.lower()}")] if required else [Optional()]
        return RadioField(
            label, choices=options, widget=GovRadioInput(), validators=validators, description=FORM_HINTS.get(key, "")
        )
    if key in INTEGERS:
        return IntegerField(
            label,
            widget=GovTextInput(),
            validators=[
                Optional(),
                NumberRange(
                    min=INTEGERS[key],
                    max=MAX_INTEGER,
                    message=f"Enter the {label.lower()} as a whole number from {INTEGERS[key]} to {MAX_INTEGER:,}",
                ),
            ],
            description=FORM_HINTS.get(key, ""),
        )
    validators = [InputRequired(message=f"Enter the {label.lower()} of the {noun}")] if required else [Optional()]
    return StringField(
        label, widget=GovTextInput(), validators=[*validators, Length(max=2000)], description=FORM_HINTS.get(key, "")
    )


def focus(kind: f.RecordType, wanted: str) -> tuple[str, ...]:
    """The fields a focused edit form shows ("dpia,dsa" -> ("dpia", "dsa")): those of the record
    type named in `wanted`, in the form's order; none (the whole form) when it names none."""
    names = set(wanted.split(",")[:20])
    own = [field.key for field in kind.form_fields if field.key in names and field.key != "ref"]
    if kind.key == "dsas" and "party_organisations" in names:
        own.append("party_organisations")
    return tuple(own)


def form_class(
    kind: f.RecordType, noun: str, choices: dict[str, list[tuple[str, str]]], only: tuple[str, ...] = ()
) -> type[Form]:
    """The record's form: every field, or (`only`) the reference and the few fields a finding is about."""
    attributes: dict[str, Any] = {
        field.key: _field(kind, field, noun, choices)
        for field in kind.form_fields
        if field.kind != "none" and (not only or field.key in only or field.key == "ref")
    }
    if kind.key == "dsas" and (not only or "party_organisations" in only):
        # The parties are a nested list; here they are chosen, and their signatures kept.
        attributes["party_organisations"] = SelectMultipleField(
            "Parties",
            choices=[SelectChoice(ref, text) for ref, text in choices.get("organisations", [])],
            widget=GovCheckboxesInput(),
            validators=[InputRequired(message="Choose the organisations that are party to the agreement")],
        )
    attributes["submit"] = SubmitField("Save", widget=GovSubmitInput())
    return type(f"{kind.subject.title().replace('_', '')}Form", (Form,), attributes)


def to_form_data(kind: f.RecordType, record: dict[str, Any]) -> dict[str, Any]:
    """An exchange record as the form's initial values."""
    data: dict[str, Any] = {}
    if kind.key == "dsas":
        data["party_organisations"] = [party["organisation"] for party in record.get("parties", ())]
    for field in kind.form_fields:
        value = record.get(field.key)
        if value is None:
            continue
        if field.kind == "date":
            data[field.key] = date.fromisoformat(value)
        elif field.kind == "checklist":
            data[field.key] = [item for item, ticked in value.items() if ticked]
        elif field.key in BOOLEANS:
            data[field.key] = "yes" if value else "no"
        else:
            data[field.key] = value
    return data


def _value(field: f.Field, value: Any, had: bool) -> Any:
    if field.kind == "date":
        return value.isoformat() if value else None
    if field.kind == "checklist":
        return {item: item in (value or []) for item in field.items} if (value or had) else None
    if field.kind in ("refs", "enums"):
        value = list(value or [])
        return value if value or field.keep_empty else None
    if field.key == COMPLETION:
        return True if value == "yes" else None
    if field.key in BOOLEANS:
        return {"yes": True, "no": False}.get(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def from_form(
    kind: f.RecordType, form: Form, existing: dict[str, Any] | None, only: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The exchange record the form describes; nested lists, and the fields a focused form (`only`)
    leaves out, are kept from the stored record."""
    record: dict[str, Any] = {}
    shown = {field.key for field in kind.form_fields if field.key in form}
    for field in kind.form_fields:
        if field.key not in shown:
            continue
        value = _value(field, form[field.key].data, existing is not None and field.key in existing)
        if value is not None:
            record[field.key] = value
    record.update({key: kept for key, kept in (existing or {}).items() if key not in shown})
    if kind.key == "dsas" and "party_organisations" in form:
        kept = {party["organisation"]: party for party in (existing or {}).get("parties", ())}
        record["parties"] = [kept.get(ref, {"organisation": ref}) for ref in form["party_organisations"].data]
    return record


def prefill(kind: f.RecordType, args) -> dict[str, Any]:
    """A new record's form's initial values from the address (`?title=...&controller=...`), as a
    finding's "fix it" link suggests them: only the form's own fields, each read as its kind (an
    ISO date, a list for checkboxes). Nothing is saved until the user checks and saves the form,
    through the same checks as any save."""
    data: dict[str, Any] = {}
    for field in kind.form_fields:
        if field.key not in args:
            continue
        if field.kind in ("refs", "enums", "checklist"):
            data[field.key] = [value[:200] for value in args.getlist(field.key)[:50]]
        elif field.kind == "date":
            try:
                data[field.key] = date.fromisoformat(args[field.key][:10])
            except ValueError:
                continue
        else:
            data[field.key] = args[field.key][:2000]
    if kind.key == "dsas" and "party_organisations" in args:
        data["party_organisations"] = [value[:200] for value in args.getlist("party_organisations")[:50]]
    return data


# Nested structures edited on their own pages: (fields, the key the parent's list uses for the party).
NESTED = {
    "parties": ("dsa_party", f.DSA_PARTY, "organisation"),
    "lawful_bases": ("lawful_basis", f.LAWFUL_BASIS, "party"),
}
NESTED_MESSAGES = {
    "signed_on": "Enter the date the DSA was signed",
    "recorded_on": "Enter the date the lawful basis was recorded",
}


def nested_form_class(part: str, choices: dict[str, list[tuple[str, str]]]) -> type[Form]:
    struct, fields, party_key = NESTED[part]
    attributes: dict[str, Any] = {
        field.key: _field(struct, field, "record", choices) for field in fields if field.key != party_key
    }
    for key, message in NESTED_MESSAGES.items():
        if key in attributes:
            attributes[key] = DateField(
                label_for(key), format="%d %m %Y", widget=DateInput(), validators=[InputRequired(message=message)]
            )
    attributes["submit"] = SubmitField("Save", widget=GovSubmitInput())
    return type(f"{struct.title().replace('_', '')}Form", (Form,), attributes)


def nested_from_form(part: str, form: Form, party: str) -> dict[str, Any]:
    struct, fields, party_key = NESTED[part]
    item: dict[str, Any] = {party_key: party}
    for field in fields:
        if field.key == party_key:
            continue
        value = _value(field, form[field.key].data, had=False)
        if value is not None:
            item[field.key] = value
    return item


def nested_to_form_data(part: str, item: dict[str, Any]) -> dict[str, Any]:
    _, fields, _ = NESTED[part]
    data = {}
    for field in fields:
        if field.key in item:
            value = item[field.key]
            data[field.key] = date.fromisoformat(value) if field.kind == "date" else value
    return data


# Parts of a record edited on their own page, as one item: a flow's retention, an area's designation.
PARTS = {"retention": ("retention", f.RETENTION), "designations": ("designation", f.DESIGNATION)}


def part_form_class(part: str) -> type[Form]:
    struct, fields = PARTS[part]
    attributes: dict[str, Any] = {field.key: _field(struct, field, "record", {}) for field in fields}
    attributes["submit"] = SubmitField("Save", widget=GovSubmitInput())
    return type(f"{struct.title()}Form", (Form,), attributes)


def part_from_form(part: str, form: Form) -> dict[str, Any]:
    _, fields = PARTS[part]
    values = ((field.key, _value(field, form[field.key].data, had=False)) for field in fields)
    return {key: value for key, value in values if value is not None}


def part_to_form_data(part: str, item: dict[str, Any]) -> dict[str, Any]:
    _, fields = PARTS[part]
    return {
        field.key: ("yes" if item[field.key] else "no") if field.key in BOOLEANS else item[field.key]
        for field in fields
        if field.key in item
    }
