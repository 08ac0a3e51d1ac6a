"""People managed on the Administration page: an admin creates a person (with a temporary
password shown once), changes their role, areas and panels, disables and enables them; each change
is in the hash-chained audit trail; only admins may, and the register always keeps an admin."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, User
from compliance.services import audit_chain, users

from .conftest import USERS, csrf, sign_in


def _last_entry() -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()


def _new(client, **data):
    form = {"csrf_token": csrf(client, "/admin/people/new"), **data}
    return client.post("/admin/people/new", data=form)


def test_an_admin_creates_a_person_who_can_sign_in_with_the_password_shown_once(demo, client_for):
    admin = client_for("admin")
    response = _new(
        admin, name="Sam Jones", email="Sam.Jones@Riverford.example.gov.uk", role="dpo", areas=["riverford"]
    )
    page = html.unescape(response.data.decode())
    assert response.status_code == 200, page[:2000]
    password = re.search(r'<code id="temporary-password">([^<]+)</code>', page).group(1)
    assert len(password) >= users.MIN_PASSWORD_LENGTH
    assert response.headers["Cache-Control"] == "no-store"
    person = users.find_by_email("sam.jones@riverford.example.gov.uk")
    assert (person.name, person.role.value, [a.ref for a in person.areas]) == ("Sam Jones", "dpo", ["riverford"])
    assert password not in person.password_hash
    entry = _last_entry()
    assert entry.record_type == "user" and entry.actor == f"web:{USERS['admin']}"
    assert entry.after["name"] == "Sam Jones" and entry.after["role"] == "dpo" and "password" not in str(entry.after)
    assert entry.after["temporary_sign_in"] is True  # it must be changed at their first sign-in
    assert audit_chain.verify().problem is None  # the entry is in the hash chain
    db.session.remove()
    assert sign_in(demo.test_client(), "sam.jones@riverford.example.gov.uk", password).status_code == 302
    listing = admin.get("/admin/").data.decode()
    assert "Sam Jones" in listing and "sam.jones@riverford.example.gov.uk" in listing


def test_an_email_already_used_gets_a_clear_message(demo, client_for):
    admin = client_for("admin")
    response = _new(admin, email=USERS["dpo"].upper(), role="dpo")
    page = html.unescape(response.data.decode())
    assert response.status_code == 400
    assert f"There is already a user with the email {USERS['dpo']}" in page
    response = _new(admin, email="not an email", role="")
    page = html.unescape(response.data.decode())
    assert "Enter an email address in the correct format, like sam.jones@riverford.gov.uk" in page
    assert "Choose their role" in page or "Select one of the answers for the role" in page


def test_an_admin_changes_a_persons_role_and_areas_which_signs_them_out(demo, client_for):
    dpo_client = client_for("dpo")
    admin = client_for("admin")
    dpo = users.find_by_email(USERS["dpo"])
    path = f"/admin/people/{dpo.id}/edit"
    assert admin.get(path).status_code == 200
    response = admin.post(path, data={"csrf_token": csrf(admin, path), "name": "Dee Poe", "role": "auditor"})
    assert response.status_code == 302, re.findall(r"govuk-error-message.*?</p>", response.data.decode(), re.S)
    db.session.remove()
    changed = users.find_by_email(USERS["dpo"])
    assert (changed.name, changed.role.value, changed.areas) == ("Dee Poe", "auditor", [])
    entry = _last_entry()
    assert entry.record_ref == USERS["dpo"] and entry.before["role"] == "dpo" and entry.after["role"] == "auditor"
    assert dpo_client.get("/").status_code == 302  # signed out everywhere


def test_an_admin_cannot_change_their_own_role_nor_disable_themselves(demo, client_for):
    admin = client_for("admin")
    me = users.find_by_email(USERS["admin"])
    path = f"/admin/people/{me.id}/edit"
    response = admin.post(path, data={"csrf_token": csrf(admin, path), "role": "dpo"})
    assert response.status_code == 400
    assert "You cannot change your own role" in html.unescape(response.data.decode())
    response = admin.post(f"/admin/people/{me.id}/access", data={"csrf_token": csrf(admin, "/admin/")})
    assert response.status_code == 302
    db.session.remove()
    assert users.find_by_email(USERS["admin"]).is_active


def test_the_last_active_admin_is_never_removed(demo):
    admins = list(db.session.scalars(sa.select(User).where(User.role == "admin")))
    for other in admins[1:]:
        users.set_active(other.email, False, actor="test", source="cli")
    last = admins[0].email
    for change in (
        lambda: users.set_active(last, False, actor="test", source="cli"),
        lambda: users.set_access(last, role="dpo", actor="test", source="cli"),
    ):
        try:
            change()
        except users.UserError as error:
            assert "is the only active admin" in str(error)
        else:
            raise AssertionError("the last admin was removed")
        db.session.rollback()
    assert users.find_by_email(last).is_active


def test_only_admins_manage_people(demo, client_for):
    dpo = users.find_by_email(USERS["dpo"])
    for role in ("dpo", "panel_chair", "auditor"):
        client = client_for(role)
        assert client.get("/admin/people/new").status_code == 403
        assert client.get(f"/admin/people/{dpo.id}/edit").status_code == 403
