"""axe-core (WCAG 2.2 A and AA) on every page type, signed in and in error states, plus the page
conventions: one <h1>, a <title> that starts with it, OFFICIAL-SENSITIVE top and bottom, and the
accessibility statement linked from the footer."""

from __future__ import annotations

import re

import pytest

from .conftest import SSO_PEOPLE, axe_violations, screenshot, sign_in

FIX_DPIA = (
    "/records/dpias/new?ref=dpia-college-to-council-referrals&title=DPIA%3A+College+referrals"
    "&controller=riverford-city-council&status=completed&link=data_flows:college-to-council-referrals:dpia"
    "&next=/findings/1"
)

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
    ("dpo", "/findings/", None),
    ("dpo", "/findings/?status=open&sort=record&severity=high", None),
    ("dpo", "/findings/1", "submit-accept-empty"),
    ("panel_chair", "/", None),
    ("panel_chair", "/meetings/", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "submit-attendee-empty"),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "submit-attendees-empty"),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "check-attendees"),  # the check page
    ("panel_chair", "/meetings/riverford-channel-2026-11/check", None),
    ("panel_chair", "/meetings/start/riverford-channel", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "click-change"),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "click-remove"),
    ("panel_chair", "/meetings/riverford-channel-2026-11/cases-discussed", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11/cases-discussed", "submit-blank-cases"),
    ("auditor", "/audit/", None),
    ("auditor", "/audit/?record_type=dsa", None),  # changes with was/now, names redacted
    ("dpo", "/audit/?record_type=report", None),
    ("admin", "/transfer/", None),
    ("admin", "/admin/", None),
    ("admin", "/foi/", None),
    ("admin", "/foi/holder", None),
    ("admin", "/admin/people/new", None),
    ("admin", "/admin/people/new", "submit-empty"),
    ("admin", "/admin/people/2/edit", None),
    ("auditor", "/foi/riverford", None),
    ("dpo", "/foi/riverford", None),
    ("dpo", "/foi/riverford/14/withhold", None),
    ("dpo", "/foi/riverford/2/withhold", None),
    ("dpo", "/foi/riverford/2/withhold", "submit-empty"),
    ("dpo", "/records/dsas/riverford-prevent-channel-dsa/documents", None),
    ("dpo", "/records/dsas/riverford-prevent-channel-dsa/documents", "submit-empty"),
    ("dpo", "/records/data_flows/no-such-flow", None),
    ("dpo", "/areas/riverford/map", None),
    ("dpo", "/records/privacy_notices/riverford-prevent-notice/archive", None),
    ("dpo", "/records/privacy_notices/riverford-prevent-notice/archive", "submit-empty"),
    ("dpo", "/records/privacy_notices/riverford-prevent-notice/archive", "archive"),  # its page, archived
    ("dpo", "/records/privacy_notices/riverford-prevent-notice", "restore"),
    ("panel_chair", "/records/data_flows/new", None),
    ("dpo", "/records/areas/riverford", None),
    ("dpo", "/records/organisations/riverford-city-council", None),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "submit-organisation-empty"),
    ("panel_chair", "/meetings/riverford-channel-2026-11", "add-organisation"),
    ("dpo", "/records/organisations/fenbridge-mentoring-cic", None),
    # From a finding to its fix (issue 17 item 1): findings with their "Fix it" actions, the forms
    # they open (pre-filled and linked, narrowed to a few fields, a flow's retention, an area's
    # designation), and the finding again after the save, with the green banner of what it closed.
    ("dpo", "/findings/9", None),
    ("dpo", "/findings/15", None),
    (
        "dpo",
        "/records/organisations/riverford-pathways-mentoring/edit?fields=complaints_procedure_ref&next=/findings/21",
        None,
    ),
    ("dpo", "/records/data_flows/council-to-police-referrals/retention?next=/findings/3", None),
    ("dpo", "/records/areas/riverford/designation", None),
    ("dpo", "/records/areas/riverford/designation", "submit-empty"),
    ("dpo", FIX_DPIA, None),
    ("dpo", FIX_DPIA, "save"),  # back on the finding, closed, with the banner
    ("dpo", "/", None),
    # Added at the end: the walk is cut into PARTS by position, and an "archive" and its "restore"
    # above must stay in one part.
    ("dpo", "/account/password", None),
    ("dpo", "/account/password", "submit-empty"),
]


def _add_attendees(page, action: str) -> None:
    """The "Add who attended" form: sent empty, or with a regular and a typed attendee (the check page)."""
    if action == "check-attendees":
        page.locator("input[name=several-regulars]").first.check()
        page.get_by_label("Role of attendee 1").fill("Housing Officer")
        page.get_by_label("Organisation of attendee 1").select_option("riverford-city-council")
    page.get_by_role("button", name="Continue").click()


# Actions that only press a button, by the button's name.
BUTTONS = {
    "submit-accept-empty": "Accept the risk",
    "submit-organisation-empty": "Add the organisation",
    "save": "Save",
}


def _act(page, action: str | None) -> None:
    if action == "submit-empty":
        page.locator("main form[method=post] button[type=submit], main form[novalidate] button").last.click()
    elif action in BUTTONS:
        page.get_by_role("button", name=BUTTONS[action]).click()
    elif action == "add-organisation":
        page.get_by_label("Name of the organisation").fill("Fenbridge Mentoring CIC")
        page.get_by_label("Partner type").select_option("intervention_provider")
        page.get_by_role("button", name="Add the organisation").click()
    elif action in ("submit-attendees-empty", "check-attendees"):
        _add_attendees(page, action)
    elif action == "submit-attendee-empty":
        page.locator("#add-attendee summary").click()
        page.get_by_role("button", name="Add the attendee").click()
    elif action in ("click-change", "click-remove"):  # attendees are named by id: follow the page's link
        page.get_by_role("link", name=re.compile("^Change" if action == "click-change" else "^Remove")).first.click()
    elif action == "submit-blank-cases":
        page.get_by_label("Number of cases discussed").fill("")
        page.get_by_role("button", name="Save").click()
    elif action == "archive":
        page.get_by_label("Why is it being archived?").fill("Replaced by the council's new notice")
        page.get_by_role("button", name="Yes, archive it").click()
    elif action == "restore":
        page.get_by_role("button", name=re.compile("^Restore")).click()
    if action:
        page.wait_for_load_state()


# The walk is cut into parts that run as separate tests, so test workers share it.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_every_page_type_passes_axe_and_the_page_conventions(server, page, request, part):
    failures: list[str] = []
    signed_in_as = None
    size = -(-len(PAGES) // PARTS)
    for role, path, action in PAGES[part * size : (part + 1) * size]:
        if role != signed_in_as:
            page.context.clear_cookies()
            if role:
                sign_in(page, server, role)
            signed_in_as = role
        page.goto(server + path)
        _act(page, action)
        failures += _page_problems(page, path, action)
    screenshot(page, request, f"last-page-of-part-{part}")
    assert failures == []


def _page_problems(page, path: str, action: str | None) -> list[str]:
    """axe's violations and the page conventions on the page as it is now."""
    failures: list[str] = []
    for violation in axe_violations(page):
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
    return failures


def test_the_axe_check_reports_a_violation_it_is_shown(page):
    """The check the walk relies on finds what it should: a field with no label, text too faint to
    read and an image with no alternative text, on a page of its own."""
    page.set_content(
        '<html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>'
        '<input type="text" name="q"><p style="color:#ccc;background:#fff">faint</p>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
    )
    found = {violation["id"]: violation for violation in axe_violations(page)}
    assert {"label", "color-contrast", "image-alt"} <= set(found), sorted(found)
    assert found["label"]["nodes"] == [{"target": ["input"]}]


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
        "/findings/",
        "/areas/riverford/map",
    ):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            failures.append(f"{path} is {width} px wide at 320 px: it scrolls sideways")
    assert failures == []


def test_wide_tables_show_they_scroll_at_320_css_pixels(server, page, request):
    """A wide table scrolls in a focusable, labelled region (templates/macros/tables.html) and says
    so; at desktop width a table that fits shows no sign; axe passes either way."""
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, server, "dpo")
    page.goto(server + "/records/data_flows")
    region = page.locator(".app-scroll-table__region").first
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label") == "Data flows"
    assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "the list should be wider than 320 px"
    sign = page.locator(".app-scroll-table__sign").first
    assert sign.is_visible()
    assert sign.inner_text().endswith("Scroll the table sideways to see more")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.app-scroll-table__region').scrollLeft > 0")
    screenshot(page, request, "wide-table-320")
    assert _page_problems(page, "/records/data_flows", "320 px") == []
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server + "/records/data_flows")  # it fits at desktop width
    assert page.locator(".app-scroll-table__region").first.is_visible()
    assert not page.locator(".app-scroll-table__sign").first.is_visible()


SCREENSHOT_PAGES = {
    "dashboard": ("dpo", "/"),
    "flow": ("dpo", "/records/data_flows/council-to-police-referrals"),
    "findings": ("dpo", "/findings/"),
    "meeting": ("panel_chair", "/meetings/riverford-channel-2026-11"),
}


@pytest.mark.parametrize("width", [1280, 375])
def test_screenshots_of_the_main_pages_at_both_widths(server, page, request, width):
    """For people to look at (test-artifacts/screenshots in CI): each page whole, at a desktop
    and a phone width, and neither scrolls sideways."""
    page.set_viewport_size({"width": width, "height": 900})
    signed_in_as = None
    for name, (role, path) in SCREENSHOT_PAGES.items():
        if role != signed_in_as:
            page.context.clear_cookies()
            sign_in(page, server, role)
            signed_in_as = role
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        screenshot(page, request, f"{name}-{width}")


def test_the_single_sign_on_pages_pass_axe(sso_server, page, request):
    """Sign-in with the council's button, the signed-out page, no access, a refused answer and a
    provider that does not answer, and the sign-in mappings on the Administration page."""
    base, provider, app = sso_server
    failures: list[str] = []
    page.goto(base + "/sign-in")
    failures += _page_problems(page, "/sign-in", "single sign-on")
    provider.person = SSO_PEOPLE["admin"]
    page.get_by_role("button", name="Sign in with your council account").click()
    page.wait_for_url(base + "/")
    page.goto(base + "/admin/")
    failures += _page_problems(page, "/admin/", "with mappings")
    page.get_by_role("button", name="Save mapping").click()
    page.wait_for_load_state()
    failures += _page_problems(page, "/admin/", "submit-mapping-empty")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(base + "/signed-out") + r"(\?.*)?$"))
    failures += _page_problems(page, "/signed-out", None)
    provider.person = SSO_PEOPLE["stranger"]
    page.goto(base + "/sign-in/council")
    failures += _page_problems(page, "/sign-in/council/callback", "no access")
    provider.tamper["aud"] = "another-app"
    page.goto(base + "/sign-in/council")
    failures += _page_problems(page, "/sign-in/council/callback", "refused")
    app.config["OIDC_ISSUER"] = "http://127.0.0.1:9/nobody/v2.0"  # the discard port: nothing answers
    app.extensions.pop("compliance.oidc", None)
    page.goto(base + "/sign-in/council")
    failures += _page_problems(page, "/sign-in/council", "provider down")
    screenshot(page, request, "provider-down")
    assert failures == []


def test_the_workbook_import_preview_passes_axe(server, page, request, tmp_path):
    """A workbook uploaded from the import page is previewed (an accessible page), then imported."""
    import json

    from compliance.exchange import workbook_out
    from compliance.services.seeding import DEMO_FILE

    workbook = tmp_path / "register.xlsx"
    workbook_out.write(json.loads(DEMO_FILE.read_text(encoding="utf-8")), workbook)
    sign_in(page, server, "admin")
    page.goto(server + "/transfer/")
    page.set_input_files("input[type=file]", str(workbook))
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check the changes before importing"
    violations = axe_violations(page)
    screenshot(page, request, "workbook-preview")
    assert [v["id"] for v in violations] == []
    assert page.title().startswith("Check the changes before importing")
    page.get_by_role("button", name="Import these changes").click()
    page.wait_for_load_state()
    assert "Imported" in page.locator("main").inner_text()
