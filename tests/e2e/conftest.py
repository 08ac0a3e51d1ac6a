"""End-to-end tests in Debian's Chromium (Playwright; never `playwright install`), against the app
served on loopback with the demo register, on SQLite and on PostgreSQL. Without Chromium they
skip with the reason, unless REQUIRE_BROWSER=1."""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from compliance.extensions import db
from compliance.services import seeding
from tests.conftest import ROOT, build_once, empty_database, make_app, skip_or_fail

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-tests-password"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
USERS = {
    "admin": "admin@riverford.example.gov.uk",
    "dpo": "dpo@riverford.example.gov.uk",
    "panel_chair": "channel.chair@riverford.example.gov.uk",
    "auditor": "auditor@riverford.example.gov.uk",
}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}", "REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
    except Exception as error:  # noqa: BLE001  (any launch failure means no browser)
        playwright.stop()
        skip_or_fail(f"Chromium would not start: {error}", "REQUIRE_BROWSER")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def server(database_url, monkeypatch):
    """The app with the demo register, served on a free loopback port for one test."""
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    app = make_app(database_url)
    with app.app_context():
        build_once("demo", lambda: seeding.seed_demo("test"))
        db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    # The documents the tests ask for on purpose with 400/403/404 log "Failed to load resource";
    # assets are checked by their responses instead. Requests aborted by a navigation are not failures.
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "requestfailed",
        lambda req: (
            problems.append(f"request failed: {req.url} {req.failure}")
            if "ERR_ABORTED" not in (req.failure or "")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if "/assets/" in r.url and r.status >= 400 else None,
    )
    page.problems = problems
    yield page
    context.close()
    assert problems == [], problems


# axe-core's WCAG 2.2 A and AA rules. Only the violations are reported: passes and inapplicable
# rules would otherwise come back with every node they looked at.
WCAG_22_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
_VIOLATIONS = """options => axe.run(document, options).then(results => results.violations.map(violation => ({
    id: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.map(node => ({target: node.target})),
})))"""


def axe_violations(page) -> list[dict]:
    """axe-core's violations of WCAG 2.2 A and AA on the page as it is now: each with its rule's id,
    impact and the nodes it found (only these cross from the browser to Python)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate(_VIOLATIONS, WCAG_22_AA)


@functools.cache
def _axe_source() -> str:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def sign_in(page, base: str, role: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(USERS[role])
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def screenshot(page, request, step: str) -> str:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^a-z0-9]+", "-", f"{request.node.name}-{step}".lower()).strip("-") + ".png"
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    return name


def backend_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def _sso_people():
    from tests.oidc_provider import Person

    return {
        "admin": Person("oid-admin", "ada.admin@riverford.example.gov.uk", roles=["Register.Admin"]),
        "dpo": Person("oid-dpo", "dee.dpo@riverford.example.gov.uk", groups=["group-dpo"]),
        "stranger": Person("oid-stranger", "stranger@riverford.example.gov.uk", groups=["group-unmapped"]),
    }


# People at the test provider (tests/oidc_provider.py).
SSO_PEOPLE = _sso_people()


@pytest.fixture
def sso_server(database_url, monkeypatch):
    """The demo register with single sign-on against the test provider on loopback, mapping the
    app role Register.Admin to admin and group-dpo to a DPO of Riverford: (base, provider, app)."""
    from compliance.services import sign_in_mappings
    from tests.oidc_provider import Provider

    provider = Provider()
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    app = make_app(database_url)
    app.config.update(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_CLIENT_SECRET=provider.client_secret,
        OIDC_SUBJECT_CLAIM="oid",
        OIDC_TIMEOUT_SECONDS=5,
    )
    with app.app_context():
        seeding.seed_demo("test")
        sign_in_mappings.save_mapping("Register.Admin", "admin", [], [], actor="test")
        sign_in_mappings.save_mapping("group-dpo", "dpo", ["riverford"], [], actor="test")
        db.session.remove()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    provider.redirect_uris.add(f"{base}/sign-in/council/callback")
    provider.post_logout_redirect_uris.add(f"{base}/signed-out")
    yield base, provider, app
    httpd.shutdown()
    thread.join()
    provider.stop()
    with app.app_context():
        db.session.remove()
        empty_database()
        db.engine.dispose()
