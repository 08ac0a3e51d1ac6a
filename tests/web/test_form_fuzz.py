"""Every form of the web app fuzzed through the test client: whatever is posted (control
characters, huge numbers, lists where one value is expected, fields left out), no 500.

The fields posted are those the form's own page offers (read from its HTML), with values from
hypothesis. `HYPOTHESIS_PROFILE=deep` runs many more examples per form.
"""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.exchange import fields as f
from compliance.extensions import db
from compliance.models import Finding

from .conftest import csrf
from .meeting_helpers import attendee_ids

EXAMPLES = {"ci": 3, "deep": 300}[os.environ.get("HYPOTHESIS_PROFILE", "ci")]
MEETING = "riverford-channel-2026-11"
DEMO_RECORDS = {
    "areas": "riverford",
    "organisations": "riverford-college",
    "storage_systems": "pcm",
    "privacy_notices": "riverford-prevent-notice",
    "data_flows": "council-to-police-referrals",
    "dsas": "riverford-prevent-channel-dsa",
    "panels": "riverford-channel",
}


FIX_DPIA = (
    "/records/dpias/new?ref=dpia-college-to-council-referrals&title=DPIA&controller=riverford-city-council"
    "&status=completed&link=data_flows:college-to-council-referrals:dpia&next=/findings/1"
)


def form_pages() -> list[tuple[str, str]]:
    """(page that shows the form, where it posts) for every form."""
    pages = [(f"/records/{key}/new", f"/records/{key}/new") for key in f.BY_KEY]
    pages += [(f"/records/{key}/{ref}/edit",) * 2 for key, ref in DEMO_RECORDS.items()]
    pages += [
        ("/records/dsas/riverford-prevent-channel-dsa/parties/riverford-college",) * 2,
        ("/records/data_flows/council-to-police-referrals/lawful_bases/eastshire-police",) * 2,
        ("/records/dsas/riverford-prevent-channel-dsa/documents",) * 2,
        ("/records/data_flows/council-to-police-referrals/retention",) * 2,
        ("/records/areas/riverford/designation",) * 2,
        # A finding's "fix it" forms: pre-filled and linked, or narrowed to a few fields.
        (FIX_DPIA,) * 2,
        ("/records/data_flows/council-to-police-referrals/edit?fields=dsa,mou&next=/findings/1",) * 2,
        ("/meetings/start/riverford-channel",) * 2,
        (f"/meetings/{MEETING}", f"/meetings/{MEETING}/attendees"),
        (f"/meetings/{MEETING}", f"/meetings/{MEETING}/attendees/several"),
        (f"/meetings/{MEETING}", f"/meetings/{MEETING}/minuted-statement"),
        (f"/meetings/{MEETING}", f"/meetings/{MEETING}/organisations"),
        ("ATTENDEE",) * 2,
        (f"/meetings/{MEETING}/cases-discussed",) * 2,
        ("/records/privacy_notices/riverford-college-notice/archive",) * 2,
        ("/foi/riverford/2/withhold",) * 2,
        ("/foi/holder",) * 2,
        ("/admin/",) * 2,
        ("/admin/", "/admin/sign-in-mappings"),
        ("/admin/people/new",) * 2,
        ("/admin/people/2/edit",) * 2,
        ("/account/password",) * 2,
        ("FINDING", "FINDING/accept"),
        ("/findings/?status=open", "/findings/?status=open"),
    ]
    return pages


VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", "0", "-1", "9" * 40, "yes", "no", "2026", "31", "\x00", "riverford", "pcm"]),
    st.lists(st.text(max_size=20), max_size=3),
)


@pytest.mark.parametrize(("page", "target"), form_pages(), ids=lambda p: p)
def test_no_input_to_any_form_is_a_server_error(client_for, page, target):
    client = client_for("admin")
    if page == "FINDING":
        finding = db.session.scalar(sa.select(Finding.id).limit(1))
        page, target = f"/findings/{finding}", f"/findings/{finding}/accept"
    if page == "ATTENDEE":  # attendees are named by their id
        page = target = f"/meetings/{MEETING}/attendees/{attendee_ids(MEETING)[0]}"
    html = client.get(page).data.decode()
    names = sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token"})
    assert names, f"no form fields on {page}"
    token = csrf(client, page)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names)))
    def post(data):
        response = client.post(target, data={**data, "csrf_token": token})
        assert response.status_code < 500, (target, data, response.data.decode()[:300])
        response.close()

    post()
