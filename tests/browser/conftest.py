"""Browser tests: Debian's Chromium driven by Playwright (never `playwright install`), against the
app served on loopback with the demo register, on SQLite and on PostgreSQL.

Without /usr/bin/chromium, or when it will not start, the tests skip with the reason, unless
REQUIRE_BROWSER=1, which turns the skip into a failure.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from compliance.extensions import db
from compliance.services import seeding
from tests.conftest import ROOT, empty_database, make_app, skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
PASSWORD = "browser-suite-password"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

ADMIN = "admin@riverford.example.gov.uk"
DPO = "dpo@riverford.example.gov.uk"
CHAIR = "channel.chair@riverford.example.gov.uk"
AUDITOR = "auditor@riverford.example.gov.uk"

# The pages a test asks for on purpose with an error status (a 404 or 403 page, a form sent back
# with its errors). Chromium logs "Failed to load resource" for each of them; only those are allowed.
EXPECTED_DOCUMENT_ERRORS = (400, 403, 404)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}", "REQUIRE_BROWSER")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        skip_or_fail(f"Playwright is not installed: {error}", "REQUIRE_BROWSER")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as error:  # any launch failure means there is no browser to test with
        playwright.stop()
        skip_or_fail(f"Chromium would not start: {error}", "REQUIRE_BROWSER")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="module")
def base_url(database_url: str, browser) -> Iterator[str]:
    """The app with the demo register and its four users, served on a free loopback port, once per
    test module and database backend. `browser` comes first so that a missing Chromium skips
    before anything is seeded."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMO_PASSWORD", PASSWORD)
        app = make_app(database_url)
        app.config["SERVER_NAME"] = None
        with app.app_context():
            seeding.seed_demo("test")
            db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-tests-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            empty_database()
            db.engine.dispose()


class Problems:
    """What went wrong in the browser while a test ran: console errors, failed requests, and
    asset responses of 400 or more. The test's own error pages (see EXPECTED_DOCUMENT_ERRORS) are not
    problems; any document answered with 500 or more is."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.error_documents: set[str] = set()

    def on_response(self, response) -> None:
        request = response.request
        if "/assets/" in response.url and response.status >= 400:
            self.items.append(f"asset {response.status} {response.url}")
        elif request.resource_type == "document":
            if response.status in EXPECTED_DOCUMENT_ERRORS:
                self.error_documents.add(response.url)
            elif response.status >= 400:
                self.items.append(f"document {response.status} {response.url}")

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and where in self.error_documents:
            return
        self.items.append(f"console error: {message.text} ({where})")

    def on_request_failed(self, request) -> None:
        self.items.append(f"request failed: {request.method} {request.url}: {request.failure}")


@pytest.fixture
def page(browser, base_url: str):
    """A fresh browser context (no cookies) per test; at the end, no console errors, no failed
    requests and no broken assets."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = Problems()
    page.on("response", problems.on_response)
    page.on("console", problems.on_console)
    page.on("requestfailed", problems.on_request_failed)
    yield page
    context.close()
    assert problems.items == [], "\n".join(problems.items)


def sign_in(page, base_url: str, email: str) -> None:
    """Sign in through the form, as a user would, and wait for the dashboard."""
    page.goto(f"{base_url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def screenshot(page, request: pytest.FixtureRequest, step: str) -> Path:
    """A full-page PNG in test-artifacts/screenshots/<test-name>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{request.node.name}-{step}").strip("-") + ".png"
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
