"""The map's drawing module on its own (no database): arrows per pair of organisations, labels in
words, and names that reach the SVG and the PDF drawing as typed."""

from __future__ import annotations

import os
import re
from html import unescape

import pytest

from compliance.reports import flow_map as drawing

NAME = 'A & B <x> "q" \\N'
ORGS = [drawing.Organisation("a", NAME, "Local authority"), drawing.Organisation("b", "Police", "Police force")]
HIGH = drawing.Worst("high", "No DPIA for a high-risk flow", 2)
MAP = drawing.FlowMap(
    "area",
    "Area",
    ORGS,
    [
        drawing.Flow("f1", "One", "a", "b", "None recorded", None, None),
        drawing.Flow("f2", "Two", "a", "b", "None recorded", None, HIGH),
        drawing.Flow("f3", "Three", "b", "a", "None recorded", None, None),
    ],
)


def test_one_arrow_per_pair_labelled_by_its_worst_finding_in_words():
    first, second = MAP.arrows
    assert [f.ref for f in first.flows] == ["f1", "f2"] and first.label() == "2 flows, worst High: " + HIGH.title
    assert first.style.line == "solid" and first.style.width > drawing.STYLES[None].width
    assert second.label() == "No open findings"
    assert {drawing.STYLES[s].line for s in drawing.SEVERITIES} == {"solid", "dashed", "dotted"}


needs_graphviz = pytest.mark.skipif(
    not drawing.graphviz_available() and os.environ.get("REQUIRE_GRAPHVIZ") != "1",
    reason="needs Graphviz (Debian package graphviz, Python package graphviz)",
)


@needs_graphviz
def test_names_reach_the_svg_and_the_pdf_drawing_as_typed():
    svg = drawing.svg(MAP, lambda key, ref: f"/records/{key}/{ref}")
    texts = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert NAME.replace(" ", "") in "".join(texts).replace(" ", "")
    assert "<x>" not in svg and svg.startswith("<svg") and svg.endswith("</svg>")
    from reportlab.graphics.shapes import String

    picture = drawing.drawing(MAP, 400, 400)
    strings = []

    def walk(node):
        for child in getattr(node, "contents", []):
            if isinstance(child, String):
                strings.append(child.text)
            walk(child)

    walk(picture)
    assert NAME.replace(" ", "") in "".join(strings).replace(" ", "")
    assert picture.width <= 400 and picture.height <= 400


@needs_graphviz
def test_dashed_and_dotted_lines_are_drawn_without_inline_css():
    flows = [
        drawing.Flow("f1", "One", "a", "b", "None recorded", None, drawing.Worst("medium", "Medium one", 1)),
        drawing.Flow("f2", "Two", "b", "a", "None recorded", None, drawing.Worst("low", "Low one", 1)),
    ]
    svg = drawing.svg(drawing.FlowMap("area", "Area", ORGS, flows), lambda key, ref: f"/records/{key}/{ref}")
    assert svg.count("stroke-dasharray") >= 2 and " style=" not in svg
    assert "Medium: Medium one" in unescape(svg) and "Low: Low one" in unescape(svg)
