"""Fixtures for the web tests: the demo register, one signed-in client per role."""

from __future__ import annotations

import json
import re

import pytest

from compliance.extensions import db
from compliance.services import exchange, seeding, users
from tests.conftest import build_once

PASSWORD = "web-tests-password"
USERS = {
    "admin": "admin@riverford.example.gov.uk",
    "dpo": "dpo@riverford.example.gov.uk",
    "panel_chair": "channel.chair@riverford.example.gov.uk",
    "auditor": "auditor@riverford.example.gov.uk",
}


@pytest.fixture
def demo(app, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    build_once("demo", lambda: seeding.seed_demo("test"))
    db.session.remove()
    return app


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf(client)})


def csrf(client, path: str = "/sign-in") -> str:
    """A CSRF token from a page's form, as a browser would have it."""
    page = client.get(path).data.decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


@pytest.fixture
def client_for(demo):
    """client_for("dpo") -> a test client signed in as the demo user of that role."""

    def make(role: str):
        client = demo.test_client()
        response = sign_in(client, USERS[role])
        assert response.status_code == 302, response.data.decode()[:500]
        return client

    return make


OTHERTON = {
    "format": "prevent-compliance-register",
    "version": 1,
    "areas": [{"ref": "otherton", "name": "Otherton", "nation": "wales"}],
    "organisations": [
        {
            "ref": "otherton-council",
            "name": "Otherton Council",
            "partner_type": "local_authority",
            "areas": ["otherton"],
        },
        {"ref": "otherton-police", "name": "Otherton Police", "partner_type": "police", "areas": ["otherton"]},
    ],
    "data_flows": [
        {
            "ref": "otherton-referrals",
            "name": "Otherton referrals",
            "area": "otherton",
            "programme": "prevent_referral",
            "sender": "otherton-council",
            "recipient": "otherton-police",
            "frequency": "routine",
            "transfer_channel": "secure_email",
            "relationship": "independent_controllers",
            "status": "live",
            "data_categories": [],
        }
    ],
}


@pytest.fixture
def otherton_dpo(demo):
    exchange.import_text(json.dumps(OTHERTON), actor="test", source="import")
    users.create_user(
        "dpo@otherton.example.gov.uk", "dpo", "otherton-password", area_refs=["otherton"], actor="test", source="cli"
    )
    db.session.commit()
    client = demo.test_client()
    assert sign_in(client, "dpo@otherton.example.gov.uk", "otherton-password").status_code == 302
    return client
