"""Every form page has a GOV.UK back link to where the user came from: the record, the list, or a
`next` that is a path on this site (never another site: no open redirect through the link)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Finding

from .meeting_helpers import attendee_ids
from .test_form_fuzz import MEETING, form_pages

BACK_LINK = re.compile(r'<a href="([^"]*)" class="govuk-back-link">Back</a>')
# Pages that are not forms but lead to them, or show a form among other things.
MORE_PAGES = [
    "/records/data_flows/council-to-police-referrals/history",
    "/foi/riverford",
    "/transfer/",
]


def _pages() -> list[str]:
    pages = sorted({page for page, _ in form_pages() if page != "/findings/?status=open"})
    return pages + MORE_PAGES


def _path(page: str) -> str:
    if page == "FINDING":
        return f"/findings/{db.session.scalar(sa.select(Finding.id).limit(1))}"
    if page == "ATTENDEE":
        return f"/meetings/{MEETING}/attendees/{attendee_ids(MEETING)[0]}"
    return page


def _back(client, path: str) -> str:
    page = client.get(path).data.decode()
    found = BACK_LINK.findall(page)
    assert len(found) == 1, f"{path} has {len(found)} back links"
    return found[0].replace("&amp;", "&")


@pytest.mark.parametrize("page", _pages())
def test_every_form_page_has_a_back_link(client_for, page):
    client = client_for("admin")
    path = _path(page)
    back = _back(client, path)
    assert back.startswith("/") and not back.startswith("//")
    assert client.get(back).status_code == 200, f"{path}'s back link {back} is not a page"


@pytest.mark.parametrize(
    ("path", "back"),
    [
        ("/records/dsas/riverford-prevent-channel-dsa/edit", "/records/dsas/riverford-prevent-channel-dsa"),
        ("/records/dsas/new", "/records/dsas"),
        (
            "/records/privacy_notices/riverford-college-notice/archive",
            "/records/privacy_notices/riverford-college-notice",
        ),
        ("/foi/riverford/2/withhold", "/foi/riverford"),
    ],
)
def test_the_back_link_goes_to_the_record_or_the_list(client_for, path, back):
    assert _back(client_for("admin"), path) == back


@pytest.mark.parametrize(
    "next_",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "http:/x",
    ],
)
def test_a_next_to_another_site_is_ignored(client_for, next_):
    client = client_for("dpo")
    assert _back(client, f"/records/dsas/new?next={next_}") == "/records/dsas"


def test_a_local_next_is_followed(client_for):
    client = client_for("dpo")
    assert _back(client, "/records/dsas/new?next=/register") == "/register"
