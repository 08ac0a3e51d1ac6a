"""The PDF audit report (reportlab): cover (with the law of the evaluation date), contents, executive
summary with charts, one section per area (designations, the control matrix, the partners' public
authority status and complaints procedures, each party's lawful basis, findings by rule worst first,
accepted risks, panel confidentiality)
and the rule catalogue. OFFICIAL-SENSITIVE centred at the top and bottom of every page, "Page N of M".

Pure: built from the loaded register and the gaps; the same data, date and generation stamp give the
same bytes (reportlab's invariant mode: no random document id, no creation time of its own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle

from ..labels import art6_text, label, long_date, public_authority_text
from ..rules.areas import financial_year
from ..rules.base import DISCLAIMER
from ..rules.context import RuleContext
from .pdf_cells import cell, escape, markup_cell
from .pdf_pages import MARKING, _NumberedCanvas

SEVERITIES = ("high", "medium", "low")
CONTROLS = (
    ("DSA", ("FLOW_NO_AGREEMENT", "SHARED_OUTSIDE_AGREEMENT")),
    ("DPIA", ("DPIA_MISSING", "CHILDREN_NO_BEST_INTERESTS")),
    ("Contract", ("PROCESSOR_NO_CONTRACT",)),
    ("MOU", ("MOU_NOT_A_DSA",)),
    (
        "Lawful basis",
        (
            "LAWFUL_BASIS_MISSING",
            "POLICE_NO_PART3_BASIS",
            "CONSENT_AS_LAWFUL_BASIS",
            "RECOGNISED_LI_MISUSED",
            "LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY",
        ),
    ),
    ("Art 9/10", ("SPECIAL_CATEGORY_NO_CONDITION", "CRIMINAL_DATA_NO_CONDITION")),
    ("Notice", ("PRIVACY_NOTICE_MISSING",)),
    ("Storage", ("STORAGE_UNAPPROVED", "STORAGE_UNASSURED")),
    ("Retention", ("RETENTION_MISSING",)),
)

_NONE: frozenset[str] = frozenset()
styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=9, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5)
H1 = ParagraphStyle("h1", parent=styles["Heading1"], fontName="Helvetica-Bold", fontSize=16, spaceAfter=8)
H2 = ParagraphStyle("h2", parent=styles["Heading2"], fontName="Helvetica-Bold", fontSize=12, spaceAfter=6)
TITLE = ParagraphStyle("title", parent=H1, fontSize=24, leading=30, spaceAfter=20)
FLOW_CELL = "{}<br/><font size=6>{}</font>"  # a data flow's name, then its reference and status, smaller
MATRIX_HEAD = ParagraphStyle("matrix-head", parent=SMALL, fontName="Helvetica-Bold", fontSize=6.5, leading=8)


@dataclass(frozen=True)
class ReportInput:
    as_of: date
    area_names: Mapping[str, str]  # every area of the register, ref -> name, in the register's order
    # The rules' view of the register an area's section is drawn from: that area's records (and what
    # they rest on) alone, so that a national report holds one or two areas' records at a time.
    area_context: Callable[[str], RuleContext]
    area_refs: Sequence[str]
    # The open and accepted findings about an area (services.gaps.Gap), worst first, read as the
    # area's section is drawn; and all of them counted, for the contents and the summary.
    area_gaps: Callable[[str], Sequence[Any]]
    counts: Any  # services.gaps.Counts
    accepted: Mapping[tuple[str, str, str], Mapping[str, Any]]  # key -> reason, by, review_on
    rules: Mapping[str, Any]  # code -> Rule (with references)
    generated_by: str
    generated_at: datetime
    filters: str
    # The head hash of each audit chain when the report was built (services/audit_chain.py).
    chain_heads: Mapping[str, str] = field(default_factory=dict)
    law: str = ""  # "Rules as of 4 December 2026: UK GDPR and the Data Protection Act 2018 as amended by ..."
    # An area's data-flow map (reports/flow_map.FlowMap) from its context and its findings; None when
    # Graphviz is not installed.
    flow_map: Callable[[RuleContext, Sequence[Any], str], Any] | None = None


class _Document(BaseDocTemplate):
    def __init__(self, path: Any, title: str = "Prevent compliance audit report", **kwargs: Any):
        super().__init__(
            path,
            pagesize=A4,
            invariant=1,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=22 * mm,
            bottomMargin=22 * mm,
            title=title,
            author="Prevent Compliance Register",
            subject=MARKING,
            **kwargs,
        )
        self._headings = 0
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable: Any) -> None:
        """Headings become the PDF's outline (bookmarks), for finding an area in a long report."""
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            key = f"h{self._headings}"
            self._headings += 1
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=level > 0)


def build(path: str, data: ReportInput) -> int:
    """Write the report in one pass (a national report runs to thousands of pages); returns the
    number of pages."""
    document = _Document(path)
    document.build(_Story(_sections(data)), canvasmaker=_NumberedCanvas)
    return document.page


def _sections(data: ReportInput) -> Iterator[list[Any]]:
    """The report a section at a time, each ending with a page break."""
    yield _cover(data)
    yield _contents(data)
    yield _summary(data)
    from . import flow_map

    # dot lays out the next area's map in its own process while reportlab lays out this area's pages;
    # so the next area's records and findings are loaded a section ahead, and each area's let go
    # after its section.
    with ThreadPoolExecutor(max_workers=1) as dot:
        refs = list(data.area_refs)
        ahead: dict[str, tuple[RuleContext, Sequence[Any], Any, Future | None]] = {}
        for n, ref in enumerate(refs):
            for later in refs[n : n + 2]:
                if later not in ahead:
                    ctx, gaps = data.area_context(later), data.area_gaps(later)
                    drawn = data.flow_map(ctx, gaps, later) if data.flow_map is not None else None
                    layout = dot.submit(flow_map.layout, drawn) if drawn is not None else None
                    ahead[later] = (ctx, gaps, drawn, layout)
            yield _area(data, ref, *ahead.pop(ref))
    yield _catalogue(data)


class _Story(list):
    """The report's flowables, made a section at a time as reportlab lays them out.

    BaseDocTemplate.build lays out the first flowable of its list and deletes it until the list is
    empty (`while len(flowables)`), so the next section is made only when the one before it has been
    laid out and let go: a national report's thousands of pages of tables are never all in memory.
    Sections end with a page break, so the layout is the one a single list gives."""

    def __init__(self, sections: Iterator[list[Any]]) -> None:
        super().__init__()
        self._sections = sections

    def __len__(self) -> int:
        while not super().__len__():
            section = next(self._sections, None)
            if section is None:
                return 0
            self.extend(section)
        return super().__len__()


class _AreaIndex:
    """What an area's section looks up in its context and its findings: its flows and panels, and the
    rules raised on each flow (with those raised on the storage systems it is live on). A finding
    about a flow is about the flow's area, and one about a storage system about the areas of the
    flows live on it (RuleContext.areas_of): the area's own findings are all this reads."""

    def __init__(self, ctx: RuleContext, gaps: Sequence[Any], ref: str) -> None:
        raised: dict[str, set[str]] = defaultdict(set)
        for gap in gaps:
            raised[gap.subject_ref].add(gap.rule)
        self.flows = [flow for flow in ctx.data_flows if flow.area.ref == ref]
        self.panels = [panel for panel in ctx.panels if any(area.ref == ref for area in panel.areas)]
        self.raised: dict[str, set[str]] = {flow.ref: set(raised.get(flow.ref, _NONE)) for flow in self.flows}
        for system in ctx.storage_systems:
            storage_rules = {rule for rule in raised.get(system.ref, ()) if rule.startswith("STORAGE_")}
            if storage_rules:
                for flow in ctx.live_flows_by_storage_system.get(system, ()):
                    if flow.ref in self.raised:
                        self.raised[flow.ref] |= storage_rules


def _contents(data: ReportInput) -> list[Any]:
    """The areas in the report with their open findings (the PDF's bookmarks lead to each)."""
    names = data.area_names
    rows = [["Area", "High", "Medium", "Low"]]
    for ref in data.area_refs:
        counts = data.counts.open_by_area.get(ref, {})
        rows.append([f"{names.get(ref, ref)} ({ref})", *(str(counts.get(s, 0)) for s in SEVERITIES)])
    return [
        Paragraph("Contents", ParagraphStyle("contents", parent=H1)),
        Paragraph(
            "Executive summary; then one section per area below (designations, data flows against controls, "
            "findings, accepted risks, panel confidentiality); then the rule catalogue. Open findings per area:",
            BODY,
        ),
        _table(rows, [100 * mm, 20 * mm, 20 * mm, 20 * mm]),
        PageBreak(),
    ]


def _cover(data: ReportInput) -> list[Any]:
    names = [name for ref, name in data.area_names.items() if ref in data.area_refs]
    rows = [
        ["Areas", ", ".join(names) or "None"],
        ["Evaluation date", data.as_of.strftime("%-d %B %Y")],
        ["Law applied", cell(data.law, SMALL)],
        ["Generated by", data.generated_by],
        ["Generated at", data.generated_at.strftime("%-d %B %Y %H:%M")],
        ["Filters", data.filters],
        *([f"Audit chain head ({name})", head] for name, head in data.chain_heads.items()),
    ]
    return [
        Spacer(1, 40 * mm),
        Paragraph("Prevent and Channel data protection: audit report", TITLE),
        _table(rows, [45 * mm, 120 * mm], header=False),
        Spacer(1, 10 * mm),
        Paragraph(
            "This report shows, for every Prevent and Channel data flow in the areas above, whether the "
            "paperwork the law expects exists. Findings are not legal advice: refer to the DPO.",
            BODY,
        ),
        Paragraph(
            "The audit chain heads above identify the audit trail as it stood when this report was built: "
            "<i>compliance audit verify --head HASH</i> checks that it still holds those entries unchanged.",
            BODY,
        ),
        PageBreak(),
    ]


def _summary(data: ReportInput) -> list[Any]:
    counts = data.counts
    rows = [["Severity", "Open", "Accepted risk"]] + [
        [s.capitalize(), str(counts.open.get(s, 0)), str(counts.accepted.get(s, 0))] for s in SEVERITIES
    ]
    by_rule = counts.open_by_rule
    by_area = {ref: sum(levels.values()) for ref, levels in counts.open_by_area.items()}
    return [
        Paragraph("Executive summary", H1),
        _table(rows, [50 * mm, 30 * mm, 35 * mm]),
        Spacer(1, 6 * mm),
        Paragraph("Open findings by rule", H2),
        _chart(sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))),
        Paragraph("Open findings by area", H2),
        _chart(sorted(by_area.items(), key=lambda kv: (-kv[1], kv[0]))),
        PageBreak(),
    ]


def _chart(items: Sequence[tuple[str, int]]) -> Drawing:
    items = list(items)[:20] or [("None", 0)]
    height = 30 + 16 * len(items)
    drawing = Drawing(170 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70 * mm, 15, 90 * mm, height - 25
    chart.data = [[count for _, count in reversed(items)]]
    chart.categoryAxis.categoryNames = [label for label, _ in reversed(items)]
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1, max(count for _, count in items))
    chart.valueAxis.valueStep = max(1, chart.valueAxis.valueMax // 5)
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#1d70b8")
    drawing.add(chart)
    drawing.add(String(0, height - 8, "", fontSize=1))
    return drawing


def _area(
    data: ReportInput, ref: str, ctx: RuleContext, gaps: Sequence[Any], drawn: Any, layout: Future | None
) -> list[Any]:
    """One area's section from its context and findings (`drawn`: its data-flow map, being laid out
    by `layout`)."""
    area = next(a for a in ctx.areas if a.ref == ref)
    own = _AreaIndex(ctx, gaps, ref)
    story: list[Any] = [Paragraph(f"Area: {_esc(area.name)}", H1)]
    year = financial_year(ctx.as_of)
    rows = [["Designation", "Financial year", "Value", "Source"]] + [
        [label(d.kind), d.financial_year, "Yes" if d.value else "No", d.source or "Not recorded"]
        for d in area.designations
    ]
    story += [
        Paragraph(f"Designations (evaluation year {year})", H2),
        _table(rows, [45 * mm, 28 * mm, 18 * mm, 80 * mm]),
    ]
    story += _matrix(ctx, own)
    story += _partners_and_bases(ctx, own)
    story.append(Paragraph("Findings", H2))
    story += _findings([g for g in gaps if g.status.value == "open"])
    accepted = [g for g in gaps if g.status.value == "accepted_risk"]
    story.append(Paragraph("Accepted risks", H2))
    if accepted:
        rows = [["Rule", "Record", "Reason", "Accepted by", "Review by"]]
        for g in accepted:
            info = data.accepted.get((g.rule, g.subject_type, g.subject_ref), {})
            rows.append(
                [
                    cell(g.rule, SMALL),
                    cell(g.subject_ref, SMALL),
                    cell(info.get("reason", ""), SMALL),
                    cell(info.get("by", ""), SMALL),
                    str(info.get("review_on", "")),
                ]
            )
        story.append(_table(rows, [38 * mm, 32 * mm, 60 * mm, 26 * mm, 18 * mm]))
    else:
        story.append(Paragraph("No risks have been accepted.", BODY))
    story += _panels(own.panels)
    story.append(PageBreak())
    story += _map(drawn, layout)
    return story


def _map(flow_map: Any, layout: Future | None = None) -> list[Any]:
    """The area's data-flow map on a page of its own (reports/flow_map.py lays it out with dot)."""
    from . import flow_map as drawing

    if flow_map is None:
        return [
            Paragraph("Data-flow map", H2),
            Paragraph("The map needs Graphviz (dot) where the report is made, which was not installed.", BODY),
            PageBreak(),
        ]
    key = "; ".join(f"{style.key.split(',')[0]}: {style.word.lower()}" for style in drawing.STYLES.values())
    story: list[Any] = [
        Paragraph(f"Data-flow map: {_esc(flow_map.area_name)}", H2),
        Paragraph(
            f"{_esc(flow_map.description)} Each arrow is marked by the worst open finding about its flows, in "
            f"words and by its line. Key: {_esc(key)}.",
            SMALL,
        ),
        Spacer(1, 3 * mm),
    ]
    if flow_map.flows or flow_map.organisations:
        laid = layout.result() if layout is not None else None
        story.append(drawing.drawing(flow_map, A4[0] - 36 * mm, A4[1] - 44 * mm - 45 * mm, laid))
    story.append(PageBreak())
    return story


def _findings(open_gaps: list[Any]) -> list[Any]:
    """Open findings, worst first, grouped by rule: what to do and the law once per rule, then each
    record and what is wrong with it (the disclaimer is on the cover, not on every line)."""
    if not open_gaps:
        return [Paragraph("No open findings.", BODY)]
    by_rule: dict[str, list[Any]] = defaultdict(list)
    for gap in open_gaps:
        by_rule[gap.rule].append(gap)
    story: list[Any] = []
    ordered = sorted(by_rule.values(), key=lambda group: (SEVERITIES.index(group[0].severity.value), group[0].gnn))
    for group in ordered:
        first = group[0]
        story.append(
            Paragraph(
                f"<b>{first.gnn} {first.rule}</b>: {_esc(first.title)} ({first.severity.value}, {len(group)} open). "
                f"<b>What to do:</b> {_esc(first.remediation)} <i>{_esc('; '.join(first.references))}</i>",
                SMALL,
            )
        )
        rows = [["Record", "What is wrong"]] + [
            [
                cell(f"{g.subject_type.replace('_', ' ')} {g.subject_ref}", SMALL),
                cell(g.message.removesuffix(DISCLAIMER).strip(), SMALL),
            ]
            for g in group
        ]
        story += [_table(rows, [44 * mm, 130 * mm]), Spacer(1, 3 * mm)]
    return story


def _matrix(ctx: RuleContext, own: _AreaIndex) -> list[Any]:
    flows = sorted(own.flows, key=lambda f: f.ref)
    raised = own.raised
    header = [cell(name, MATRIX_HEAD) for name in ("Data flow", *(name for name, _ in CONTROLS))]
    rows: list[list[Any]] = [header]
    for flow in flows:
        row: list[Any] = [markup_cell(FLOW_CELL, SMALL, flow.name, f"{flow.ref} ({label(flow.status).lower()})")]
        for name, codes in CONTROLS:
            row.append(_cell(name, flow, ctx, raised.get(flow.ref, _NONE) & set(codes)))
        rows.append(row)
    widths = [34 * mm] + [15.5 * mm] * len(CONTROLS)
    table = _table(rows, widths)
    return [
        Paragraph("Data flows against controls", H2),
        Paragraph("Met: the control is in place. Gap: a finding is open. n/a: the control does not apply.", SMALL),
        table,
    ]


def _partners_and_bases(ctx: RuleContext, own: _AreaIndex) -> list[Any]:
    """The organisations in the area's live flows (public authority or not, complaints procedure),
    then each party's lawful basis, the Art 6 basis in words."""
    flows = sorted((flow for flow in own.flows if flow.is_live), key=lambda f: f.ref)
    if not flows:
        return []
    partners = sorted({party for flow in flows for party in (flow.sender, flow.recipient)}, key=lambda o: o.ref)
    rows: list[list[Any]] = [["Organisation", "Public authority", "Complaints procedure (DPA 2018 s164A)"]]
    for org in partners:
        info = ctx.partner_type(org)
        rows.append(
            [
                cell(org.name, SMALL),
                cell(
                    public_authority_text(org.public_authority, bool(info and info.public_authority_by_default)), SMALL
                ),
                cell(org.complaints_procedure_ref or "Not recorded", SMALL),
            ]
        )
    bases: list[list[Any]] = [["Data flow", "Party", "Basis"]]
    for flow in flows:
        for basis in flow.lawful_bases:
            if basis.regime.value == "dpa_part3":
                text = label(basis.part3) if basis.part3 else "DPA 2018 Part 3: basis not recorded"
            else:
                text = art6_text(
                    basis.art6.value if basis.art6 else None, basis.annex1_condition and basis.annex1_condition.value
                )
            bases.append([cell(flow.ref, SMALL), cell(basis.party.name, SMALL), cell(text, SMALL)])
    story: list[Any] = [Paragraph("Partners in live flows", H2), _table(rows, [60 * mm, 40 * mm, 74 * mm])]
    if len(bases) > 1:
        story += [Paragraph("Lawful bases", H2), _table(bases, [50 * mm, 50 * mm, 74 * mm])]
    return story


def _cell(name: str, flow, ctx: RuleContext, gaps: set[str]) -> str:
    if name == "Contract" and not ctx.processor_pairs(flow):
        return "n/a"
    if name == "MOU" and flow.mou is None:
        return "n/a"
    if name == "Art 9/10" and not (flow.has_special_category or flow.has_criminal_data):
        return "n/a"
    if name == "Storage" and not flow.storage_systems:
        return "None"
    return "Gap" if gaps else "Met"


def _panels(panels: list[Any]) -> list[Any]:
    story: list[Any] = [Paragraph("Panel confidentiality", H2)]
    if not panels:
        return [*story, Paragraph("No panel is recorded for this area.", BODY)]
    rows = [
        ["Panel", "Meeting", "Held on", "Cases discussed", "Attendees", "Signed", "Verbal, minuted", "Not recorded"]
    ]
    for panel in sorted(panels, key=lambda p: p.ref):
        for meeting in panel.meetings:
            methods = [a.confidentiality for a in meeting.attendees]
            signed = sum(1 for r in methods if r is not None and r.method.value == "signed_agreement")
            minuted = sum(
                1 for r in methods if r is not None and r.method.value == "verbal_recorded_in_minutes" and r.minutes_ref
            )
            rows.append(
                [
                    cell(panel.name, SMALL),
                    cell(meeting.ref, SMALL),
                    long_date(meeting.held_on),
                    cell(cases_discussed_text(meeting.cases_discussed), SMALL),
                    str(len(methods)),
                    str(signed),
                    str(minuted),
                    str(len(methods) - signed - minuted),
                ]
            )
    widths = [30 * mm, 32 * mm, 20 * mm, 18 * mm, 16 * mm, 14 * mm, 20 * mm, 20 * mm]
    return [*story, _table(rows, widths)]


def cases_discussed_text(cases: int | None) -> str:
    """A meeting imported without its number of cases discussed says so, never a blank or 0."""
    return "not recorded" if cases is None else str(cases)


def _catalogue(data: ReportInput) -> list[Any]:
    rows = [["Code", "Rule", "Severity", "Law and guidance"]]
    for rule in sorted(data.rules.values(), key=lambda r: r.gnn):
        rows.append(
            [
                cell(f"{rule.gnn} {rule.code}", SMALL),
                cell(rule.title, SMALL),
                rule.severity.value,
                cell("; ".join(ref.citation for ref in rule.references), SMALL),
            ]
        )
    return [Paragraph("Appendix: the rule catalogue", H1), _table(rows, [52 * mm, 50 * mm, 16 * mm, 56 * mm])]


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
    ]
    if header:
        style += [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value == "Gap":
                style.append(("BACKGROUND", (c, r), (c, r), colors.HexColor("#f6d7d2")))
    table.setStyle(TableStyle(style))
    return table


_esc = escape
