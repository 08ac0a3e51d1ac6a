"""Issue 17 item 2: a chair logs a meeting of eight with the minuted statement in at most five page
loads; and at 375 pixels the attendee table's actions can be reached, with a sign that it scrolls."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import screenshot, sign_in
from .test_journeys import fill_date


def test_a_chair_logs_a_meeting_of_eight_with_the_minuted_statement_in_five_page_loads(server, page, request):
    sign_in(page, server, "panel_chair")
    page.goto(f"{server}/meetings/")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))

    page.get_by_role("link", name="Start a meeting").click()
    fill_date(page, "Date of the meeting", "18", "11", "2026")
    page.get_by_label("Minutes reference").fill("RCP/2026/11b")
    page.get_by_label("Number of cases discussed").fill("3")
    page.get_by_role("radio", name="Yes").check()
    screenshot(page, request, "1-start")
    page.get_by_role("button", name="Start the meeting").click()
    page.wait_for_url("**/meetings/riverford-channel-2026-11-18#add-attendees")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("riverford-channel-2026-11-18")

    regulars = page.locator("input[name=several-regulars]")
    assert regulars.count() >= 8
    for n in range(8):
        regulars.nth(n).check()
    minuted = page.get_by_role("radio", name="Covered by the minuted confidentiality statement")
    expect(minuted).to_be_checked()  # the panel's policy is a minuted statement
    expect(page.locator("#several-minutes_ref")).to_have_value("RCP/2026/11b item 1")
    screenshot(page, request, "2-who-attended")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Check the attendees before they are recorded")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(8)
    expect(page.locator("td", has_text="Verbal, minuted (RCP/2026/11b item 1)")).to_have_count(8)
    expect(page.locator("#check-findings")).to_contain_text("CONFIDENTIALITY_VERBAL_ONLY")
    screenshot(page, request, "3-check")
    page.get_by_role("button", name="Confirm and record them").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("8 attendees added")
    expect(page.locator("#attendees ~ .app-table-wrapper table tbody tr")).to_have_count(8)
    findings = page.locator("#meeting-findings").inner_text()
    assert "CONFIDENTIALITY_VERBAL_ONLY" in findings and "CONFIDENTIALITY_UNRECORDED" not in findings
    screenshot(page, request, "4-recorded")
    page.get_by_role("link", name="Check and finish").click()
    expect(page.locator("h1")).to_have_text("Check and finish the meeting")
    expect(page.locator("table tbody tr")).to_have_count(8)
    screenshot(page, request, "5-check-and-finish")
    print(f"\nmeeting of 8 logged in {len(loads)} page loads: {loads}")
    assert len(loads) <= 5, loads


def test_at_375_pixels_the_attendee_actions_are_reachable_and_the_table_says_it_scrolls(server, page, request):
    sign_in(page, server, "panel_chair")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{server}/meetings/riverford-channel-2026-11")
    hint = page.locator("#attendees-scroll-hint")
    expect(hint).to_be_visible()
    region = page.get_by_role("region", name="Attendees and confidentiality")
    expect(region).to_be_visible()
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the table fits: nothing to scroll"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page itself scrolls sideways"
    screenshot(page, request, "1-narrow")
    region.focus()
    page.keyboard.press("End")
    remove = page.get_by_role("link", name=re.compile("^Remove")).first
    remove.scroll_into_view_if_needed()
    box = remove.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 375, box
    screenshot(page, request, "2-narrow-scrolled")
    remove.click()
    expect(page.locator("h1")).to_contain_text("Are you sure you want to remove")
    page.go_back()
    change = page.get_by_role("link", name=re.compile("^Change confidentiality")).first
    change.scroll_into_view_if_needed()
    change.click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
