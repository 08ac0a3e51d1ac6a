"""axe-core (WCAG 2.2 A and AA) on every page type, signed in and in error states, plus the page
conventions: one <h1>, a <title> that starts with it, OFFICIAL-SENSITIVE top and bottom, and the
accessibility statement linked from the footer."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe

from .conftest import screenshot, sign_in

WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}

# (role, path, what to do on the page before checking it, expected status)
PAGES = [
    (None, "/sign-in", None),
    (None, "/sign-in", "submit-empty"),
    (None, "/accessibility", None),
    ("dpo", "/", None),
    ("dpo", "/register", None),
    ("dpo", "/records/data_flows", None),
    ("dpo", "/records/data_flows/council-to-police-referrals", None),
    ("dpo", "/records/dsas/riverford-prevent-channel-dsa", None),
    ("dpo", "/records/panels/riverford-channel", None),
    ("dpo", "/records/data_flows/new", None),
    ("dpo", "/records/data_flows/new", "submit-empty"),
    ("dpo", "/records/data_flows/council-to-police-referrals/edit", None),
    ("dpo", "/records/data_flows/council-to-police-referrals/history", None),
    ("dpo", "/records/dsas/riverford-prevent-channel-dsa/parties/riverford-college", None),
    ("dpo", "/findings/1", None),
    ("dpo", "/findings/1", "submit-accept-empty"),
    ("panel_chair", "/meetings/", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "submit-attendee-empty"),
    ("panel_chair", "/meetings/start/riverford-channel", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11/attendees/0", None),
    ("auditor", "/audit/", None),
    ("admin", "/transfer/", None),
    ("admin", "/admin/", None),
    ("auditor", "/foi/riverford", None),
    ("dpo", "/foi/riverford", None),
    ("dpo", "/foi/riverford/14/withhold", None),
    ("dpo", "/foi/riverford/2/withhold", None),
    ("dpo", "/foi/riverford/2/withhold", "submit-empty"),
    ("dpo", "/records/dsas/riverford-prevent-channel-dsa/documents", None),
    ("dpo", "/records/dsas/riverford-prevent-channel-dsa/documents", "submit-empty"),
    ("dpo", "/records/data_flows/no-such-flow", None),
    ("panel_chair", "/records/data_flows/new", None),
]


def _act(page, action: str | None) -> None:
    if action == "submit-empty":
        page.locator("main form[method=post] button[type=submit], main form[novalidate] button").last.click()
    elif action == "submit-accept-empty":
        page.get_by_role("button", name="Accept the risk").click()
    elif action == "submit-attendee-empty":
        page.get_by_role("button", name="Add the attendee").click()
    if action:
        page.wait_for_load_state()


def test_every_page_type_passes_axe_and_the_page_conventions(server, page, request):
    axe = Axe()
    failures: list[str] = []
    signed_in_as = None
    for role, path, action in PAGES:
        if role != signed_in_as:
            page.context.clear_cookies()
            if role:
                sign_in(page, server, role)
            signed_in_as = role
        page.goto(server + path)
        _act(page, action)
        results = axe.run(page, options=WCAG_22_AA)
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            failures.append(f"{path} [{action}] {violation['id']} ({violation['impact']}): {targets}")
        h1s = page.locator("h1").all_inner_texts()
        title = page.title()
        if len(h1s) != 1:
            failures.append(f"{path} [{action}] has {len(h1s)} h1")
        elif not re.sub(r"^Error: ", "", title).startswith(h1s[0].strip()):
            failures.append(f"{path} [{action}] title {title!r} does not start with the h1 {h1s[0]!r}")
        if action and "submit" in action and not title.startswith("Error: "):
            failures.append(f"{path} [{action}] error state without 'Error: ' in the title")
        body = page.locator("body").inner_text()
        if body.strip().split("\n")[0].strip() != "OFFICIAL-SENSITIVE" and not body.lstrip().startswith(
            "Skip to main content\nOFFICIAL-SENSITIVE"
        ):
            if "OFFICIAL-SENSITIVE" not in body[:200]:
                failures.append(f"{path} no marking at the top")
        if body.rstrip().split("\n")[-1].strip() != "OFFICIAL-SENSITIVE":
            failures.append(f"{path} no marking at the bottom")
        if page.locator("footer a", has_text="Accessibility statement").count() != 1:
            failures.append(f"{path} footer does not link the accessibility statement")
    screenshot(page, request, "last-page")
    assert failures == []


def test_pages_reflow_at_320_css_pixels(server, page):
    """WCAG 1.4.10 (axe cannot see it): at 320 CSS pixels wide nothing makes a page scroll sideways;
    wide tables scroll inside their own wrapper."""
    failures: list[str] = []
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, server, "panel_chair")
    for path in (
        "/",
        "/records/data_flows/council-to-police-referrals",
        "/records/dsas/riverford-prevent-channel-dsa",
        "/meetings/riverford-channel-2026-11",
        "/records/data_flows",
        "/foi/riverford",
        "/meetings/",
    ):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            failures.append(f"{path} is {width} px wide at 320 px: it scrolls sideways")
    assert failures == []
