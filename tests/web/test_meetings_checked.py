"""Issue 20 item 2: every meeting is checked (its number of cases discussed is required, and one
imported without it is shown as not recorded and counted on the dashboard); and an attendee is
removed by id after "Are you sure you want to remove...?" (item 1)."""

from __future__ import annotations

import json
import re

from compliance.extensions import db
from compliance.services import exchange

from .conftest import csrf
from .meeting_helpers import attendee_ids
from .test_write_scope_web import stored

START = "/meetings/start/riverford-channel"
MEETING = "riverford-channel-2026-11"


def _start(client, cases: str):
    return client.post(
        START,
        data={
            "csrf_token": csrf(client, START),
            "held_on": ["18", "11", "2026"],
            "cases_discussed": cases,
            "police_present": "yes",
        },
    )


def test_the_number_of_cases_discussed_is_required_and_0_is_an_answer(client_for):
    client = client_for("panel_chair")
    before = stored("panels", "riverford-channel")
    for blank in ("", "  "):
        response = _start(client, blank)
        assert response.status_code == 400
        assert "Enter the number of cases discussed, as a whole number: 0 if none were" in response.data.decode()
    for wrong in ("three", "-1", "2.5"):
        response = _start(client, wrong)
        assert response.status_code == 400, wrong
        assert "Enter the number of cases discussed as a whole number, 0 or more" in response.data.decode(), wrong
    assert stored("panels", "riverford-channel") == before
    response = _start(client, "0")
    assert response.status_code == 302
    ref = response.headers["Location"].split("#")[0].rsplit("/", 1)[-1]
    meeting = next(m for m in stored("panels", "riverford-channel")["meetings"] if m["ref"] == ref)
    assert meeting["cases_discussed"] == 0


def _import_meeting_without_cases() -> None:
    panel = stored("panels", "riverford-channel")
    for meeting in panel["meetings"]:
        if meeting["ref"] == MEETING:
            meeting.pop("cases_discussed", None)
    doc = {"format": "prevent-compliance-register", "version": 1, "panels": [panel]}
    exchange.import_text(json.dumps(doc), actor="test", source="import")
    db.session.remove()


def test_a_meeting_imported_without_it_is_shown_as_not_recorded_and_counted_until_the_chair_records_it(client_for):
    _import_meeting_without_cases()
    chair = client_for("panel_chair")
    page = chair.get(f"/meetings/{MEETING}").data.decode()
    assert re.search(r"Cases discussed</dt><dd[^>]*><strong[^>]*>Not recorded</strong>", page)
    dashboard = client_for("dpo").get("/").data.decode()
    assert "1 panel meeting has no number of cases discussed recorded" in dashboard
    assert f'href="/meetings/{MEETING}"' in dashboard
    path = f"/meetings/{MEETING}/cases-discussed"
    version = re.search(r'name="record_version" value="(\d+)"', chair.get(path).data.decode()).group(1)
    blank = chair.post(path, data={"csrf_token": csrf(chair, path), "record_version": version, "cases_discussed": ""})
    assert blank.status_code == 400 and "0 if none were" in blank.data.decode()
    saved = chair.post(path, data={"csrf_token": csrf(chair, path), "record_version": version, "cases_discussed": "2"})
    assert saved.status_code == 302
    assert (
        next(m for m in stored("panels", "riverford-channel")["meetings"] if m["ref"] == MEETING)["cases_discussed"]
        == 2
    )
    assert "Every panel meeting has its number of cases discussed recorded." in client_for("dpo").get("/").data.decode()


def test_removing_an_attendee_asks_first_and_removes_the_one_named_by_its_id(client_for):
    chair = client_for("panel_chair")
    ids = attendee_ids(MEETING)
    assert len(ids) >= 2
    meeting = stored("panels", "riverford-channel")["meetings"]
    attendees = next(m for m in meeting if m["ref"] == MEETING)["attendees"]
    second = attendees[1]
    path = f"/meetings/{MEETING}/attendees/{ids[1]}/remove"
    page = chair.get(path).data.decode()
    assert f"Are you sure you want to remove {second['role']}" in page
    version = re.search(r'name="record_version" value="(\d+)"', page).group(1)
    response = chair.post(path, data={"csrf_token": csrf(chair, path), "record_version": version})
    assert response.status_code == 302
    left = next(m for m in stored("panels", "riverford-channel")["meetings"] if m["ref"] == MEETING)["attendees"]
    assert left == [a for i, a in enumerate(attendees) if i != 1]
    # The same page posted again names an attendee of an older version of the meeting (a save
    # rebuilds the attendees, and SQLite may give a new row the old id): refused, nothing removed.
    again = chair.post(path, data={"csrf_token": csrf(chair, "/"), "record_version": version})
    assert again.status_code == 409 and "Your change has not been saved" in again.data.decode()
    assert (
        next(m for m in stored("panels", "riverford-channel")["meetings"] if m["ref"] == MEETING)["attendees"] == left
    )
    missing = f"/meetings/{MEETING}/attendees/{max(attendee_ids(MEETING)) + 1000}/remove"
    assert chair.get(missing).status_code == 404
