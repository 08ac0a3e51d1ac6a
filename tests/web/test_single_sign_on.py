"""Signing in with the council's own accounts, against a real OpenID Connect provider served over
HTTP on 127.0.0.1 (tests/oidc_provider.py): the app fetches its discovery document and keys and
redeems codes at its token endpoint; the test client carries the browser's part."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
import sqlalchemy as sa

from compliance.extensions import db
from compliance.labels import label
from compliance.models import AuditEvent, User
from compliance.models.enums import Role
from compliance.services import sign_in_mappings

from ..oidc_provider import Person, Provider
from .conftest import USERS, csrf, sign_in

CALLBACK = "http://localhost/sign-in/council/callback"
SIGNED_OUT = "http://localhost/signed-out"
ADMIN_ROLE, DPO_GROUP, CHAIR_GROUP, AUDITOR_GROUP = (
    "Register.Admin",
    "3f1c0a52-6d1e-4c41-9a3b-000000000dp0",
    "3f1c0a52-6d1e-4c41-9a3b-0000000chair",
    "3f1c0a52-6d1e-4c41-9a3b-00000auditor",
)
PEOPLE = {
    "admin": Person("oid-admin", "ada.admin@riverford.example.gov.uk", roles=[ADMIN_ROLE]),
    "dpo": Person("oid-dpo", "dee.dpo@riverford.example.gov.uk", groups=[DPO_GROUP, "unrelated-group"]),
    "panel_chair": Person("oid-chair", "cha.chair@riverford.example.gov.uk", groups=[CHAIR_GROUP]),
    "auditor": Person("oid-auditor", "aud.auditor@riverford.example.gov.uk", groups=[AUDITOR_GROUP]),
}


@pytest.fixture(scope="module")
def provider():
    provider = Provider()
    provider.redirect_uris.add(CALLBACK)
    provider.post_logout_redirect_uris.add(SIGNED_OUT)
    yield provider
    provider.stop()


@pytest.fixture
def sso(demo, provider):
    """The demo register with single sign-on set up as for Entra ID (subject = oid) and a mapping
    for each role."""
    provider.tamper.clear()
    provider.person = None
    demo.config.update(
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=provider.client_id,
        OIDC_CLIENT_SECRET=provider.client_secret,
        OIDC_SUBJECT_CLAIM="oid",
        OIDC_TIMEOUT_SECONDS=5,
    )
    actor = "test"
    sign_in_mappings.save_mapping(ADMIN_ROLE, "admin", [], [], actor=actor)
    sign_in_mappings.save_mapping(DPO_GROUP, "dpo", ["riverford"], [], actor=actor)
    sign_in_mappings.save_mapping(CHAIR_GROUP, "panel_chair", ["riverford"], ["riverford-channel"], actor=actor)
    sign_in_mappings.save_mapping(AUDITOR_GROUP, "auditor", ["riverford"], [], actor=actor)
    db.session.remove()
    return demo


def to_provider(client):
    """The browser's first leg: the app's redirect to the provider, then the provider's answer."""
    start = client.get("/sign-in/council")
    assert start.status_code == 302, start.data.decode()[:300]
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"].removeprefix("http://localhost")


def sso_sign_in(client, provider, person: Person):
    provider.person = person
    return client.get(to_provider(client))


def signed_in_as(client) -> str | None:
    response = client.get("/")
    if response.status_code != 200:
        return None
    page = response.data.decode()
    return page.split("Signed in as ", 1)[1].split("<", 1)[0].strip() if "Signed in as " in page else None


@pytest.mark.parametrize("role", list(PEOPLE))
def test_each_role_signs_in_and_gets_what_its_mapping_gives(sso, provider, role):
    client = sso.test_client()
    response = sso_sign_in(client, provider, PEOPLE[role])
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(client) == f"{PEOPLE[role].preferred_username} ({label(Role(role))})"
    assert client.get("/admin/").status_code == (200 if role == "admin" else 403)
    user = db.session.scalar(sa.select(User).where(User.oidc_subject == PEOPLE[role].oid))
    assert user.oidc_issuer == provider.issuer and user.password_hash == ""
    assert [area.ref for area in user.areas] == ([] if role == "admin" else ["riverford"])
    assert [panel.ref for panel in user.panels] == (["riverford-channel"] if role == "panel_chair" else [])


def test_someone_who_signs_on_has_no_password_to_change_here(sso, provider):
    client = sso.test_client()
    assert sso_sign_in(client, provider, PEOPLE["dpo"]).status_code == 302
    page = client.get("/").data.decode()
    assert "Change your password" not in page
    assert client.get("/account/password").status_code == 404
    response = client.post("/account/password", data={"csrf_token": csrf(client, "/"), "current_password": ""})
    assert response.status_code == 404


def test_the_authorization_request_uses_pkce_state_and_nonce(sso, provider):
    start = sso.test_client().get("/sign-in/council")
    query = dict(requests.utils.urlparse(start.headers["Location"]).query.split("&")[i].split("=", 1) for i in range(0))
    location = start.headers["Location"]
    query = dict(part.split("=", 1) for part in location.split("?", 1)[1].split("&"))
    assert location.startswith(provider.issuer + "/authorize?")
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["response_type"] == "code"
    assert "openid" in query["scope"]


def test_someone_with_no_mapping_is_told_whom_to_ask_and_sees_no_data(sso, provider):
    client = sso.test_client()
    response = sso_sign_in(client, provider, Person("oid-stranger", "stranger@riverford.example.gov.uk", groups=["g1"]))
    page = response.data.decode()
    assert response.status_code == 403
    assert "You do not have access to this service" in page
    assert USERS["admin"] in page and "<code>g1</code>" in page
    assert "riverford-city-council" not in page and "Signed in as" not in page
    home = client.get("/")
    assert home.status_code == 302 and "/sign-in" in home.headers["Location"]
    stranger = db.session.scalar(sa.select(User).where(User.oidc_subject == "oid-stranger"))
    assert stranger.provider_access is False


@pytest.mark.parametrize(
    "tamper",
    [{"aud": "another-app"}, {"expires_in": -3600}, {"bad_signature": True}, {"nonce": "not-the-one-sent"}],
    ids=["wrong audience", "expired", "bad signature", "nonce mismatch"],
)
def test_an_id_token_that_fails_a_check_signs_nobody_in(sso, provider, tamper):
    provider.tamper.update(tamper)
    client = sso.test_client()
    response = sso_sign_in(client, provider, PEOPLE["dpo"])
    page = response.data.decode()
    assert response.status_code == 400 and "Sign-in did not complete" in page
    assert "Traceback" not in page and provider.base not in page
    assert signed_in_as(client) is None
    assert db.session.scalar(sa.select(User).where(User.oidc_subject == "oid-dpo")) is None


def test_a_replayed_callback_is_refused(sso, provider):
    client = sso.test_client()
    provider.person = PEOPLE["dpo"]
    callback = to_provider(client)
    with client.session_transaction() as session:
        cookie_before = dict(session)
    assert client.get(callback).status_code == 302
    # the same state again, in the same browser: it was used
    assert client.get(callback).status_code == 400
    # the same state with the cookie from before it was used: the provider refuses the code again
    other = sso.test_client()
    with other.session_transaction() as session:
        session.update(cookie_before)
    response = other.get(callback)
    assert response.status_code == 400 and signed_in_as(other) is None


def test_a_removed_mapping_ends_access_mid_session(sso, provider):
    dpo = sso.test_client()
    sso_sign_in(dpo, provider, PEOPLE["dpo"])
    assert dpo.get("/records/data_flows").status_code == 200
    admin = sso.test_client()
    sso_sign_in(admin, provider, PEOPLE["admin"])
    page = admin.get("/admin/").data.decode()
    assert DPO_GROUP in page
    mapping_id = next(m.id for m in sign_in_mappings.every_mapping() if m.group == DPO_GROUP)
    token = csrf(admin, "/admin/")
    assert admin.post(f"/admin/sign-in-mappings/{mapping_id}/remove", data={"csrf_token": token}).status_code == 302
    db.session.remove()
    response = dpo.get("/records/data_flows")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    again = sso_sign_in(dpo, provider, PEOPLE["dpo"])
    assert again.status_code == 403 and "You do not have access" in again.data.decode()
    trail = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.record_type == "sign-in mapping")).all()
    assert any(event.record_ref == DPO_GROUP and event.after is None for event in trail)


def test_an_admin_maps_a_group_on_the_administration_page(sso, provider):
    admin = sso.test_client()
    sso_sign_in(admin, provider, PEOPLE["admin"])
    token = csrf(admin, "/admin/")
    bad = admin.post(
        "/admin/sign-in-mappings",
        data={"csrf_token": token, "group": "new-group", "role": "dpo", "areas": "nowhere", "panels": ""},
    )
    assert bad.status_code == 400 and "there is no area &#39;nowhere&#39;" in bad.data.decode()
    good = admin.post(
        "/admin/sign-in-mappings",
        data={"csrf_token": token, "group": "new-group", "role": "auditor", "areas": "riverford", "panels": ""},
    )
    assert good.status_code == 302
    newcomer = sso.test_client()
    sso_sign_in(newcomer, provider, Person("oid-new", "new@riverford.example.gov.uk", groups=["new-group"]))
    assert signed_in_as(newcomer) == "new@riverford.example.gov.uk (Auditor)"


def test_people_are_matched_on_the_subject_never_on_email(sso, provider):
    client = sso.test_client()
    # a provider account whose username is a local account's email does not take that account over
    response = sso_sign_in(client, provider, Person("oid-x", USERS["dpo"], groups=[DPO_GROUP]))
    assert response.status_code == 403 and "already has an account with the email" in response.data.decode()
    # a person whose username changes at the provider keeps their account
    first = sso.test_client()
    sso_sign_in(first, provider, PEOPLE["auditor"])
    renamed = Person("oid-auditor", "aud.renamed@riverford.example.gov.uk", groups=[AUDITOR_GROUP])
    second = sso.test_client()
    sso_sign_in(second, provider, renamed)
    assert signed_in_as(second) == "aud.renamed@riverford.example.gov.uk (Auditor)"
    assert db.session.scalar(sa.select(sa.func.count()).where(User.oidc_subject == "oid-auditor")) == 1


def test_the_provider_rotating_its_keys_is_handled(sso, provider):
    sso_sign_in(sso.test_client(), provider, PEOPLE["auditor"])
    fetched = provider.jwks_requests
    provider.rotate_keys()
    client = sso.test_client()
    sso_sign_in(client, provider, PEOPLE["auditor"])
    assert signed_in_as(client) is not None
    assert provider.jwks_requests == fetched + 1


def test_groups_overage_is_explained(sso, provider):
    provider.tamper["groups_overage"] = True
    response = sso_sign_in(sso.test_client(), provider, PEOPLE["dpo"])
    assert response.status_code == 403 and "more groups than" in response.data.decode()


def test_sign_out_ends_the_session_here_and_at_the_provider(sso, provider):
    client = sso.test_client()
    sso_sign_in(client, provider, PEOPLE["dpo"])
    response = client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    location = response.headers["Location"]
    assert location.startswith(provider.issuer + "/logout?")
    back = requests.get(location, allow_redirects=False, timeout=5)
    assert back.headers["Location"].startswith(SIGNED_OUT)
    assert provider.logouts[-1]["client_id"] == provider.client_id and provider.logouts[-1]["id_token_hint"]
    page = client.get(back.headers["Location"].removeprefix("http://localhost"))
    assert page.status_code == 200 and "You have signed out" in page.data.decode()
    assert signed_in_as(client) is None


def test_provider_down_gives_a_clear_page_and_leaks_nothing(sso, provider):
    client = sso.test_client()
    provider.person = PEOPLE["dpo"]
    callback = to_provider(client)
    down = Provider()
    try:
        sso.config["OIDC_ISSUER"] = down.issuer
        sso.extensions.pop("compliance.oidc", None)
    finally:
        down.stop()  # a provider that is not there: connections are refused
    for response in (client.get("/sign-in/council"), client.get(callback)):
        page = response.data.decode()
        assert response.status_code == 503 and "is not answering" in page
        assert down.base not in page and "Traceback" not in page and "Connection" not in page
    assert signed_in_as(client) is None


def test_passwords_off_except_for_a_break_glass_admin(sso, cli):
    sso.config["PASSWORD_SIGN_IN"] = "disabled"
    refused = sign_in(sso.test_client(), USERS["dpo"])
    assert refused.status_code == 200 and "Passwords are turned off for this account" in refused.data.decode()
    made = cli(
        ["users", "create", "glass@riverford.example.gov.uk", "--role", "admin", "--break-glass"],
        input="a-long-break-glass-password\n",
    )
    assert made.exit_code == 0, made.output
    wrong = cli(["users", "create", "g2@riverford.example.gov.uk", "--role", "dpo", "--break-glass"], input="x" * 14)
    assert wrong.exit_code == 2 and "a break-glass account must have the role admin" in wrong.output
    client = sso.test_client()
    assert sign_in(client, "glass@riverford.example.gov.uk", "a-long-break-glass-password").status_code == 302
    assert signed_in_as(client) == "glass@riverford.example.gov.uk (Administrator)"
    used = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.record_type == "break-glass sign-in")).all()
    assert [event.record_ref for event in used] == ["glass@riverford.example.gov.uk"]


def test_a_signed_on_person_has_no_password_to_guess(sso, provider):
    sso_sign_in(sso.test_client(), provider, PEOPLE["dpo"])
    response = sign_in(sso.test_client(), PEOPLE["dpo"].preferred_username, "")
    assert response.status_code == 200 and "Enter a correct email address and password" not in response.data.decode()
    response = sign_in(sso.test_client(), PEOPLE["dpo"].preferred_username, "anything-at-all")
    assert "Enter a correct email address and password" in response.data.decode()


def test_the_cli_does_not_load_authlib():
    code = "import sys, compliance.cli, compliance; compliance.create_app(); print('authlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"


def test_a_disabled_person_stays_out_and_has_no_password_to_set(sso, provider, cli):
    sso_sign_in(sso.test_client(), provider, PEOPLE["dpo"])
    email = PEOPLE["dpo"].preferred_username
    assert cli(["users", "disable", email]).exit_code == 0
    response = sso_sign_in(sso.test_client(), provider, PEOPLE["dpo"])
    assert response.status_code == 403 and "has been disabled" in response.data.decode()
    refused = cli(["users", "set-password", email], input="a-long-enough-password\n")
    assert refused.exit_code == 2 and "has no password here" in refused.output
