"""Table cells for the PDF audit report that cost less to lay out, drawn exactly as reportlab's own
Paragraph draws them (the same bytes in the file).

A national report has tens of thousands of cells. reportlab lays out (wraps) a cell's paragraph
each time its table is measured: once to size the rows, again for each piece when the table is split
across pages, and again to draw it. A `Cell` keeps its lines for the width it was last wrapped to
(a cell's text and width never change once made), so it is laid out once.

Paragraph measures words through a cache (below).

Register text is plain text, not markup: `cell` gives reportlab the one fragment its markup parser
would make for it, without running the parser, unless the text holds `&`, `<` or `>` (the parser
makes several fragments of such text, so it is escaped and parsed as before).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaParser

# reportlab measures every word of every paragraph it lays out, and a register's words repeat (its
# controls, statuses, rule wording, reference patterns): each word's width is worked out once. The
# width of a string depends only on the string, the font and the size, so nothing drawn changes.
_paragraph.stringWidth = lru_cache(maxsize=1 << 14)(pdfmetrics.stringWidth)  # at most a few megabytes


class Cell(Paragraph):
    """A paragraph in a table cell: laid out once for a given width."""

    _wrapped_to: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        # The lines depend only on the width (Paragraph.wrap does not use the height).
        if availWidth == self._wrapped_to:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_to = availWidth
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        self._wrapped_to = None  # splitting changes the lines; reportlab does not split table cells
        return super().split(availWidth, availHeight)


_FRAGMENTS: dict[int, tuple[ParagraphStyle, Any]] = {}


def _fragment(style: ParagraphStyle) -> Any:
    """The fragment reportlab's parser makes for plain text in this style (its text aside)."""
    if id(style) not in _FRAGMENTS:
        _, frags, _ = ParaParser().parse("x", style)
        _FRAGMENTS[id(style)] = (style, frags[0])  # the style is held so that its id stays its own
    return _FRAGMENTS[id(style)][1]


def cell(text: str | None, style: ParagraphStyle) -> Cell:
    """Register text (not markup) as a table cell, wrapped to the column's width."""
    text = text or ""
    if "&" in text or "<" in text or ">" in text or style.textTransform:
        return Cell(escape(text), style)
    cleaned = cleanBlockQuotedText(text)
    if not cleaned:
        return Cell("", style)
    return Cell(cleaned, style, frags=[_fragment(style).clone(text=cleaned)])


_MARKERS = ("\ue000", "\ue001", "\ue002", "\ue003")
_TEMPLATES: dict[tuple[str, int], tuple[ParagraphStyle, list[Any] | None]] = {}


def markup_cell(template: str, style: ParagraphStyle, *texts: str) -> Cell:
    """Register texts set into markup, as a table cell: `template` is markup with a `{}` for each
    text (as str.format), parsed once per style; each cell's fragments are the template's with the
    texts put in. Where the parser would see the result differently (a text that is empty, holds
    markup characters or runs of spaces) the result is escaped and parsed as usual."""
    key = (template, id(style))
    if key not in _TEMPLATES:
        marked = template.format(*_MARKERS[: template.count("{}")])
        _, frags, _ = ParaParser().parse(marked, style)
        usable = cleanBlockQuotedText(marked) == marked and not style.textTransform and frags is not None
        _TEMPLATES[key] = (style, frags if usable else None)
    frags = _TEMPLATES[key][1]
    whole = template.format(*(escape(text) for text in texts))
    if frags is None or any(not text or _has_markup_or_marker(text) for text in texts):
        return Cell(whole, style)
    if cleanBlockQuotedText(whole) != whole:  # runs of spaces or line breaks in a text
        return Cell(whole, style)
    filled = []
    for frag in frags:
        text = frag.text
        for marker, value in zip(_MARKERS, texts, strict=False):
            text = text.replace(marker, value)
        filled.append(frag.clone(text=text))
    return Cell(whole, style, frags=filled)


def _has_markup_or_marker(text: str) -> bool:
    return any(c in text for c in "&<>") or any(m in text for m in _MARKERS)


def escape(text: str | None) -> str:
    """Register text as a Paragraph's literal text: reportlab reads <, > and & as markup."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
