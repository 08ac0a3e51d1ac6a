"""What the web app refuses at its edge, before any of it reaches a service or the database:
control characters in web addresses and form fields, and file names that could break or split
a Content-Disposition header.

PostgreSQL cannot hold NUL (psycopg raises on it) and the workbook cannot hold the other C0
controls, so they are refused here with a message, not discovered later as a server error.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from werkzeug.routing import ValidationError as RoutingValidationError
from wtforms import Field, StringField
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


class Form(FlaskForm):
    """The base of every form of the app: each text field (single line, text area, password)
    also refuses control characters, with a message naming it."""

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(validators) for name, validators in (extra_validators or {}).items()}
        for name, field in self._fields.items():  # by name without the form's prefix, as WTForms keys them
            if isinstance(field, StringField):
                extra.setdefault(name, []).append(no_control_characters)
        return super().validate(extra_validators=extra)


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
