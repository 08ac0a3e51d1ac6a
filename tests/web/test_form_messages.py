"""No message of WTForms' own reaches a user: bad values posted to every form (the form fuzz's
list) get messages that name the field and say what to do, GOV.UK style."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Finding

from .conftest import csrf
from .meeting_helpers import attendee_ids
from .test_form_fuzz import MEETING, form_pages

# WTForms' (and its validators') own wording, in English; case matters ("ICO registration number
# must be..." is the app's own).
WTFORMS_DEFAULTS = re.compile(
    r"Not a valid|This field is required|not a valid choice|Invalid Choice|Invalid choice|could not coerce"
    r"|Field must be|Field cannot be|Number must be|Date must be|Invalid input|Invalid value|Invalid field name"
    r"|This field cannot|wtforms:"
)
BAD_VALUES = {
    "nonsense": "not-a-valid-value",
    "empty": "",
    "huge": "9" * 40,
    "long": "x" * 5000,
    "negative": "-5",
}


def _page(page: str, target: str) -> tuple[str, str]:
    if page == "FINDING":
        finding = db.session.scalar(sa.select(Finding.id).limit(1))
        return f"/findings/{finding}", f"/findings/{finding}/accept"
    if page == "ATTENDEE":
        path = f"/meetings/{MEETING}/attendees/{attendee_ids(MEETING)[0]}"
        return path, path
    return page, target


@pytest.mark.parametrize(("page", "target"), form_pages(), ids=lambda p: p)
def test_bad_values_get_messages_in_plain_words(client_for, page, target):
    client = client_for("admin")
    page, target = _page(page, target)
    names = sorted(set(re.findall(r'name="([^"]+)"', client.get(page).data.decode())) - {"csrf_token"})
    token = csrf(client, page)
    problems = []
    for kind, value in BAD_VALUES.items():
        response = client.post(target, data={**dict.fromkeys(names, value), "csrf_token": token})
        text = html.unescape(response.data.decode())
        problems += [f"{kind}: {match}" for match in WTFORMS_DEFAULTS.findall(text)]
        assert "\x00" not in text
    assert problems == [], f"{target} shows WTForms' own messages"


def test_a_bad_whole_number_and_date_name_the_field_and_what_to_do(client_for):
    client = client_for("dpo")
    token = csrf(client, "/records/data_flows/new")
    response = client.post(
        "/records/data_flows/new", data={"ref": "a-flow", "started_on": ["31", "2", "2026"], "csrf_token": token}
    )
    assert response.status_code == 400
    assert "Started on must be a real date, for example 4 12 2026" in html.unescape(response.data.decode())
    path = "/records/data_flows/council-to-police-referrals/lawful_bases/eastshire-police"
    response = client.post(path, data={"sch1_paragraph": "lots", "csrf_token": token})
    assert response.status_code == 400
    assert "Enter the schedule 1 paragraph as a whole number, like 8" in html.unescape(response.data.decode())
