"""Pages agree: an area's page counts and lists the open findings the dashboard counts for it, and
lists its flows and panels; an organisation's page lists the flows it sends and receives and the
agreements it is party to; a DSA's page lists the flows it covers. Checked against the synthetic
register (compliance/synthetic.py) on both backends."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from compliance import synthetic
from compliance.extensions import db
from compliance.models import Area, Finding
from compliance.models.enums import FindingStatus
from compliance.models.finding import finding_area
from compliance.services import exchange, users

from .conftest import sign_in

AREAS = 2  # about 300 flows: enough for every rule to fire somewhere, small enough for CI


@pytest.fixture
def register(app):
    doc = synthetic.register(AREAS, seed=7)
    exchange.import_text(json.dumps(doc), actor="test", source="import")
    users.create_user("admin@example.org", "admin", "a-long-password", actor="test", source="cli")
    area = doc["areas"][0]["ref"]
    users.create_user("dpo@example.org", "dpo", "a-long-password", area_refs=[area], actor="test", source="cli")
    db.session.commit()
    db.session.remove()
    return doc


def client(app, email: str = "admin@example.org"):
    c = app.test_client()
    assert sign_in(c, email, "a-long-password").status_code == 302
    return c


def dashboard_by_area(page: str) -> dict[str, tuple[int, int, int]]:
    table = page.split("Open findings by area", 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'/records/areas/([^"]+)">[^<]*</a>(?:(?!</td>).)*</td>'
        r"<td[^>]*>(\d+)</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>",
        table,
    )
    return {ref: (int(h), int(m), int(low)) for ref, h, m, low in rows}


def area_counts(page: str) -> tuple[int, int, int]:
    return tuple(int(re.search(rf'id="area-count-{s}">(\d+)<', page).group(1)) for s in ("high", "medium", "low"))


def section(page: str, element_id: str) -> str:
    """The HTML of the table with this id."""
    return page.split(f'id="{element_id}"', 1)[1].split("</table>", 1)[0]


def test_every_area_page_counts_what_the_dashboard_counts(app, register):
    admin = client(app)
    dashboard = dashboard_by_area(admin.get("/").data.decode())
    assert dashboard and any(sum(row) for row in dashboard.values())
    for area in register["areas"]:
        page = admin.get(f"/records/areas/{area['ref']}").data.decode()
        assert area_counts(page) == dashboard.get(area["ref"], (0, 0, 0)), area["ref"]


def test_an_area_page_lists_the_findings_it_counts_across_its_pages(app, register):
    ref = register["areas"][0]["ref"]
    area_id = db.session.scalar(sa.select(Area.id).where(Area.ref == ref))
    expected = set(
        db.session.scalars(
            sa.select(Finding.id)
            .join(finding_area, finding_area.c.finding_id == Finding.id)
            .where(finding_area.c.area_id == area_id, Finding.status == FindingStatus.OPEN)
        )
    )
    db.session.remove()
    admin = client(app)
    listed: list[int] = []
    for number in range(1, 100):
        page = admin.get(f"/records/areas/{ref}?page={number}").data.decode()
        ids = [int(i) for i in re.findall(r'href="/findings/(\d+)"', section(page, "area-findings"))]
        if not ids or (listed and ids[0] in listed):
            break
        listed += ids
    assert len(listed) == len(set(listed)) == sum(area_counts(page))
    assert set(listed) == expected


def test_an_area_page_lists_its_flows_and_panels(app, register):
    area = register["areas"][0]["ref"]
    page = client(app).get(f"/records/areas/{area}").data.decode()
    names = {o["ref"]: o["name"] for o in register["organisations"]}
    flows = section(page, "area-flows")
    own = [flow for flow in register["data_flows"] if flow["area"] == area]
    assert len(re.findall(r'href="/records/data_flows/', flows)) == len(own)
    flow = own[0]
    assert f'/records/data_flows/{flow["ref"]}">{flow["name"]}</a>' in flows
    assert f'/records/organisations/{flow["sender"]}">{names[flow["sender"]]}</a>' in flows
    panels = section(page, "area-panels")
    for panel in (p for p in register["panels"] if area in p["areas"]):
        assert f'/records/panels/{panel["ref"]}">{panel["name"]}</a>' in panels


def test_an_organisation_page_lists_its_flows_and_agreements(app, register):
    area = register["areas"][0]["ref"]
    council = next(a["responsible_authority"] for a in register["areas"] if a["ref"] == area)
    page = client(app).get(f"/records/organisations/{council}").data.decode()
    sent = {f["ref"] for f in register["data_flows"] if f["sender"] == council}
    received = {f["ref"] for f in register["data_flows"] if f["recipient"] == council}
    assert set(re.findall(r'/records/data_flows/([^"]+)"', section(page, "flows-sent-table"))) == sent
    assert set(re.findall(r'/records/data_flows/([^"]+)"', section(page, "flows-received-table"))) == received
    agreements = section(page, "agreements-table")
    expected = {("dsas", d["ref"]) for d in register["dsas"] if council in {p["organisation"] for p in d["parties"]}}
    expected |= {("mous", m["ref"]) for m in register["mous"] if council in m["parties"]}
    expected |= {
        ("processing_contracts", c["ref"])
        for c in register["processing_contracts"]
        if council in (c["controller"], c["processor"])
    }
    expected |= {
        ("joint_controller_arrangements", j["ref"])
        for j in register["joint_controller_arrangements"]
        if council in j["parties"]
    }
    assert expected and set(re.findall(r'/records/(\w+)/([^"]+)"', agreements)) == expected


def test_a_dsa_page_lists_the_flows_it_covers(app, register):
    dsa = next(d for d in register["dsas"] if any(f.get("dsa") == d["ref"] for f in register["data_flows"]))
    page = client(app).get(f"/records/dsas/{dsa['ref']}").data.decode()
    covered = {f["ref"] for f in register["data_flows"] if f.get("dsa") == dsa["ref"]}
    assert set(re.findall(r'/records/data_flows/([^"]+)"', section(page, "covered-flows"))) == covered


def test_a_dpo_sees_only_the_flows_of_their_areas_on_a_shared_police_force(app, register):
    """The police force serves both areas: its page lists, for a DPO of one area, that area's flows only."""
    area = register["areas"][0]["ref"]
    force = next(o for o in register["organisations"] if o["partner_type"] == "police" and len(o["areas"]) > 1)
    page = client(app, "dpo@example.org").get(f"/records/organisations/{force['ref']}").data.decode()
    listed = set(re.findall(r'/records/data_flows/([^"]+)"', page))
    mine = {f["ref"] for f in register["data_flows"] if force["ref"] in (f["sender"], f["recipient"])}
    assert listed and listed == {ref for ref in mine if ref.startswith(f"{area}-") or _area_of(register, ref) == area}


def _area_of(register, flow_ref: str) -> str:
    return next(f["area"] for f in register["data_flows"] if f["ref"] == flow_ref)


def test_query_counts_of_the_linked_lists_do_not_grow_with_the_register(app, request):
    """One police force serves every area of a small synthetic register: its flows, and the
    register, triple from one area to three; the queries of its page, an area's and a DSA's do not."""
    from tests.conftest import empty_database

    from .test_query_counts import counting

    def measure(areas: int) -> dict[str, int]:
        doc = synthetic.register(areas, seed=7)
        exchange.import_text(json.dumps(doc), actor="test", source="import")
        users.create_user("admin@example.org", "admin", "a-long-password", actor="test", source="cli")
        db.session.commit()
        db.session.remove()
        admin = client(app)
        paths = {
            "police force": "/records/organisations/police-01",
            "council": f"/records/organisations/{doc['areas'][0]['responsible_authority']}",
            "area": f"/records/areas/{doc['areas'][0]['ref']}",
            "area, page 2": f"/records/areas/{doc['areas'][0]['ref']}?page=2",
            "DSA": f"/records/dsas/{doc['dsas'][0]['ref']}",
        }
        counts = {}
        for name, path in paths.items():
            admin.get(path)
            db.session.remove()
            with counting() as statements:
                assert admin.get(path).status_code == 200, path
            counts[name] = len(statements)
        flows = admin.get(paths["police force"]).data.decode().count('href="/records/data_flows/')
        db.session.remove()
        empty_database()
        return counts | {"flows on the force's page": flows}

    small, large = measure(1), measure(3)
    print(f"\nSQL queries ({request.node.callspec.id}): 1 area {small}; 3 areas {large}")
    assert large.pop("flows on the force's page") > small.pop("flows on the force's page")
    assert large == small
