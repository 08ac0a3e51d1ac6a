"""The three journeys of issue 3 in a real browser, with screenshots at each step (test-artifacts/)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from .conftest import SSO_PEOPLE, screenshot, sign_in

FLOW = "council-to-police-referrals"


def fill_date(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_dpo_opens_the_worst_finding_records_the_dpia_and_sees_it_close(server, page, request):
    sign_in(page, server, "dpo")
    first = page.locator("#work-by-rule .app-rule-group").first
    assert "High" in first.locator("h3").inner_text()
    screenshot(page, request, "1-dashboard")
    page.goto(f"{server}/records/data_flows/{FLOW}")
    page.locator("#finding-dpia_missing a", has_text="Accept the risk or mark as remediated").click()
    assert page.locator("h1").inner_text().startswith("No DPIA for a high-risk flow")
    screenshot(page, request, "2-finding")

    page.goto(f"{server}/records/dpias/new")
    page.get_by_label("Reference").fill("referrals-dpia")
    page.get_by_label("Title").fill("Prevent referrals DPIA")
    page.get_by_label("Controller").select_option("riverford-city-council")
    page.get_by_label("Status").select_option("completed")
    fill_date(page, "Completed on", "1", "3", "2019")
    fill_date(page, "Review due", "31", "3", "2027")
    page.locator("fieldset", has=page.locator("legend", has_text="Best interests recorded")).get_by_label("Yes").check()
    screenshot(page, request, "3-dpia-form")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been saved")

    page.goto(f"{server}/records/data_flows/{FLOW}/edit")
    page.get_by_label("DPIA", exact=True).select_option("referrals-dpia")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been saved")
    assert page.locator("#finding-dpia_missing").count() == 0
    assert page.locator("#finding-children_no_best_interests").count() == 0
    screenshot(page, request, "4-flow-without-the-finding")


def test_panel_chair_logs_eight_attendees_the_minuted_statement_and_a_late_signer(server, page, request):
    sign_in(page, server, "panel_chair")
    page.get_by_role("link", name="Panel meetings").click()
    started = time.perf_counter()
    page.get_by_role("link", name="Start a meeting").click()
    fill_date(page, "Date of the meeting", "18", "11", "2026")
    page.get_by_label("Minutes reference").fill("RCP/2026/11b")
    page.get_by_label("Number of cases discussed").fill("3")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("button", name="Start the meeting").click()
    page.wait_for_url("**/meetings/riverford-channel-2026-11-18#add-attendees")
    screenshot(page, request, "1-meeting-started")
    organisations = ["Riverford City Council", "Eastshire Police", "Riverford and District NHS Foundation Trust"]
    single = page.locator("#add-attendee")  # one attendee with their own confidentiality record
    for n in range(8):
        single.locator("summary").click()
        single.get_by_label("Role", exact=True).fill(f"Member {n + 1}")
        single.get_by_label("Organisation", exact=True).select_option(label=organisations[n % 3])
        single.get_by_role("radio", name="Not recorded", exact=True).check()
        single.get_by_role("button", name="Add the attendee").click()
        page.wait_for_url("**#add-attendee")
        expect(page.locator("#attendees ~ .app-table-wrapper table tbody tr")).to_have_count(n + 1)
    page.get_by_label("Minute reference of the confidentiality statement").fill("RCP/2026/11b item 1")
    page.get_by_role("button", name="Apply to everyone present").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded for 8 attendees")
    single.locator("summary").click()
    single.get_by_label("Role", exact=True).fill("Late joiner")
    single.get_by_label("Organisation", exact=True).select_option(label="Riverford College")
    single.get_by_role("radio", name="Signed a confidentiality agreement").check()
    signed = single.locator("fieldset", has=page.locator("legend", has_text="Date the agreement was signed"))
    for label, value in (("Day", "18"), ("Month", "11"), ("Year", "2026")):
        signed.get_by_label(label).fill(value)
    single.get_by_role("button", name="Add the attendee").click()
    elapsed = time.perf_counter() - started
    # expect() waits for the page that the last click navigates to.
    expect(page.locator("#attendees ~ .app-table-wrapper table tbody tr")).to_have_count(9)
    expect(page.locator("td", has_text="Verbal, minuted")).to_have_count(8)
    expect(page.locator("td", has_text="Signed on 18 Nov 2026")).to_have_count(1)
    findings = page.locator("#meeting-findings").inner_text()
    assert "CONFIDENTIALITY_VERBAL_ONLY" in findings and "CONFIDENTIALITY_UNRECORDED" not in findings
    screenshot(page, request, "2-meeting-logged")
    print(f"\nmeeting of 9 logged in the browser in {elapsed:.1f} s")


def test_auditor_browses_their_area_sees_no_edit_controls_and_a_forged_post_is_refused(server, page, request):
    sign_in(page, server, "auditor")
    for n, path in enumerate(
        [
            "/",
            "/records/data_flows",
            f"/records/data_flows/{FLOW}",
            "/records/dsas/riverford-prevent-channel-dsa",
            "/records/panels/riverford-channel",
            "/meetings/riverford-channel-2026-11",
            "/audit/",
            "/transfer/",
        ]
    ):
        page.goto(server + path)
        for control in (
            "Change",
            "Add ",
            "Start a meeting",
            "Remove",
            "Accept the risk",
            "Mark as remediated",
            "Archive",
            "Apply to everyone present",
            "Save",
            "Import",
        ):
            name = re.compile(rf"^{re.escape(control)}")
            buttons = page.locator("main").get_by_role("button", name=name)
            links = page.locator("main").get_by_role("link", name=name)
            assert buttons.count() == 0 and links.count() == 0, (path, control)
        if n in (0, 5):
            screenshot(page, request, f"{n}-read-only")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for path in (
        "/findings/1/accept",
        "/meetings/riverford-channel-2026-11/attendees",
        f"/records/data_flows/{FLOW}/edit",
    ):
        response = page.request.post(server + path, form={"csrf_token": token, "reason": "forged"})
        assert response.status == 403, path


def test_a_dpo_signs_in_with_the_council_account_and_out_at_the_provider(sso_server, page, request):
    """In Chromium: the council's button, the provider's redirects and the way back; sign-out
    ends the session here and at the provider, and lands on the signed-out page."""
    base, provider, _app = sso_server
    provider.person = SSO_PEOPLE["dpo"]
    page.goto(base + "/records/data_flows")
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url(base + "/records/data_flows")
    signed_in = "Signed in as dee.dpo@riverford.example.gov.uk (Data protection officer)"
    assert signed_in in page.locator("body").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(base + "/signed-out") + r"(\?.*)?$"))
    assert provider.logouts and provider.logouts[-1]["client_id"] == provider.client_id
    page.goto(base + "/")
    page.wait_for_url(re.compile(r".*/sign-in.*"))
    screenshot(page, request, "signed-out")
