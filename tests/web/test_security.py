"""Response headers on every page type, sign-in throttling, two-factor sign-in, idle timeout, redirects."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyotp
import pytest

from compliance.services import register

from .conftest import PASSWORD, USERS, csrf, sign_in

PAGES = [
    "/",
    "/register",
    "/records/data_flows",
    "/records/data_flows/council-to-police-referrals",
    "/records/dpias/new",
    "/findings/1",
    "/meetings/",
    "/meetings/riverford-channel-2026-11",
    "/audit/",
    "/transfer/",
    "/accessibility",
    "/records/data_flows/no-such-flow",
    "/records/nothing",
]


def check_page_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.data.decode()
    scripts = re.findall(r"<script([^>]*)>", body)
    assert scripts and all(f'nonce="{nonce}"' in attributes for attributes in scripts)


def test_every_page_type_has_the_security_headers(client_for):
    client = client_for("admin")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        check_page_headers(response)
    check_page_headers(client_for("auditor").get("/audit/"))
    anonymous = client.application.test_client()
    check_page_headers(anonymous.get("/sign-in"))


def test_nonces_differ_per_request(demo):
    client = demo.test_client()
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert first != second


def test_assets_are_cacheable_and_still_protected(demo):
    response = demo.test_client().get("/assets/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_pages_name_their_assets_by_content_and_browsers_keep_those(demo):
    """A page's stylesheets and script carry the digest of their content; asked for with it, an
    asset is kept for a year (the page itself never is); without it, or with another, it is
    revalidated each time."""
    client = demo.test_client()
    page = client.get("/sign-in")
    assert page.headers["Cache-Control"] == "no-store"
    named = re.findall(r'(?:href|src)="(/assets/([^"?]+)\?v=([0-9a-f]{12}))"', page.get_data(as_text=True))
    assert {name for _, name, _ in named} == {"govuk-frontend.min.css", "app.css", "app.js"}
    for url, name, digest in named:
        content = (Path(demo.static_folder) / name).read_bytes()
        assert digest == hashlib.sha256(content).hexdigest()[:12]
        response = client.get(url)
        assert response.status_code == 200 and response.data == content
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()
        for other in (f"/assets/{name}", f"/assets/{name}?v=000000000000"):
            response = client.get(other)
            assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache", other
            response.close()
    assert client.get("/assets/no-such-file.css?v=000000000000").status_code == 404


def test_error_pages_show_no_internals(client_for):
    response = client_for("dpo").get("/records/data_flows/../../etc/passwd")
    assert response.status_code == 404
    assert "Traceback" not in response.data.decode() and "werkzeug" not in response.data.decode().lower()


def test_session_cookie_flags(demo):
    client = demo.test_client()
    response = sign_in(client, USERS["dpo"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Secure is set by every configuration except the local development server and the tests.
    from config import Config, ProductionConfig

    assert Config.SESSION_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_SECURE


def test_wrong_password_says_what_to_do(demo):
    response = sign_in(demo.test_client(), USERS["dpo"], "wrong-password")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.data.decode()


def test_failed_attempts_are_throttled_per_account_from_an_address(demo):
    client = demo.test_client()
    for _ in range(5):
        sign_in(client, USERS["dpo"], "wrong-password")
    response = sign_in(client, USERS["dpo"], PASSWORD)  # right password, but too many failures
    assert response.status_code == 200
    assert "Too many failed attempts to sign in. Wait 15 minutes" in response.data.decode()
    # Another account from the same address is not locked by them.
    assert sign_in(demo.test_client(), USERS["auditor"]).status_code == 302


def test_failed_attempts_are_throttled_per_address(demo):
    client = demo.test_client()
    for n in range(20):
        sign_in(client, f"nobody{n}@example.org", "guess")
    response = sign_in(client, USERS["auditor"])
    assert "Too many failed attempts" in response.data.decode()


def test_two_factor_when_an_admin_requires_it(demo, client_for):
    admin = client_for("admin")
    response = admin.post("/admin/", data={"csrf_token": csrf(admin, "/admin/"), "require_two_factor": "y"})
    assert response.status_code == 302
    assert register.register_info().require_two_factor is True
    client = demo.test_client()
    response = sign_in(client, USERS["dpo"])
    assert response.headers["Location"] == "/sign-in/code"
    page = client.get("/sign-in/code").data.decode()
    assert "Set up your authenticator app" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    token = csrf(client, "/sign-in/code")
    wrong = client.post("/sign-in/code", data={"code": "000000", "csrf_token": token})
    assert "The code is not right" in wrong.data.decode()
    right = client.post("/sign-in/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert right.status_code == 302 and client.get("/").status_code == 200

    # Next time the same secret is asked for, not set up again.
    again = demo.test_client()
    sign_in(again, USERS["dpo"])
    assert "Enter the code from your authenticator app" in again.get("/sign-in/code").data.decode()
    assert again.get("/").status_code == 302  # not signed in until the code is given


def test_idle_sessions_end(client_for, demo):
    client = client_for("dpo")
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] -= demo.config["IDLE_TIMEOUT_SECONDS"] + 5
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "signed out because you had not done anything" in client.get("/sign-in").data.decode()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/records/dsas", "/records/dsas"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_only_local_redirects_after_sign_in(demo, next_url, lands_on):
    client = demo.test_client()
    client.get("/sign-in", query_string={"next": next_url})
    response = sign_in(client, USERS["dpo"])
    assert response.headers["Location"] == lands_on
