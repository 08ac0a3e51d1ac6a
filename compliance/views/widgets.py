"""GOV.UK widgets, hardened."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovDateInput


class DateInput(GovDateInput):
    """GovDateInput that renders (as empty) a date a request left out or sent only in part, where
    govuk-frontend-wtf 3.2.0 fails with a server error. Browsers always send all three parts;
    forged or truncated requests must still get the form back, not a 500."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = [*field.raw_data[:3], *([""] * (3 - len(field.raw_data[:3])))]
        return super().map_gov_params(field, **kwargs)
