"""Issue 17 item 2: several attendees in one step with a check page before anything is written;
the minuted statement with nobody present; a second meeting on a date is named, not silent."""

from __future__ import annotations

import re

from .conftest import csrf
from .meeting_helpers import attendee_ids
from .test_write_scope_web import stored

MEETING = "riverford-channel-2026-11"
PAGE = f"/meetings/{MEETING}"
SEVERAL = f"{PAGE}/attendees/several"


def _version(client, path: str = PAGE) -> str:
    return re.search(r'name="record_version" value="(\d+)"', client.get(path).data.decode()).group(1)


def _regulars(client) -> list[str]:
    return re.findall(r'name="several-regulars" type="checkbox" value="(\d+)"', client.get(PAGE).data.decode())


def test_several_attendees_are_checked_then_recorded_in_one_step(client_for):
    chair = client_for("panel_chair")
    regulars = _regulars(chair)
    assert len(regulars) == 2  # of the last six meetings, those not already at this one
    page = chair.get(PAGE).data.decode()
    assert re.search(
        r'value="verbal_recorded_in_minutes"[^>]*checked|checked[^>]*value="verbal_recorded_in_minutes"', page
    )
    data = {
        "csrf_token": csrf(chair, PAGE),
        "record_version": _version(chair),
        "several-regulars": regulars,
        "several-rows-0-role": "Housing Officer",
        "several-rows-0-organisation": "riverford-city-council",
        "several-rows-1-role": "",
        "several-rows-2-role": "",
        "several-method": "verbal_recorded_in_minutes",
        "several-minutes_ref": "RCP/2026/11 item 1",
        "several-submit": "Continue",
    }
    before = stored("panels", "riverford-channel")
    check = chair.post(SEVERAL, data=data)
    assert check.status_code == 200
    text = check.data.decode()
    assert "Check the attendees before they are recorded" in text
    assert text.count("Verbal, minuted (RCP/2026/11 item 1)") == 7 + 3 and "Housing Officer" in text
    assert text.count(">New</strong>") == 3
    assert stored("panels", "riverford-channel") == before  # nothing written yet
    confirm = {k: v for k, v in data.items() if k != "several-submit"} | {"several-confirm": "Confirm"}
    done = chair.post(SEVERAL, data=confirm)
    assert done.status_code == 302 and done.headers["Location"].endswith("#add-attendees")
    meeting = next(m for m in stored("panels", "riverford-channel")["meetings"] if m["ref"] == MEETING)
    assert len(meeting["attendees"]) == 7 + 3
    assert meeting["attendees"][-1] == {
        "role": "Housing Officer",
        "organisation": "riverford-city-council",
        "confidentiality": {"method": "verbal_recorded_in_minutes", "minutes_ref": "RCP/2026/11 item 1"},
    }
    again = chair.post(SEVERAL, data=confirm)  # the page's version is now out of date
    assert again.status_code == 409
    assert len(attendee_ids(MEETING)) == 10


def test_a_half_typed_row_and_nobody_at_all_say_what_is_missing(client_for):
    chair = client_for("panel_chair")
    base = {"csrf_token": csrf(chair, PAGE), "record_version": _version(chair), "several-method": "none"}
    nobody = chair.post(SEVERAL, data={**base, "several-submit": "Continue"})
    assert nobody.status_code == 400
    assert "Tick who attended, or type an attendee&#39;s role and organisation" in nobody.data.decode()
    half = chair.post(SEVERAL, data={**base, "several-rows-1-role": "Mentor", "several-submit": "Continue"})
    assert half.status_code == 400 and "Choose the organisation of attendee 2" in half.data.decode()
    more = chair.post(SEVERAL, data={**base, "several-add_row": "Add"})
    assert more.status_code == 200 and 'name="several-rows-3-role"' in more.data.decode()


def test_the_statement_with_nobody_present_says_there_is_nobody(client_for):
    chair = client_for("panel_chair")
    start = "/meetings/start/riverford-channel"
    data = {
        "csrf_token": csrf(chair, start),
        "held_on": ["18", "11", "2026"],
        "cases_discussed": "1",
        "police_present": "yes",
    }
    first = chair.post(start, data=data, follow_redirects=True).data.decode()
    assert "The meeting has been started as riverforD-channel-2026-11-18".lower() in first.lower()
    second = chair.post(start, data={**data, "csrf_token": csrf(chair, start)}, follow_redirects=True).data.decode()
    assert "This panel already has a meeting on 18 November 2026 (riverford-channel-2026-11-18)" in second
    assert "recorded as riverford-channel-2026-11-18-2" in second
    path = "/meetings/riverford-channel-2026-11-18-2"
    response = chair.post(
        f"{path}/minuted-statement",
        data={
            "csrf_token": csrf(chair, path),
            "record_version": _version(chair, path),
            "statement-statement_minutes_ref": "x",
        },
    )
    assert response.status_code == 400
    assert "There is nobody to apply the statement to: add who attended first" in response.data.decode()
    assert "recorded for 0 attendees" not in response.data.decode()
