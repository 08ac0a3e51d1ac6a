"""A temporary password (made up by the register, shown once to the admin who added the person)
must be changed at the person's first sign-in: until then every page but "Choose a new password"
and signing out sends them there, and a POST elsewhere writes nothing. The person's own password
is checked field by field; the change is audited (never the password), ends their other sessions
and keeps this one."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, Finding
from compliance.services import users

from .conftest import PASSWORD, csrf, sign_in
from .test_write_scope_web import register_state

EMAIL = "sam.jones@riverford.example.gov.uk"
NEW_PASSWORD = "river otter lantern meadow"
FORCED_PAGES = ("/", "/records/data_flows/council-to-police-referrals", "/findings/", "/register", "/admin/")


def _added_by_an_admin(client_for) -> str:
    """An admin adds a person on the Administration page; the temporary password, read from the page."""
    admin = client_for("admin")
    response = admin.post(
        "/admin/people/new",
        data={
            "csrf_token": csrf(admin, "/admin/people/new"),
            "name": "Sam Jones",
            "email": EMAIL,
            "role": "dpo",
            "areas": ["riverford"],
        },
    )
    assert response.status_code == 200, response.data.decode()[:2000]
    page = html.unescape(response.data.decode())
    db.session.remove()
    return re.search(r'<code id="temporary-password">([^<]+)</code>', page).group(1)


def _signed_in(demo, password: str):
    client = demo.test_client()
    response = sign_in(client, EMAIL, password)
    assert response.status_code == 302, response.data.decode()[:500]
    return client


def _change(client, current: str, new: str, confirm: str):
    token = csrf(client, "/account/password")
    return client.post(
        "/account/password",
        data={"csrf_token": token, "current_password": current, "new_password": new, "confirm_password": confirm},
    )


def _field_error(page: str, field: str) -> str | None:
    match = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def _person():
    db.session.remove()
    return users.find_by_email(EMAIL)


def test_a_person_added_by_an_admin_sees_only_the_page_to_choose_a_password(demo, client_for):
    temporary = _added_by_an_admin(client_for)
    assert _person().password_must_change is True
    client = _signed_in(demo, temporary)
    for path in FORCED_PAGES:
        response = client.get(path)
        assert (path, response.status_code, response.headers.get("Location")) == (path, 303, "/account/password")
    response = client.get("/account/password")
    page = html.unescape(response.data.decode())
    assert response.status_code == 200
    assert "<title>Choose a new password" in page and "You signed in with a temporary password" in page
    assert page.count('autocomplete="new-password"') == 2 and page.count('autocomplete="current-password"') == 1
    assert f"At least {users.MIN_PASSWORD_LENGTH} characters" in page
    assert "govuk-back-link" not in page  # every other page sends them back here
    # What every page needs still loads; health checks still answer.
    for path in ("/assets/app.css", "/healthz"):
        response = client.get(path)
        assert (path, response.status_code) == (path, 200)
        response.close()


def test_a_post_elsewhere_is_refused_and_writes_nothing(demo, client_for):
    temporary = _added_by_an_admin(client_for)
    client = _signed_in(demo, temporary)
    token = csrf(client, "/account/password")
    finding = db.session.scalar(sa.select(Finding.id).where(Finding.subject_ref == "council-to-police-referrals"))
    before = register_state()
    for path, data in (
        (f"/findings/{finding}/remediated", {}),
        ("/records/storage_systems/pcm/archive", {"reason": "Replaced by the new case system, x" * 2}),
        ("/records/organisations/new", {"ref": "sneaked-in", "name": "Sneaked in", "partner_type": "police"}),
    ):
        response = client.post(path, data={"csrf_token": token, **data})
        assert (path, response.status_code, response.headers.get("Location")) == (path, 303, "/account/password")
    assert register_state() == before
    # Signing out is still allowed.
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/signed-out"


def test_each_wrong_answer_is_shown_against_its_field(demo, client_for):
    temporary = _added_by_an_admin(client_for)
    client = _signed_in(demo, temporary)
    hash_before = _person().password_hash
    cases = [
        (
            "not the password at all",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "current_password",
            "Your current password is not right",
        ),
        (temporary, "too short", "too short", "new_password", f"at least {users.MIN_PASSWORD_LENGTH} characters"),
        (temporary, NEW_PASSWORD, NEW_PASSWORD + "!", "confirm_password", "The passwords do not match"),
        (temporary, temporary, temporary, "new_password", "must be different from your current password"),
        ("", "", "", "current_password", "Enter your current password"),
    ]
    for current, new, confirm, field, message in cases:
        response = _change(client, current, new, confirm)
        page = html.unescape(response.data.decode())
        assert response.status_code == 400, (field, message)
        assert "<title>Error: Choose a new password" in page
        assert message in (_field_error(page, field) or ""), (field, message, _field_error(page, field))
        assert f'href="#{field}"' in page  # the error summary links to the field
        for password in {current, new, confirm} - {""}:
            assert f'value="{password}"' not in page  # a password is never sent back
    person = _person()
    assert person.password_must_change is True and person.password_hash == hash_before


def test_choosing_a_password_clears_the_flag_and_ends_the_other_sessions(demo, client_for):
    temporary = _added_by_an_admin(client_for)
    other_device = _signed_in(demo, temporary)
    client = _signed_in(demo, temporary)
    response = _change(client, temporary, NEW_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    dashboard = client.get("/")
    assert dashboard.status_code == 200  # this session goes on
    assert "Your password has been changed" in dashboard.data.decode()
    for path in FORCED_PAGES[1:4]:
        assert client.get(path).status_code == 200
    assert _person().password_must_change is False
    entry = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_ref == EMAIL).order_by(AuditEvent.id.desc())
    ).first()
    assert entry.actor == f"web:{EMAIL}" and entry.source == "web"
    assert entry.before["temporary_sign_in"] is True and "temporary_sign_in" not in entry.after
    assert entry.after["password"] == "changed"
    assert temporary not in str(entry.before) + str(entry.after) and NEW_PASSWORD not in str(entry.after)
    db.session.remove()
    # The other session has ended; the temporary password no longer signs in; the new one does.
    assert other_device.get("/").headers["Location"].startswith("/sign-in")
    refused = sign_in(demo.test_client(), EMAIL, temporary)
    assert refused.status_code == 200 and "Enter a correct email address and password" in refused.data.decode()
    assert _signed_in(demo, NEW_PASSWORD).get("/").status_code == 200


def test_a_person_created_at_the_command_line_is_not_forced(demo):
    result = demo.test_cli_runner().invoke(
        args=["users", "create", "cli.person@riverford.example.gov.uk", "--role", "dpo", "--area", "riverford"],
        input="typed by the operator\n",
    )
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert users.find_by_email("cli.person@riverford.example.gov.uk").password_must_change is False
    client = demo.test_client()
    assert sign_in(client, "cli.person@riverford.example.gov.uk", "typed by the operator").status_code == 302
    assert client.get("/").status_code == 200
    # They may still change it when they like; the page says nothing of a temporary password.
    page = client.get("/account/password").data.decode()
    assert "Choose a new password" in page and "temporary password" not in page


def test_a_new_password_set_at_the_command_line_is_not_temporary(demo, client_for):
    _added_by_an_admin(client_for)
    users.set_password(EMAIL, "set by the operator", actor="test", source="cli")
    assert _person().password_must_change is False
    client = _signed_in(demo, "set by the operator")
    assert client.get("/").status_code == 200


def test_the_demo_users_change_their_own_password(demo, client_for):
    client = client_for("auditor")
    assert client.get("/").status_code == 200 and "Change your password" in client.get("/").data.decode()
    response = _change(client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_guessing_the_current_password_is_throttled_like_signing_in(demo, client_for):
    """A session left open is no faster a way to guess a password than the sign-in page: each check
    of the current password counts against the same limits (five from one address)."""
    temporary = _added_by_an_admin(client_for)
    client = _signed_in(demo, temporary)
    for attempt in range(5):
        page = html.unescape(_change(client, f"wrong guess {attempt}", NEW_PASSWORD, NEW_PASSWORD).data.decode())
        assert "Your current password is not right" in (_field_error(page, "current_password") or "")
    response = _change(client, temporary, NEW_PASSWORD, NEW_PASSWORD)  # right, but too late
    page = html.unescape(response.data.decode())
    assert response.status_code == 400
    assert "entered wrongly too many times" in (_field_error(page, "current_password") or "")
    assert _person().password_must_change is True


def test_a_right_current_password_clears_the_count_even_when_the_new_one_is_refused(demo, client_for):
    temporary = _added_by_an_admin(client_for)
    client = _signed_in(demo, temporary)
    for _round in range(2):
        for attempt in range(4):
            _change(client, f"wrong guess {attempt}", NEW_PASSWORD, NEW_PASSWORD)
        page = html.unescape(_change(client, temporary, "too short", "too short").data.decode())
        assert "at least" in (_field_error(page, "new_password") or "")
        assert _field_error(page, "current_password") is None
    assert _change(client, temporary, NEW_PASSWORD, NEW_PASSWORD).status_code == 302
