"""What the web app refuses at its edge, before any of it reaches a service or the database:
control characters in web addresses and form fields, and file names that could break or split
a Content-Disposition header.

PostgreSQL cannot hold NUL (psycopg raises on it) and the workbook cannot hold the other C0
controls, so they are refused here with a message, not discovered later as a server error.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from werkzeug.routing import ValidationError as RoutingValidationError
from wtforms import (
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import ValidationError

from ..text import CONTROL_CHARACTERS, URL_CONTROLS, ascii_filename, safe_filename


def attachment(filename: str) -> str:
    """A Content-Disposition value for a download (RFC 6266): an ASCII fallback `filename=` for
    old clients and the real name as `filename*=UTF-8''...` (RFC 5987). Every download uses it."""
    name = safe_filename(filename)
    return f"attachment; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def no_control_characters(form: FlaskForm, field: Field) -> None:
    """A validator for every text field: tab and line breaks are allowed, other C0 controls not."""
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(
            f"{field.label.text} must not contain control characters (such as NUL or vertical tab): "
            "retype it rather than pasting it"
        )


# WTForms' own messages ("Not a valid integer value.", "This field is required.") name neither
# the field nor what to do. Each passes through the form's translations, which mark it here, so
# Form.validate can put a message in GOV.UK style in its place; a message the app wrote itself
# is never marked and is kept as it is.
DEFAULT_MARK = "\x00wtforms:"


class _MarkDefaults:
    def gettext(self, string: str) -> str:
        return DEFAULT_MARK + string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return DEFAULT_MARK + (singular if n == 1 else plural)


QUESTION_WORDS = {"what", "why", "who", "which", "how", "when", "where", "whether"}


def _is_question(label: str) -> bool:
    return label.endswith("?") or label.split(" ", 1)[0].lower() in QUESTION_WORDS


def field_name_in_text(field: Field) -> str:
    """The field's label as it reads inside a sentence: "the ICO registration number", "what it covers"."""
    text = _label(field)
    if text[1:2].isupper():  # an initialism: DPIA, ICO, DPO...
        return f"the {text}"
    lowered = f"{text[:1].lower()}{text[1:]}".rstrip("?")
    return lowered if _is_question(text) else f"the {lowered}"


def _label(field: Field) -> str:
    return str(field.label.text).strip().rstrip(":")


def plain_message(field: Field, default: str) -> str:
    """What to tell the user instead of WTForms' `default` message for `field`."""
    label, the = _label(field), field_name_in_text(field)
    chooses = isinstance(field, (SelectField, SelectMultipleField, RadioField))
    numbers = [int(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*", default)]
    if isinstance(field, RadioField) and ("required" in default or "choice" in default):
        return f"Select one of the answers for {the}"
    if "required" in default:
        return f"Choose {the}" if chooses else f"Enter {the}"
    if isinstance(field, SelectMultipleField):
        return f"Tick only the options shown for {the}"
    if chooses or "choice" in default:
        return f"Choose {the} from the list"
    if isinstance(field, DateField) or "date" in default:
        return f"{label} must be a real date, for example 4 12 2026"
    if default.startswith("Number must") and numbers:
        if len(numbers) == 2:
            return f"Enter {the} as a whole number from {numbers[0]:,} to {numbers[1]:,}"
        return f"Enter {the} as a whole number {'of at least' if 'least' in default else 'of at most'} {numbers[0]:,}"
    if isinstance(field, IntegerField) or "integer" in default:
        return f"Enter {the} as a whole number, like 8"
    if "character" in default and numbers:
        if "longer" in default or "at most" in default:
            return f"{label} must be {numbers[-1]:,} characters or fewer"
        return f"{label} must be at least {numbers[0]:,} characters"
    return f"Check {the}: it is not in a form the register can take"


class Form(FlaskForm):
    """The base of every form of the app: each text field (single line, text area, password)
    also refuses control characters, with a message naming it; and no message of WTForms' own
    reaches the user (plain_message puts one naming the field and what to do in its place)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _MarkDefaults()

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for name, field in self._fields.items():  # by name without the form's prefix, as WTForms keys them
            if isinstance(field, StringField):
                extra.setdefault(name, []).append(no_control_characters)
        valid = super().validate(extra_validators=extra)
        for field in self._fields.values():
            replaced = []
            for error in field.errors:
                if isinstance(error, str) and error.startswith(DEFAULT_MARK):
                    error = plain_message(field, error.removeprefix(DEFAULT_MARK))
                if error not in replaced:
                    replaced.append(error)
            if replaced != list(field.errors):
                field.errors = replaced
        return valid


def _url_has_controls() -> bool:
    if URL_CONTROLS.search(request.path):
        return True
    return any(URL_CONTROLS.search(key) or URL_CONTROLS.search(value) for key, value in request.args.items(multi=True))


class DatabaseInteger(IntegerConverter):
    """`<int:...>` in a route: only numbers a database INTEGER column holds, so /documents/<20
    digits> is a 404, not PostgreSQL's "integer out of range" (nor int() of 5000 digits)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False):
        super().__init__(map, fixed_digits, min, 2**31 - 1 if max is None else max, signed)

    def to_python(self, value: str) -> int:
        if len(value) > 10:
            raise RoutingValidationError()
        return super().to_python(value)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered (the int converter is read when a route is added)."""
    app.url_map.converters["int"] = DatabaseInteger

    @app.before_request
    def refuse_control_characters_in_the_address() -> ResponseReturnValue | None:
        if _url_has_controls():
            return render_template(
                "errors/error.html",
                title="Sorry, there is a problem with the web address",
                advice="It contains a control character (such as NUL or a line break), which no page of this "
                "service uses. Check the address, or go back and try again.",
            ), 400
        return None
