"""Sessions end when they end; authenticator codes work once; throttling slows guessing without
letting a stranger lock anyone out, and cannot be raced. Each was a finding of the security pass."""

from __future__ import annotations

import threading
import time

import pyotp
import pytest
import sqlalchemy as sa
from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from compliance import _trust_proxies
from compliance.extensions import db
from compliance.models import AuditEvent, SignInAttempt, User
from compliance.services import auth, throttle, users

from .conftest import PASSWORD, USERS, csrf, sign_in


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app: Flask, cookie: str):
    """A new client (another browser) presenting a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/")


def test_a_session_cookie_replayed_after_sign_out_is_refused(demo, client_for):
    client = client_for("dpo")
    copied = session_cookie(client)
    assert replay(demo, copied).status_code == 200  # the copy works while the session lasts
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    response = replay(demo, copied)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize(
    "change",
    [
        lambda email: users.set_password(email, "a-brand-new-password", actor="test", source="cli"),
        lambda email: users.set_active(email, False, actor="test", source="cli"),
        lambda email: users.set_access(email, role="auditor", actor="test", source="cli"),
        lambda email: users.set_access(email, area_refs=[], actor="test", source="cli"),
    ],
    ids=["password", "disabled", "role", "areas"],
)
def test_a_change_to_the_user_ends_every_session_of_theirs(demo, client_for, change):
    first, second = client_for("dpo"), client_for("dpo")
    other = client_for("auditor")
    change(USERS["dpo"])
    db.session.remove()
    for client in (first, second):
        response = client.get("/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert other.get("/").status_code == 200  # someone else's sessions go on
    entry = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert entry.record_ref == USERS["dpo"] and entry.actor == "test"


def test_a_cookie_signed_with_the_old_development_key_or_naming_a_bare_id_is_refused(demo):
    admin = users.find_by_email(USERS["admin"])
    for key in ("dev-only-not-secret", demo.config["SECRET_KEY"]):
        for user_id in (str(admin.id), f"{admin.id}:{admin.session_generation + 1}"):
            serializer = URLSafeTimedSerializer(
                key, salt="cookie-session", signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"}
            )
            forged = serializer.dumps({"_user_id": user_id, "_fresh": True, "last_seen": 9_999_999_999})
            assert replay(demo, forged).status_code == 302, (key, user_id)


def _require_two_factor(client_for) -> None:
    admin = client_for("admin")
    admin.post("/admin/", data={"csrf_token": csrf(admin, "/admin/"), "require_two_factor": "y"})


def _set_up_authenticator(demo) -> str:
    client = demo.test_client()
    sign_in(client, USERS["dpo"])
    page = client.get("/sign-in/code").data.decode()
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    code = pyotp.TOTP(secret).now()
    response = client.post("/sign-in/code", data={"code": code, "csrf_token": csrf(client, "/sign-in/code")})
    assert response.status_code == 302
    return secret


def test_an_authenticator_code_is_accepted_once(demo, client_for):
    _require_two_factor(client_for)
    secret = _set_up_authenticator(demo)
    totp = pyotp.TOTP(secret)
    code = totp.now()
    # The set-up used this step's code already: it cannot be used again, in any session.
    for _ in range(2):
        client = demo.test_client()
        sign_in(client, USERS["dpo"])
        page = client.post("/sign-in/code", data={"code": code, "csrf_token": csrf(client, "/sign-in/code")})
        assert "The code is not right" in page.data.decode()
    # The next step's code (allowed for clock drift) works once, and then not again.
    following = totp.at(time.time() + 30)
    first, second = demo.test_client(), demo.test_client()
    for client in (first, second):
        sign_in(client, USERS["dpo"])
    ok = first.post("/sign-in/code", data={"code": following, "csrf_token": csrf(first, "/sign-in/code")})
    assert ok.status_code == 302 and first.get("/").status_code == 200
    again = second.post("/sign-in/code", data={"code": following, "csrf_token": csrf(second, "/sign-in/code")})
    assert "The code is not right" in again.data.decode()
    assert second.get("/").status_code == 302


def test_authenticator_secrets_are_encrypted_at_rest(demo, client_for):
    _require_two_factor(client_for)
    secret = _set_up_authenticator(demo)
    stored = db.session.scalar(sa.select(User.totp_secret).where(User.email == USERS["dpo"]))
    assert stored.startswith("fernet:") and secret not in stored
    assert auth.totp_secret_of(users.find_by_email(USERS["dpo"])) == secret


def post_sign_in(client, email: str, password: str, address: str, **headers):
    token = csrf(client, "/sign-in")
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_a_stranger_guessing_locks_out_only_their_own_address(demo):
    stranger = demo.test_client()
    for _ in range(throttle.PER_ACCOUNT_AND_ADDRESS):
        post_sign_in(stranger, USERS["dpo"], "guess", "203.0.113.9")
    refused = post_sign_in(stranger, USERS["dpo"], PASSWORD, "203.0.113.9")
    assert "Too many failed attempts" in refused.data.decode()
    owner = post_sign_in(demo.test_client(), USERS["dpo"], PASSWORD, "198.51.100.7")
    assert owner.status_code == 302


def test_guessing_from_many_addresses_locks_the_account_until_an_admin_lifts_it(demo, client_for):
    for n in range(throttle.PER_ACCOUNT):
        post_sign_in(demo.test_client(), USERS["dpo"], "guess", f"203.0.113.{n % 10}")
    owner = demo.test_client()
    assert "Too many failed attempts" in post_sign_in(owner, USERS["dpo"], PASSWORD, "198.51.100.7").data.decode()
    admin = client_for("admin")
    page = admin.get("/admin/").data.decode()
    assert "Lift the lock" in page
    dpo = users.find_by_email(USERS["dpo"])
    response = admin.post(f"/admin/people/{dpo.id}/lift-lock", data={"csrf_token": csrf(admin, "/admin/")})
    assert response.status_code == 302
    assert post_sign_in(owner, USERS["dpo"], PASSWORD, "198.51.100.7").status_code == 302
    entry = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert entry.record_ref == USERS["dpo"] and entry.after == {"sign_in_locked": False}


def test_an_admin_can_disable_a_person_which_ends_their_sessions(demo, client_for):
    dpo_client = client_for("dpo")
    admin = client_for("admin")
    dpo = users.find_by_email(USERS["dpo"])
    response = admin.post(f"/admin/people/{dpo.id}/access", data={"csrf_token": csrf(admin, "/admin/")})
    assert response.status_code == 302
    assert dpo_client.get("/").status_code == 302
    assert post_sign_in(demo.test_client(), USERS["dpo"], PASSWORD, "198.51.100.7").status_code == 200


@pytest.mark.parametrize(("hops", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.50")])
def test_the_forwarded_address_counts_only_behind_trusted_proxies(app, hops, expected):
    app.config["TRUSTED_PROXIES"] = hops
    _trust_proxies(app)
    post_sign_in(app.test_client(), "someone@example.org", "guess", "127.0.0.1", **{"X-Forwarded-For": "203.0.113.50"})
    assert db.session.scalar(sa.select(SignInAttempt.address)) == expected


@pytest.mark.parametrize("burst", [30, 60])
def test_a_burst_of_parallel_attempts_checks_no_more_than_the_limit(demo, burst):
    app = demo
    outcomes: list[str] = []
    barrier = threading.Barrier(burst)

    def attempt() -> None:
        with app.app_context():
            try:
                barrier.wait()
                result = auth.check_password(USERS["dpo"], "guess", "203.0.113.77")
                outcomes.append("throttled" if result.throttled else "checked")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == burst
    assert outcomes.count("checked") == throttle.PER_ACCOUNT_AND_ADDRESS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInAttempt)) == outcomes.count("checked")
    # The right password from the same address is refused too, until the window ends.
    assert auth.check_password(USERS["dpo"], PASSWORD, "203.0.113.77").throttled
