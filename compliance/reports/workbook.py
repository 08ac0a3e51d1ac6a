"""The register as an Excel workbook: a summary, the findings, and one sheet per record type.

Written with openpyxl's write-only (streaming) workbook, so a large register does not have to fit
in memory as cells. Every sheet has a frozen header row, a filter and sensible column widths.
Personal data (DSA signatory and attendee names) is left out: the workbook travels.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..exchange import fields as f
from ..exchange import serialise
from ..labels import SHEET_TITLES, art6_text, coded_label, label, public_authority_text, value_label

MAX_WIDTH = 60
FINDING_COLUMNS = (
    "Severity",
    "Rule",
    "Title",
    "Status",
    "Area",
    "Record type",
    "Record",
    "Message",
    "What to do",
    "Law and guidance",
)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet would take for a formula (CWE-1236) made plain text, as OWASP recommends:
    a single quote before a leading =, +, -, @, tab or carriage return."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# Characters a spreadsheet cell cannot hold (openpyxl raises IllegalCharacterError): the C0
# controls but tab, line feed and carriage return. Imports and forms refuse them; data stored
# before they did must still not make the workbook a server error.
_ILLEGAL_IN_CELLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_cell(value: Any) -> Any:
    """A value as a cell can hold it: text without the characters a cell cannot hold."""
    return _ILLEGAL_IN_CELLS.sub("", value) if isinstance(value, str) else value


def cell_text(value: Any, key: str = "") -> Any:
    """An exchange-format value as one spreadsheet or CSV cell: never a formula. With the field's
    `key`, coded values are written as their labels (the report workbook; CSV keeps the codes)."""
    text = _text(value, key)
    return inert(text) if isinstance(text, str) else text


def _text(value: Any, key: str = "") -> Any:
    if value is None or isinstance(value, (int, float, bool, date, datetime)):
        return value
    if isinstance(value, str):
        if key and (label := coded_label(key, value)) is not None:
            return label
        if key in f.DATE_KEYS:  # a real date in the workbook, not text
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        return value.replace("_", " ") if value.islower() and " " not in value and "_" in value else value
    if isinstance(value, Mapping):
        return "; ".join(f"{k.replace('_', ' ')}: {_text(v, k if key else '')}" for k, v in value.items())
    if isinstance(value, Sequence):
        if value and isinstance(value[0], Mapping):
            return f"{len(value)}"
        return (", " if not key else "; ").join(str(_text(v, key)) for v in value)
    return str(value)


def _sheet(workbook: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    sheet = workbook.create_sheet(title=title[:31])
    rows = [list(row) for row in rows]
    widths = [len(h) for h in header]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], min(MAX_WIDTH, len(str(value)) if value is not None else 0))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, width + 2)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    bold = Font(bold=True)
    heading = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=clean_cell(name))
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    # Each style is made once and shared: setting it cell by cell hashed it for every cell.
    wrapped, dated = WriteOnlyCell(sheet), WriteOnlyCell(sheet)
    wrapped.alignment = Alignment(wrap_text=True, vertical="top")
    dated.number_format = "d mmmm yyyy"
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=inert(clean_cell(value)))
                cell.data_type = "s"  # openpyxl makes a formula of any text starting with =
                if len(value) > MAX_WIDTH:
                    cell._style = wrapped._style
            else:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, date) and not isinstance(value, datetime):
                    cell._style = dated._style
            cells.append(cell)
        sheet.append(cells)
    return len(rows)


def build(
    path: str,
    records: Mapping[str, list[Any]],
    gaps: Sequence[Any],
    *,
    as_of: date,
    scope_text: str,
    generated_by: str,
    law: str = "",
    public_authority_defaults: Mapping[str, bool] | None = None,
) -> dict[str, int]:
    """Write the workbook to `path`; returns the number of rows per sheet. `law` names the law of the
    evaluation date; `public_authority_defaults` (partner type -> bool) fills in an organisation's
    public authority status where the record leaves it to its partner type."""
    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    documents = {
        key: [serialise.record(f.BY_KEY[key], obj, redact=True) for obj in sorted(items, key=lambda o: o.ref)]
        for key, items in records.items()
    }
    by_severity = {s: sum(1 for g in gaps if g.severity.value == s) for s in ("high", "medium", "low")}
    summary = [
        ("Register", scope_text),
        ("Evaluation date", as_of),
        ("Law applied", law),
        ("Generated by", generated_by),
        ("Generated at", datetime.now().replace(microsecond=0)),
        ("Protective marking", "OFFICIAL-SENSITIVE"),
        ("High findings", by_severity["high"]),
        ("Medium findings", by_severity["medium"]),
        ("Low findings", by_severity["low"]),
        *((f"{SHEET_TITLES[key]} (records)", len(documents.get(key, []))) for key in SHEET_TITLES),
    ]
    counts["Summary"] = _sheet(workbook, "Summary", ("Item", "Value"), summary)
    counts["Findings"] = _sheet(
        workbook,
        "Findings",
        FINDING_COLUMNS,
        (
            (
                label(g.severity),
                g.rule,
                g.title,
                label(g.status),
                ", ".join(g.areas),
                value_label("subject_type", g.subject_type),
                g.subject_ref,
                g.message,
                g.remediation,
                "; ".join(g.references),
            )
            for g in gaps
        ),
    )
    defaults = public_authority_defaults or {}
    for doc in documents.get("organisations", []):
        if "public_authority" not in doc and doc["partner_type"] in defaults:
            doc["public_authority"] = public_authority_text(None, defaults[doc["partner_type"]])
    for key, title in SHEET_TITLES.items():
        docs = documents.get(key, [])
        header = [field.key for field in f.BY_KEY[key].fields]
        extra = sorted({k for d in docs for k in d} - set(header))
        columns = header + extra
        counts[title] = _sheet(
            workbook,
            title,
            [c.replace("_", " ").capitalize() for c in columns],
            ([cell_text(d.get(c), c) for c in columns] for d in docs),
        )
    counts["Lawful bases"] = _sheet(
        workbook, "Lawful bases", LAWFUL_BASIS_COLUMNS, _lawful_basis_rows(documents.get("data_flows", []))
    )
    counts["Meetings"] = _sheet(workbook, "Meetings", MEETING_COLUMNS, _meeting_rows(records.get("panels", ())))
    workbook.save(path)
    return counts


LAWFUL_BASIS_COLUMNS = (
    "Data flow",
    "Area",
    "Status",
    "Party",
    "Regime",
    "UK GDPR Art 6 basis",
    "Annex 1 condition",
    "Art 9 condition",
    "Sch 1 paragraph",
    "Art 10 basis",
    "Part 3 basis",
    "Sch 8 condition",
    "Domestic law",
    "Recorded on",
)


def _lawful_basis_rows(flows: Sequence[Mapping[str, Any]]) -> Iterable[Sequence[Any]]:
    """One row per party's basis, the Art 6 basis in words ("Art 6(1)(ea) recognised legitimate
    interest: safeguarding vulnerable individuals")."""
    for flow in flows:
        for basis in flow.get("lawful_bases", ()):
            yield (
                flow["ref"],
                flow["area"],
                cell_text(flow["status"], "status"),
                basis["party"],
                cell_text(basis["regime"], "regime"),
                art6_text(basis["art6"], basis.get("annex1_condition")) if "art6" in basis else None,
                value_label("annex1_condition", basis.get("annex1_condition")) or None,
                cell_text(basis.get("art9"), "art9"),
                basis.get("sch1_paragraph"),
                cell_text(basis.get("art10"), "art10"),
                cell_text(basis.get("part3"), "part3"),
                basis.get("sch8_condition"),
                basis.get("domestic_law"),
                date.fromisoformat(basis["recorded_on"]) if "recorded_on" in basis else None,
            )


MEETING_COLUMNS = (
    "Panel",
    "Meeting",
    "Held on",
    "Minutes",
    "Cases discussed",
    "Resident area police present",
    "Attendees",
    "Signed",
    "Verbal, minuted",
    "Verbal, not recorded",
    "None recorded",
)


def _meeting_rows(panels) -> Iterable[Sequence[Any]]:
    """One row per meeting: how its attendees accepted confidentiality (counts, never names)."""
    for panel in sorted(panels, key=lambda p: p.ref):
        for meeting in panel.meetings:
            methods = [a.confidentiality.method.value if a.confidentiality else "none" for a in meeting.attendees]
            minuted = sum(
                1
                for a in meeting.attendees
                if a.confidentiality is not None
                and a.confidentiality.method.value == "verbal_recorded_in_minutes"
                and a.confidentiality.minutes_ref
            )
            yield (
                panel.name,
                meeting.ref,
                meeting.held_on,
                meeting.minutes_ref,
                "not recorded" if meeting.cases_discussed is None else meeting.cases_discussed,
                meeting.resident_area_police_present,
                len(methods),
                methods.count("signed_agreement"),
                minuted,
                methods.count("verbal_recorded_in_minutes") - minuted + methods.count("verbal_not_recorded"),
                methods.count("none"),
            )


def records_as_csv(kind: f.RecordType, items: Iterable[Any]) -> str:
    """Records as CSV: one column per field of the exchange format, personal data left out."""
    columns = [field.key for field in kind.fields]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for obj in items:
        record = serialise.record(kind, obj, redact=True)
        writer.writerow(["" if record.get(c) is None else cell_text(record.get(c)) for c in columns])
    return out.getvalue()
