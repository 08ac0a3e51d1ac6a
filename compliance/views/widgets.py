"""GOV.UK widgets, hardened."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from markupsafe import Markup


class DateInput(GovDateInput):
    """GovDateInput that renders (as empty) a date a request left out or sent only in part, where
    govuk-frontend-wtf 3.2.0 fails with a server error. Browsers always send all three parts;
    forged or truncated requests must still get the form back, not a 500."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = [*field.raw_data[:3], *([""] * (3 - len(field.raw_data[:3])))]
        return super().map_gov_params(field, **kwargs)


# --- GOV.UK widgets rendered once for the same parameters ------------------------------------------

_KEPT_WIDGETS = 2048


class _NotFrozen(Exception):
    """A widget parameter that is not plain data: that widget is rendered as usual."""


def _frozen(value: Any) -> Hashable:
    """`value` as a hashable key that tells apart whatever renders differently (Markup from str)."""
    if isinstance(value, Markup):
        return ("markup", str(value))
    if value is None or isinstance(value, str | bool | int | float):
        return (type(value).__name__, value)
    if isinstance(value, dict):
        return ("dict", tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return ("list", tuple(_frozen(item) for item in value))
    raise _NotFrozen


def remember_rendered_widgets(app: Flask) -> None:
    """govuk-frontend-wtf renders each field through the GOV.UK Jinja macros, a template per field:
    a meeting page's forms (some fifty checkboxes, eighteen inputs, two dates) cost it tens of
    milliseconds a request. The HTML depends only on the widget's template and its parameters
    (ids, names, labels, values, items, errors; never the request: the CSRF token is a plain hidden
    field), so the same parameters are rendered once and kept (per app, the least recently used
    going first)."""
    app.extensions.setdefault("rendered_widgets", OrderedDict())
    if not getattr(GovFormBase.render, "remembers", False):
        GovFormBase.render = _remembering(GovFormBase.render)


_LOCK = threading.Lock()


def _remembering(render):
    @functools.wraps(render)
    def remembered(self, params):
        store = current_app.extensions.get("rendered_widgets")
        try:
            key = (self.template, _frozen(params))
        except _NotFrozen:
            key = None
        if store is None or key is None:
            return render(self, params)
        with _LOCK:
            if key in store:
                store.move_to_end(key)
                return store[key]
        html = render(self, params)
        with _LOCK:
            store[key] = html
            while len(store) > _KEPT_WIDGETS:
                store.popitem(last=False)
        return html

    remembered.remembers = True
    return remembered
