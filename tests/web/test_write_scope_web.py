"""The write-scope checks as an attacker with a valid account meets them: a DPO of Otherton posts
Riverford's refs to every form and action of the app. Nothing of Riverford's may change."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from compliance.exchange import fields as f
from compliance.extensions import db
from compliance.models import AuditEvent, Finding
from compliance.services import exchange
from compliance.views import record_forms

from .conftest import OTHERTON, USERS, csrf, sign_in
from .meeting_helpers import attendee_ids


def form_data(key: str, record: dict, token: str) -> dict:
    """What a browser would post for this exchange record on the record's form."""
    kind = f.BY_KEY[key]
    data: dict = {"csrf_token": token}
    for name, value in record_forms.to_form_data(kind, record).items():
        if isinstance(value, date):
            data[name] = [str(value.day), str(value.month), str(value.year)]
        elif isinstance(value, bool):
            data[name] = "yes" if value else "no"
        elif isinstance(value, list | str):
            data[name] = value
        else:
            data[name] = str(value)
    for field in kind.fields:
        if field.kind == "date" and field.key not in data:
            data[field.key] = ["", "", ""]
    return data


def register_state() -> tuple[dict, int]:
    db.session.remove()
    state = exchange.export_document(), db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db.session.remove()
    return state


def stored(key: str, ref: str) -> dict:
    db.session.remove()
    return next(r for r in exchange.export_document().get(key, ()) if r["ref"] == ref)


# The reproduction: the "new" form with another area's ref, for each record type it named.
HIJACKS = {
    "organisations": ("riverford-city-council", {"name": "Hijacked", "areas": ["otherton"]}),
    "data_flows": (
        "council-to-police-referrals",
        {
            "name": "Hijacked",
            "area": "otherton",
            "sender": "otherton-council",
            "recipient": "otherton-police",
            **dict.fromkeys(("dsa", "dpia", "mou", "storage_systems", "privacy_notices")),
        },
    ),
    "panels": (
        "riverford-channel",
        {
            "name": "Hijacked",
            "areas": ["otherton"],
            "chair_organisation": "otherton-council",
            "police_forces": ["otherton-police"],
        },
    ),
    "dsas": ("riverford-prevent-channel-dsa", {"title": "Hijacked"}),
}


@pytest.mark.parametrize("key", HIJACKS)
def test_the_new_form_cannot_take_over_another_areas_record(otherton_dpo, key):
    ref, change = HIJACKS[key]
    before = register_state()
    record = {name: value for name, value in {**stored(key, ref), **change}.items() if value is not None}
    data = form_data(key, record, csrf(otherton_dpo, f"/records/{key}/new"))
    if key == "dsas":
        data["party_organisations"] = ["otherton-council", "otherton-police"]
    response = otherton_dpo.post(f"/records/{key}/new", data=data)
    assert response.status_code == 400
    page = response.data.decode()
    assert "A record with this reference already exists: choose another reference" in page
    assert register_state() == before
    riverford = demo_client(otherton_dpo.application, "dpo")
    assert riverford.get(f"/records/{key}/{ref}").status_code == 200


def demo_client(app, role: str):
    client = app.test_client()
    assert sign_in(client, USERS[role]).status_code == 302
    return client


def test_editing_a_shared_organisation_keeps_the_area_the_editor_cannot_see(otherton_dpo):
    police = stored("organisations", "eastshire-police")
    exchange.import_text(
        json.dumps(
            {
                "format": "prevent-compliance-register",
                "version": 1,
                "organisations": [{**police, "areas": ["otherton", "riverford"]}],
            }
        ),
        actor="test",
        source="import",
    )
    db.session.remove()
    path = "/records/organisations/eastshire-police/edit"
    page = otherton_dpo.get(path).data.decode()
    assert 'value="riverford"' not in page  # the form only offers the editor's own areas
    data = form_data("organisations", {**police, "name": "Eastshire Constabulary", "areas": ["otherton"]}, "")
    data["csrf_token"] = csrf(otherton_dpo, path)
    response = otherton_dpo.post(path, data=data)
    assert response.status_code == 302, response.data.decode()[:2000]
    after = stored("organisations", "eastshire-police")
    assert after["name"] == "Eastshire Constabulary"
    assert after["areas"] == ["otherton", "riverford"]
    riverford = demo_client(otherton_dpo.application, "dpo")
    assert "Eastshire Constabulary" in riverford.get("/records/organisations/eastshire-police").data.decode()


def _post_routes(app) -> dict[str, list[str]]:
    """Every POST route filled in with Riverford's refs (each record type's every path)."""
    finding = db.session.scalar(sa.select(Finding.id).where(Finding.subject_ref == "council-to-police-referrals"))
    meeting = "riverford-channel-2026-11"
    riverford = exchange.export_document("riverford")
    attendees = attendee_ids(meeting)
    paths: dict[str, list[str]] = {
        "records.create": [f"/records/{key}/new" for key in f.BY_KEY],
        "records.edit": [f"/records/{key}/{r['ref']}/edit" for key in f.BY_KEY for r in riverford.get(key, ())],
        "records.archive": [f"/records/{key}/{r['ref']}/archive" for key in f.BY_KEY for r in riverford.get(key, ())],
        "evidence.upload": [f"/records/{key}/{r['ref']}/documents" for key in f.BY_KEY for r in riverford.get(key, ())],
        "records.nested": [
            "/records/dsas/riverford-prevent-channel-dsa/parties/riverford-college",
            "/records/data_flows/council-to-police-referrals/lawful_bases/eastshire-police",
        ],
        "records.retention": ["/records/data_flows/council-to-police-referrals/retention"],
        "records.designation": ["/records/areas/riverford/designation"],
        "findings.accept": [f"/findings/{finding}/accept"],
        "findings.accept_several": ["/findings/?area=riverford"],
        "findings.remediated": [f"/findings/{finding}/remediated"],
        "meetings.start": ["/meetings/start/riverford-channel"],
        "meetings.add_attendee": [f"/meetings/{meeting}/attendees"],
        "meetings.add_attendees": [f"/meetings/{meeting}/attendees/several"],
        "meetings.minuted_statement": [f"/meetings/{meeting}/minuted-statement"],
        "meetings.change_attendee": [f"/meetings/{meeting}/attendees/{attendee}" for attendee in attendees],
        "meetings.remove_attendee": [f"/meetings/{meeting}/attendees/{attendee}/remove" for attendee in attendees],
        "meetings.cases_discussed": [f"/meetings/{meeting}/cases-discussed"],
        "records.restore": [f"/records/{key}/{r['ref']}/restore" for key in f.BY_KEY for r in riverford.get(key, ())],
        "meetings.add_organisation": [f"/meetings/{meeting}/organisations"],
        "transfer.import_file": ["/transfer/import"],
        # With no file previewed by this user, there is nothing to confirm.
        "transfer.confirm_import": ["/transfer/import/confirm"],
        "admin.index": ["/admin/"],
        "admin.lift_lock": ["/admin/people/1/lift-lock"],
        "admin.set_active": ["/admin/people/1/access"],
        "admin.save_mapping": ["/admin/sign-in-mappings"],
        "admin.remove_mapping": ["/admin/sign-in-mappings/1/remove"],
        "admin.new_person": ["/admin/people/new"],
        "admin.edit_person": ["/admin/people/1/edit"],
        "foi.withhold": ["/foi/riverford/2/withhold"],
        "foi.mark_final": ["/foi/riverford/final"],
        "foi.holder": ["/foi/holder"],
        # Someone else's session cannot change a password it does not know (tests/web/test_temporary_password.py).
        "auth.change_password": ["/account/password"],
    }
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert routes - set(paths) == {"auth.sign_in", "auth.two_factor", "auth.sign_out"}
    return paths


def _riverford_data(path: str, token: str) -> dict:
    """The post data: the Riverford record the path names, as its form would send it."""
    parts = path.strip("/").split("/")
    if parts[0] == "records" and len(parts) >= 3 and parts[2] not in ("new",):
        key, ref = parts[1], parts[2]
        record = stored(key, ref)
        data = form_data(key, record, token)
        data.update(title="Hijacked", name="Hijacked", statement_minutes_ref="x", minutes_ref="x")
        return data
    return {
        "csrf_token": token,
        "ref": "riverford-city-council",
        "name": "Hijacked",
        "held_on": ["1", "1", "2026"],
        "police_present": "yes",
        "organisation": "riverford-city-council",
        "role": "Chair",
        "method": "none",
        "statement_minutes_ref": "x",
        "reason": "x" * 50,
        "require_two_factor": "y",
        # Accepting risks together: every open finding the (empty) filters match.
        "which": "matching",
        "review_on": ["1", "1", "2031"],
    }


@pytest.mark.parametrize("role", ["dpo", "panel_chair", "auditor"])
def test_no_post_route_lets_another_area_change_riverford(demo, role):
    from compliance.services import users

    exchange.import_text(json.dumps(OTHERTON_WITH_PANEL), actor="test", source="import")
    users.create_user(
        f"{role}@otherton.example.gov.uk",
        role,
        "otherton-password",
        area_refs=["otherton"],
        panel_refs=["otherton-channel"] if role == "panel_chair" else [],
        actor="test",
        source="cli",
    )
    db.session.commit()
    client = demo.test_client()
    assert sign_in(client, f"{role}@otherton.example.gov.uk", "otherton-password").status_code == 302
    token = csrf(client, "/")
    before = register_state()
    failures = []
    for endpoint, paths in _post_routes(demo).items():
        for path in paths:
            response = client.post(path, data=_riverford_data(path, token))
            if response.status_code not in (400, 403, 404):
                failures.append((endpoint, path, response.status_code))
            response.close()
    assert failures == []
    assert register_state() == before


# Otherton, with a panel of its own for the chair to be assigned to.
OTHERTON_WITH_PANEL = {
    **OTHERTON,
    "panels": [
        {
            "ref": "otherton-channel",
            "name": "Otherton Channel",
            "kind": "channel",
            "areas": ["otherton"],
            "chair_organisation": "otherton-council",
        }
    ],
}
