"""The PDF report's quick table cells are laid out and drawn as reportlab's own Paragraph does it."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from compliance.reports.pdf import FLOW_CELL, MATRIX_HEAD, SMALL
from compliance.reports.pdf_cells import Cell, cell, escape, markup_cell

TEXTS = [
    "Riverford County Council",
    "  leading and trailing  spaces,\nand a line break  ",
    "Tom & Jerry <Ltd> > others",
    "",
    None,
    "a-very-long-reference-without-any-spaces-that-cannot-fit-in-a-narrow-column-at-all",
    "Café Ünïcode – “quoted” £5 naïve",
    "soft\xadhyphen and non\xa0breaking",
    "ref a001-f0001 (live)",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("style", [SMALL, MATRIX_HEAD])
def test_a_cell_has_the_fragments_and_lines_reportlab_s_parser_gives(text, style):
    ours, theirs = cell(text, style), Paragraph(escape(text), style)
    assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in theirs.frags]
    for width in (20 * mm, 44 * mm, 130 * mm):
        assert ours.wrap(width, 500) == theirs.wrap(width, 500)
        assert repr(ours.blPara) == repr(theirs.blPara)


@pytest.mark.parametrize("name", [t for t in TEXTS if t is not None])
@pytest.mark.parametrize("detail", ["a001-f0001 (live)", "x  y", "\ue000", "<b>"])
def test_a_markup_cell_has_the_fragments_and_lines_of_its_markup_parsed(name, detail):
    ours = markup_cell(FLOW_CELL, SMALL, name, detail)
    theirs = Paragraph(FLOW_CELL.format(escape(name), escape(detail)), SMALL)
    assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in theirs.frags]
    for width in (20 * mm, 34 * mm, 130 * mm):
        assert ours.wrap(width, 500) == theirs.wrap(width, 500)
        assert repr(ours.blPara) == repr(theirs.blPara)


def test_a_cell_is_laid_out_once_per_width():
    calls = []

    class Counted(Cell):
        def breakLines(self, width):  # noqa: N802 (reportlab's name)
            calls.append(width)
            return super().breakLines(width)

    paragraph = Counted("several words that wrap onto more than one line in a narrow column", SMALL)
    first = paragraph.wrap(20 * mm, 100)
    assert paragraph.wrap(20 * mm, 50) == first and len(calls) == 1
    assert paragraph.wrap(60 * mm, 100) != first and len(calls) == 2


def _pdf(make) -> bytes:
    out = io.BytesIO()
    rows = [[make(text or "", SMALL), make("second column " * 12, SMALL)] for text in TEXTS * 40]
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1)
    doc.build([Table(rows, colWidths=[44 * mm, 60 * mm], repeatRows=1)])  # split over several pages
    return out.getvalue()


def test_a_table_of_cells_draws_the_same_bytes_as_one_of_paragraphs():
    assert _pdf(cell) == _pdf(lambda text, style: Paragraph(escape(text), style))
