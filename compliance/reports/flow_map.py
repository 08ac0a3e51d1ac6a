"""The data-flow map of one area: organisations as boxes, flows as arrows, each arrow marked by the
worst open finding about its flows. Laid out by Graphviz's `dot`; drawn as SVG for the web page and
as reportlab graphics for the PDF report.

Rules-free and database-free: it draws a FlowMap that services/flow_map.py gathers (from the
database for the page, from the report's rule context for the PDF).

An arrow is one sender-to-recipient pair: an area of 40 partners has about 150 flows, most of them
between the council and the same few partners, and one arrow per flow would be a thicket of labels.
An arrow for one flow links to the flow's record; an arrow for several links to their rows in the
table beside the map. Colour is never the only signal: the line style (thick solid, dashed, dotted,
thin) and the label's words ("High: ...") say the severity too.

Names come from users: every label is escaped for dot (backslashes, quotes, a name shaped like an
HTML label) and for SVG (dot writes text as XML; an `&` is written as `&amp;` first so that a name
holding "&lt;" shows as typed), and the SVG is trimmed to the one <svg> element, with no
style attributes, so it can sit inline under the strict Content Security Policy.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape as html_escape
from typing import Any

SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Style:
    word: str  # what the label says
    colour: str  # GOV.UK colours
    line: str  # dot's style: the line's pattern carries the severity as well as its colour
    width: float
    key: str  # the map's key, in words


STYLES: dict[str | None, Style] = {
    "high": Style("High", "#d4351c", "solid", 3.5, "Thick solid red line, labelled “High: …”"),
    "medium": Style("Medium", "#b35000", "dashed", 2.5, "Dashed orange line, labelled “Medium: …”"),
    "low": Style("Low", "#1d70b8", "dotted", 2.0, "Dotted blue line, labelled “Low: …”"),
    None: Style("No open findings", "#505a5f", "solid", 1.0, "Thin solid grey line, labelled “No open findings”"),
}


@dataclass(frozen=True)
class Organisation:
    ref: str
    name: str
    kind: str  # the partner type's label


@dataclass(frozen=True)
class Worst:
    severity: str  # high, medium or low
    title: str  # the rule's title
    count: int  # open findings about the flow, all severities


@dataclass(frozen=True)
class Flow:
    ref: str
    name: str
    sender: str  # organisation refs
    recipient: str
    agreement: str  # "Data sharing agreement: title", "MOU: title" or "None recorded"
    agreement_link: tuple[str, str] | None  # (list name, ref)
    worst: Worst | None


@dataclass(frozen=True)
class Arrow:
    sender: str
    recipient: str
    flows: tuple[Flow, ...]

    @property
    def anchor(self) -> str:
        return f"flows-{self.sender}-to-{self.recipient}"

    @property
    def worst(self) -> Worst | None:
        found = [flow.worst for flow in self.flows if flow.worst]
        return min(found, key=lambda w: SEVERITIES.index(w.severity)) if found else None

    @property
    def style(self) -> Style:
        worst = self.worst
        return STYLES[worst.severity if worst else None]

    def label(self) -> str:
        worst = self.worst
        several = len(self.flows) > 1
        if worst is None:
            return f"{len(self.flows)} flows: no open findings" if several else STYLES[None].word
        text = f"{STYLES[worst.severity].word}: {worst.title}"
        return f"{len(self.flows)} flows, worst {text}" if several else text


@dataclass(frozen=True)
class FlowMap:
    area_ref: str
    area_name: str
    organisations: Sequence[Organisation]
    flows: Sequence[Flow]
    arrows: list[Arrow] = field(init=False)

    def __post_init__(self) -> None:
        pairs: dict[tuple[str, str], list[Flow]] = {}
        for flow in self.flows:
            pairs.setdefault((flow.sender, flow.recipient), []).append(flow)
        object.__setattr__(self, "arrows", [Arrow(s, r, tuple(f)) for (s, r), f in pairs.items()])

    @property
    def description(self) -> str:
        counts = {s: sum(1 for a in self.arrows if a.worst and a.worst.severity == s) for s in SEVERITIES}
        return (
            f"{len(self.organisations)} organisations and {len(self.flows)} live data flows in {self.area_name}, "
            f"drawn as {len(self.arrows)} arrows from sender to recipient. Arrows whose worst open finding is high: "
            f"{counts['high']}; medium: {counts['medium']}; low: {counts['low']}. The table after the map lists "
            "every flow."
        )


def graphviz_available() -> bool:
    """Whether Graphviz's `dot` (Debian package graphviz) and the graphviz Python package are here."""
    if shutil.which("dot") is None:
        return False
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return False
    return True


# --- dot ------------------------------------------------------------------------------------------


def _text(value: str, width: int) -> str:
    """Register text as a dot label: wrapped, `&` and backslashes made literal, lines joined by dot's
    centred line break."""
    lines = textwrap.wrap(value, width, break_long_words=True) or [""]
    return "\\n".join(line.replace("\\", "\\\\").replace("&", "&amp;") for line in lines)


def _graph(flow_map: FlowMap, link: Callable[[str, str], str], font: str) -> Any:
    import graphviz  # imported here: the page works (table only) without it

    graph = graphviz.Digraph("flow_map", engine="dot")
    graph.attr(rankdir="LR", nodesep="0.25", ranksep="1.1", fontname=font, bgcolor="white", pad="0.2")
    graph.attr("node", shape="box", style="rounded,filled", fillcolor="#f3f2f1", color="#0b0c0c", fontname=font)
    graph.attr("node", fontsize="12", fontcolor="#0b0c0c", margin="0.12,0.06")
    graph.attr("edge", fontname=font, fontsize="11", fontcolor="#0b0c0c", arrowsize="0.9")
    ids = {org.ref: f"o{n}" for n, org in enumerate(flow_map.organisations)}
    for org in flow_map.organisations:
        graph.node(
            ids[org.ref],
            label=graphviz.nohtml(f"{_text(org.name, 26)}\\n{_text(org.kind, 30)}"),
            URL=link("organisations", org.ref),
            tooltip=graphviz.nohtml(_text(org.name, 500)),
        )
    for arrow in flow_map.arrows:
        style = arrow.style
        only = arrow.flows[0] if len(arrow.flows) == 1 else None
        graph.edge(
            ids[arrow.sender],
            ids[arrow.recipient],
            label=graphviz.nohtml(_text(arrow.label(), 30)),
            URL=link("data_flows", only.ref) if only else f"#{arrow.anchor}",
            tooltip=graphviz.nohtml(_text(f"{only.name}: {arrow.label()}" if only else arrow.label(), 500)),
            color=style.colour,
            style=style.line,
            penwidth=str(style.width),
        )
    return graph


# --- SVG for the page -------------------------------------------------------------------------------

_SVG_START = re.compile(r"<svg\b[^>]*>")


def svg(flow_map: FlowMap, link: Callable[[str, str], str]) -> str:
    """The map as one inline <svg> element: role="img" named by its <title>, described by its <desc>."""
    data = _graph(flow_map, link, "Arial").pipe(format="svg", encoding="utf-8")
    start = data.index("<svg")
    body = data[start:]
    opening = _SVG_START.match(body)
    assert opening is not None
    tag = opening.group(0)
    dims = _size(tag)
    title = html_escape(f"Data-flow map of {flow_map.area_name}")
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {dims} '
        'class="app-flow-map__svg" role="img" aria-labelledby="flow-map-title" aria-describedby="flow-map-desc">'
        f'<title id="flow-map-title">{title}</title><desc id="flow-map-desc">{html_escape(flow_map.description)}</desc>'
    )
    body = head + body[opening.end() :]
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S).strip()
    return _titles(flow_map, body)


PAGE_WIDTH_PX = 960  # GOV.UK's page width
SMALLEST_SCALE = 0.7  # 12 pt names stay 11 px: a larger map scrolls in its box rather than shrink further


def _size(tag: str) -> str:
    """The <svg>'s size in CSS pixels: dot's own (in points), shrunk to fit the page's width, never
    below SMALLEST_SCALE; and its viewBox, which scales the drawing to that size."""
    width, height = (float(re.search(rf'{name}="([0-9.]+)pt"', tag).group(1)) * 4 / 3 for name in ("width", "height"))
    scale = max(SMALLEST_SCALE, min(1.0, PAGE_WIDTH_PX / width))
    view_box = re.search(r'viewBox="[^"]*"', tag).group(0)
    return f'width="{width * scale:.0f}" height="{height * scale:.0f}" {view_box}'


def _titles(flow_map: FlowMap, body: str) -> str:
    """dot titles each box and arrow by its node ids (o1, o1->o2): titled by their names instead."""
    names = {f"o{n}": org.name for n, org in enumerate(flow_map.organisations)}
    refs = {f"o{n}": org.ref for n, org in enumerate(flow_map.organisations)}
    labels = {(a.sender, a.recipient): a.label() for a in flow_map.arrows}

    def title(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        if second is None:
            text = names.get(first, "")
        else:
            label = labels.get((refs.get(first), refs.get(second)), "")
            text = f"{names.get(first, '')} to {names.get(second, '')}: {label}"
        return f"<title>{html_escape(text, quote=False)}</title>"

    return re.sub(r"<title>(o[0-9]+)(?:&#45;&gt;(o[0-9]+))?</title>", title, body)


# --- layout for the PDF -----------------------------------------------------------------------------


def layout(flow_map: FlowMap) -> dict[str, Any]:
    """dot's layout as JSON (-Tjson): the bounding box and each object's xdot drawing operations."""
    return json.loads(_graph(flow_map, lambda key, ref: "", "Helvetica").pipe(format="json", encoding="utf-8"))


def drawing(flow_map: FlowMap, max_width: float, max_height: float, laid: dict[str, Any] | None = None) -> Any:
    """The map as a reportlab Drawing, scaled (never up) to fit max_width x max_height points
    (`laid`: its layout, when already made)."""
    from reportlab.graphics.shapes import Drawing, Group

    laid = laid if laid is not None else layout(flow_map)
    x0, y0, x1, y1 = (float(v) for v in laid["bb"].split(","))
    width, height = x1 - x0, y1 - y0
    scale = min(1.0, max_width / width, max_height / height)
    group = Group()
    pen = _Pen()
    for obj in [*laid.get("objects", []), *laid.get("edges", [])]:
        for key in ("_draw_", "_hdraw_", "_tdraw_", "_ldraw_", "_hldraw_", "_tldraw_"):
            for op in obj.get(key, ()):
                pen.apply(op, group)
    group.transform = (scale, 0, 0, scale, -x0 * scale, -y0 * scale)
    result = Drawing(width * scale, height * scale)
    result.add(group)
    return result


class _Pen:
    """Turns xdot drawing operations (https://graphviz.org/docs/outputs/canon/#xdot) into shapes."""

    def __init__(self) -> None:
        self.stroke = "#000000"
        self.fill = "#ffffff"
        self.width = 1.0
        self.dash: list[float] | None = None
        self.font = ("Helvetica", 12.0)

    def apply(self, op: dict[str, Any], group: Any) -> None:
        from reportlab.graphics.shapes import Ellipse, Path, Polygon, PolyLine, String
        from reportlab.lib import colors

        kind = op["op"]
        if kind == "c":
            self.stroke = op["color"]
        elif kind == "C":
            self.fill = op["color"]
        elif kind == "S":
            self._style(op["style"])
        elif kind == "F":
            self.font = ("Helvetica-Bold" if "bold" in op["face"].lower() else "Helvetica", float(op["size"]))
        elif kind == "T":
            anchor = {"l": "start", "r": "end"}.get(op["align"], "middle")
            x, y = op["pt"]
            group.add(String(x, y, op["text"], fontName=self.font[0], fontSize=self.font[1], textAnchor=anchor))
        elif kind in ("b", "B"):
            group.add(self._bezier(Path, op["points"], filled=kind == "B", colors=colors))
        elif kind in ("p", "P"):
            points = [c for point in op["points"] for c in point]
            fill = colors.toColor(self.fill) if kind == "P" else None
            group.add(Polygon(points, fillColor=fill, **self._line(colors)))
        elif kind == "L":
            group.add(PolyLine([c for point in op["points"] for c in point], **self._line(colors)))
        elif kind in ("e", "E"):
            (x, y), (rx, ry) = op["rect"][:2], op["rect"][2:]
            fill = colors.toColor(self.fill) if kind == "E" else None
            group.add(Ellipse(x, y, rx, ry, fillColor=fill, **self._line(colors)))

    def _style(self, style: str) -> None:
        if style == "dashed":
            self.dash = [5, 2]
        elif style == "dotted":
            self.dash = [1, 3]
        elif style == "solid":
            self.dash = None
        elif style.startswith("setlinewidth("):
            self.width = float(style[len("setlinewidth(") : -1])

    def _line(self, colors: Any) -> dict[str, Any]:
        return {"strokeColor": colors.toColor(self.stroke), "strokeWidth": self.width, "strokeDashArray": self.dash}

    def _bezier(self, path_class: Any, points: list[list[float]], *, filled: bool, colors: Any) -> Any:
        path = path_class(fillColor=colors.toColor(self.fill) if filled else None, **self._line(colors))
        path.moveTo(*points[0])
        for i in range(1, len(points) - 2, 3):
            path.curveTo(*points[i], *points[i + 1], *points[i + 2])
        if filled:
            path.closePath()
        return path
