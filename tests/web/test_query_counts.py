"""No page's SQL query count grows with the register: a register and one ten times larger give the
same counts for the dashboard, a list page, a detail page and the meeting page."""

from __future__ import annotations

import json
from contextlib import contextmanager

import sqlalchemy as sa

from compliance.extensions import db
from compliance.services import exchange, users

from .conftest import sign_in

PAGES = {
    "dashboard": "/",
    "list": "/records/data_flows",
    "list, searched and sorted": "/records/data_flows?q=flow&sort=-status",
    "detail (flow)": "/records/data_flows/a0-flow-0",
    "detail (DSA)": "/records/dsas/a0-dsa",
    "detail (panel)": "/records/panels/a0-panel",
    "detail (area), with its findings, flows and panels": "/records/areas/a0",
    "detail (organisation), with its flows and agreements": "/records/organisations/a0-council",
    "detail (organisation receiving flows)": "/records/organisations/a0-police",
    "meeting": "/meetings/a0-meeting-0",
    "finding": "/findings/1",
    "findings": "/findings/?status=open&sort=record",
    "findings, filtered by area": "/findings/?area=a0",
    "audit log": "/audit/",
    "register": "/register",
}


def synthetic(areas: int, flows: int = 6, meetings: int = 4) -> dict:
    doc: dict = {
        "format": "prevent-compliance-register",
        "version": 1,
        "areas": [],
        "organisations": [],
        "privacy_notices": [],
        "data_flows": [],
        "dsas": [],
        "panels": [],
    }
    for a in range(areas):
        area, council, police = f"a{a}", f"a{a}-council", f"a{a}-police"
        doc["areas"].append({"ref": area, "name": f"Area {a}", "nation": "england", "responsible_authority": council})
        for ref, kind in ((council, "local_authority"), (police, "police")):
            doc["organisations"].append({"ref": ref, "name": ref, "partner_type": kind, "areas": [area]})
            doc["privacy_notices"].append({"ref": f"{ref}-notice", "controller": ref, "scope": "corporate"})
        doc["dsas"].append(
            {
                "ref": f"{area}-dsa",
                "title": f"DSA {a}",
                "status": "in_force",
                "template_origin": "la_template",
                "parties": [
                    {"organisation": council, "signed_on": "2024-01-01", "signatory_name": "X"},
                    {"organisation": police},
                ],
            }
        )
        for n in range(flows):
            doc["data_flows"].append(
                {
                    "ref": f"{area}-flow-{n}",
                    "name": f"Flow {n} of {a}",
                    "area": area,
                    "programme": "prevent_referral",
                    "sender": council,
                    "recipient": police,
                    "frequency": "routine",
                    "transfer_channel": "secure_email",
                    "relationship": "independent_controllers",
                    "status": "live",
                    "data_categories": ["sc_religious"],
                    "subjects": {"children": n % 2 == 0},
                    "dsa": f"{area}-dsa",
                    "lawful_bases": [{"party": council, "regime": "uk_gdpr", "art6": "e_public_task"}],
                }
            )
        doc["panels"].append(
            {
                "ref": f"{area}-panel",
                "name": f"Panel {a}",
                "kind": "channel",
                "areas": [area],
                "chair_organisation": council,
                "police_forces": [police],
                "meetings": [
                    {
                        "ref": f"{area}-meeting-{m}",
                        "held_on": f"2026-0{m + 1}-10",
                        "cases_discussed": 2,
                        "attendees": [
                            {
                                "role": "Chair",
                                "organisation": council,
                                "name": "A Person",
                                "confidentiality": {"method": "verbal_recorded_in_minutes", "minutes_ref": "M1"},
                            },
                            {"role": "Officer", "organisation": police},
                        ],
                    }
                    for m in range(meetings)
                ],
            }
        )
    return doc


@contextmanager
def counting():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def page_counts(app, areas: int) -> dict[str, int]:
    exchange.import_text(json.dumps(synthetic(areas)), actor="test", source="import")
    users.create_user("admin@example.org", "admin", "a-long-password", actor="test", source="cli")
    db.session.commit()
    db.session.remove()
    client = app.test_client()
    assert sign_in(client, "admin@example.org", "a-long-password").status_code == 302
    counts = {}
    for name, path in PAGES.items():
        client.get(path)  # warm: the first request of a session loads the user and such
        db.session.remove()  # each request starts with an empty session, as in production
        with counting() as statements:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(statements)
        # The first request after a write finds nothing kept (services/page_cache.py): counted too.
        app.extensions["page_cache"].values.clear()
        db.session.remove()
        with counting() as statements:
            assert client.get(path).status_code == 200, name
        counts[f"{name}, nothing kept"] = len(statements)
    return counts


def test_query_counts_do_not_grow_with_the_register(app, request):
    from tests.conftest import empty_database

    small = page_counts(app, areas=2)
    db.session.remove()
    empty_database()
    large = page_counts(app, areas=20)
    print(f"\nSQL queries per page ({request.node.callspec.id}): " + ", ".join(f"{k}: {v}" for k, v in small.items()))
    assert large == small
    assert max(small.values()) <= 21
    # Record, meeting and findings pages whose content is kept (views/kept.py): the user, the
    # register's version and the heading (was 14 to 22 for a record, 15 for a meeting, 9 for findings).
    kept = [name for name in PAGES if name.startswith(("detail", "meeting", "findings"))]
    assert {name: small[name] for name in kept} == {name: 4 if name.startswith("findings") else 5 for name in kept}
