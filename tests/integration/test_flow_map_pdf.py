"""The PDF report carries each area's data-flow map (issue 13 item 3), read back with pdftotext and
pypdf: the map's page names every organisation of the area and says what the arrows mean."""

from __future__ import annotations

import os
import re
import textwrap

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from compliance.extensions import db
from compliance.models import Organisation
from compliance.reports import flow_map as drawing

from .test_pdf_report import demo, pages_text, reader  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(
    not drawing.graphviz_available() and os.environ.get("REQUIRE_GRAPHVIZ") != "1",
    reason="the map needs Graphviz (Debian package graphviz, Python package graphviz)",
)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_report_has_the_areas_map_with_its_organisations(cli, demo, tmp_path, reader):  # noqa: F811
    out = tmp_path / "report.pdf"
    result = cli(["report", "pdf", str(out), "--area", "riverford"])
    assert result.exit_code == 0, result.output
    pages = pages_text(out, reader)
    maps = [page for page in pages if "Data-flow map: Riverford" in page]
    assert len(maps) == 1
    page = _flat(maps[0])
    assert "High" in page and "Key:" in page
    names = db.session.scalars(sa.select(Organisation.name).where(Organisation.areas.any(ref="riverford"))).all()
    assert len(names) >= 5
    for name in names:
        first_line = textwrap.wrap(name, 26)[0]
        assert _flat(first_line) in page, (name, page)
    # drawn, not pasted as a picture: the map page holds vector paths and text
    number = pages.index(maps[0])
    content = PdfReader(str(out)).pages[number].get_contents().get_data()
    assert b" c\n" in content or b" c " in content  # bezier curves: the arrows
