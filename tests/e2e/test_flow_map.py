"""The data-flow map in a real browser (issue 13 item 3): axe finds nothing wrong, the picture is
drawn with its links, and screenshots at 1280 and 375 CSS pixels wide go to test-artifacts/."""

from __future__ import annotations

import os

import pytest

from compliance.reports import flow_map as drawing

from .conftest import axe_violations, screenshot, sign_in

pytestmark = pytest.mark.skipif(
    not drawing.graphviz_available() and os.environ.get("REQUIRE_GRAPHVIZ") != "1",
    reason="the map's picture needs Graphviz (Debian package graphviz, Python package graphviz)",
)


def test_the_map_passes_axe_and_is_screenshot_at_two_widths(server, page, request):
    sign_in(page, server, "dpo")
    page.goto(server + "/records/areas/riverford")
    page.get_by_role("link", name="Data-flow map of Riverford").click()
    page.wait_for_url(server + "/areas/riverford/map")
    picture = page.get_by_role("img", name="Data-flow map of Riverford")
    assert picture.is_visible()
    assert picture.bounding_box()["width"] > 300
    violations = axe_violations(page)
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
    screenshot(page, request, "1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(server + "/areas/riverford/map")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the map scrolls in its own box
    screenshot(page, request, "375")
    # a box opens its organisation's record, an arrow its flow's
    page.set_viewport_size({"width": 1280, "height": 900})
    for kind, selector in (("organisations", "g.node a"), ("data_flows", "g.edge g[id$='-label'] a")):
        page.goto(server + "/areas/riverford/map")
        links = page.locator(f"#flow-map {selector}")
        hrefs = [links.nth(n).get_attribute("xlink:href") for n in range(links.count())]
        number = next(n for n, href in enumerate(hrefs) if href.startswith(f"/records/{kind}/"))
        links.nth(number).click()
        page.wait_for_url(f"{server}{hrefs[number]}")
