"""The data-flow map of an area (issue 13 item 3): every live flow on the map with its worst open
finding, the same flows in a table, links that resolve, scoping, a 40-organisation area, and a
hostile organisation name that stays text."""

from __future__ import annotations

import html
import json
import os
import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from compliance import synthetic
from compliance.extensions import db
from compliance.models import DataFlow, Finding, Organisation, Rule
from compliance.models.data_flow import LIVE_STATUSES
from compliance.models.enums import FindingStatus, Role, SubjectType
from compliance.reports import flow_map as drawing
from compliance.services import exchange, users

from .conftest import USERS, sign_in

needs_graphviz = pytest.mark.skipif(
    not drawing.graphviz_available() and os.environ.get("REQUIRE_GRAPHVIZ") != "1",
    reason="the map's picture needs Graphviz (Debian package graphviz, Python package graphviz)",
)
SVG = re.compile(r'<svg\b[^>]*class="app-flow-map__svg".*?</svg>', re.S)
ROWS = re.compile(r'<tbody class="govuk-table__body" id="[^"]*">(.*?)</tbody>', re.S)


def _client(app, who: str = "dpo"):
    client = app.test_client()
    assert sign_in(client, USERS[who]).status_code == 302
    return client


def _expected(area_ref: str) -> dict[str, str]:
    """Per live flow of the area: the title of its worst open finding ('' for none), from the database."""
    from compliance.models import Area

    flows = db.session.scalars(
        sa.select(DataFlow).join(Area).where(Area.ref == area_ref, DataFlow.status.in_(sorted(LIVE_STATUSES)))
    ).all()
    rank = {"high": 0, "medium": 1, "low": 2}
    expected = {}
    for flow in flows:
        found = db.session.execute(
            sa.select(Finding.severity, Rule.gnn, Rule.title)
            .join(Rule, Rule.code == Finding.rule_code)
            .where(
                Finding.subject_type == SubjectType.DATA_FLOW,
                Finding.subject_ref == flow.ref,
                Finding.status == FindingStatus.OPEN,
            )
        ).all()
        worst = min(found, key=lambda row: (rank[row[0].value], row[1]), default=None)
        expected[flow.ref] = f"{worst[0].value.capitalize()}: {worst[2]}" if worst else ""
    return expected


def test_the_table_lists_every_live_flow_with_its_worst_finding(demo):
    page = _client(demo).get("/areas/riverford/map")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    expected = _expected("riverford")
    assert len(expected) >= 5
    rows = [row for body in ROWS.findall(text) for row in body.split("</tr>") if "<td" in row]
    assert len(rows) == len(expected)
    for ref, worst in expected.items():
        row = next(r for r in rows if f'/records/data_flows/{ref}"' in r)
        cell = html.unescape(re.sub(r"<[^>]+>", " ", row.split("<td")[-1]))
        if worst:
            severity, title = worst.split(": ", 1)
            assert severity in cell and title in cell, (ref, cell)
        else:
            assert "No open findings" in cell


@needs_graphviz
def test_the_map_draws_every_live_flow_as_an_arrow_with_its_worst_finding(demo):
    text = _client(demo).get("/areas/riverford/map").get_data(as_text=True)
    svg = SVG.search(text).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="flow-map-title"' in svg and "<desc" in svg
    assert " style=" not in svg and "<script" not in svg  # inline-safe under the strict CSP
    assert text.index("<svg") < text.index('id="flow-table"')  # the table comes after the picture
    edges = re.findall(r'<g id="edge[0-9]+" class="edge">(.*?)</g>\s*</g>', svg, re.S)
    drawn = {}  # link -> the arrow's label, as shown
    for edge in edges:
        link = re.search(r'xlink:href="([^"]+)"', edge).group(1)
        drawn[link] = " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", edge))
    expected = _expected("riverford")
    pairs: dict[tuple[str, str], list[str]] = {}
    for ref in expected:
        flow = db.session.scalar(sa.select(DataFlow).filter_by(ref=ref))
        pairs.setdefault((flow.sender.ref, flow.recipient.ref), []).append(ref)
    assert len(edges) == len(pairs)
    rank = {"High": 0, "Medium": 1, "Low": 2}
    for (sender, recipient), refs in pairs.items():
        # a flow's arrow links to it; several flows between the same two, to their rows in the table
        link = f"/records/data_flows/{refs[0]}" if len(refs) == 1 else f"#flows-{sender}-to-{recipient}"
        assert link in drawn, (link, drawn)
        worst = min((expected[r] for r in refs if expected[r]), key=lambda w: rank[w.split(":")[0]], default="")
        label = drawn[link].replace(" ", "")
        assert (worst or "no open findings").replace(" ", "").lower() in label.lower(), (worst, drawn[link])
        if len(refs) > 1:
            assert f'id="{link[1:]}"' in text and f"{len(refs)}flows" in label
    for org in db.session.scalars(sa.select(Organisation).where(Organisation.areas.any(ref="riverford"))):
        assert f'xlink:href="/records/organisations/{org.ref}"' in svg


@needs_graphviz
def test_every_link_on_the_map_resolves(demo):
    client = _client(demo)
    text = client.get("/areas/riverford/map").get_data(as_text=True)
    links = set(re.findall(r'href="(/records/[^"]+)"', text))
    assert any("/records/data_flows/" in link for link in links)
    for link in sorted(links):
        assert client.get(html.unescape(link)).status_code == 200, link


def test_the_area_page_and_the_dashboard_link_to_its_map(demo):
    client = _client(demo)
    assert 'href="/areas/riverford/map"' in client.get("/records/areas/riverford").get_data(as_text=True)
    assert 'href="/areas/riverford/map"' in client.get("/").get_data(as_text=True)


def test_another_areas_dpo_does_not_find_the_map(otherton_dpo):
    assert otherton_dpo.get("/areas/riverford/map").status_code == 404
    assert otherton_dpo.get("/areas/otherton/map").status_code == 200
    assert otherton_dpo.get("/areas/no-such-area/map").status_code == 404


def test_without_graphviz_the_page_gives_the_table_and_says_so(demo, monkeypatch):
    monkeypatch.setattr(drawing, "graphviz_available", lambda: False)
    text = _client(demo).get("/areas/riverford/map").get_data(as_text=True)
    assert "app-flow-map__svg" not in text
    assert "needs Graphviz" in text and "/records/data_flows/council-to-police-referrals" in text


HOSTILE = 'Evil "Org" </text></svg><script>alert(1)</script> & Sons \\N <b>'


@needs_graphviz
def test_a_hostile_organisation_name_stays_text(demo):
    client = _client(demo)
    org = db.session.scalar(sa.select(Organisation).filter_by(ref="riverford-college"))
    org.name = HOSTILE
    db.session.commit()
    text = client.get("/areas/riverford/map").get_data(as_text=True)
    assert "<script>alert(1)" not in text and "<b>" not in text
    svg = SVG.search(text).group(0)
    assert svg.count("<svg") == 1 and svg.count("</svg>") == 1
    assert "<text" in svg and "Evil" in svg
    # the name shows as typed, wrapped over lines
    shown = html.unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)))
    assert HOSTILE.replace(" ", "") in shown.replace(" ", "")
    table = text.split('id="flow-table"')[1]
    assert str(escape(HOSTILE)) in table


@needs_graphviz
def test_a_forty_organisation_area_renders_readably(app, monkeypatch):
    exchange.import_text(json.dumps(synthetic.register(1, seed=31)), actor="test", source="synth")
    users.create_user("dpo@a001.example", "dpo", "a-long-password-1", area_refs=["a001"], actor="test", source="cli")
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, "dpo@a001.example", "a-long-password-1").status_code == 302
    text = client.get("/areas/a001/map").get_data(as_text=True)
    svg = SVG.search(text).group(0)
    organisations = db.session.scalar(
        sa.select(sa.func.count()).select_from(Organisation).where(Organisation.areas.any(ref="a001"))
    )
    assert organisations == 40
    assert svg.count('class="node"') >= 40
    assert " style=" not in svg  # no inline CSS: the strict CSP would block it
    flows = len(_expected("a001"))
    assert flows > 100
    arrows = svg.count('class="edge"')
    assert arrows < flows / 3  # one arrow per sender-recipient pair, not a thicket of 150
    assert len(ROWS.findall(text)) == arrows
    width, height = (float(v) for v in re.search(r'viewBox="0\.00 0\.00 ([0-9.]+) ([0-9.]+)"', svg).groups())
    assert width < 2000 and height < 6000, (width, height)  # text at 12 pt stays 12 pt: the box scrolls


def test_the_map_is_gathered_in_four_queries_whatever_the_areas_size(app):
    from compliance.services import flow_map
    from compliance.services.access import Scope

    from .test_query_counts import counting

    exchange.import_text(json.dumps(synthetic.register(2, seed=31)), actor="test", source="synth")
    db.session.commit()
    admin = Scope(role=Role.ADMIN, email="admin@example.org", area_ids=None, panel_ids=frozenset())
    sizes = {}
    for area in ("a001", "a002"):
        db.session.remove()
        with counting() as statements:
            the_map = flow_map.for_area(admin, area)
        sizes[area] = (len(the_map.flows), len(statements))
    assert sizes["a001"][0] != sizes["a002"][0] and {queries for _, queries in sizes.values()} == {4}, sizes
