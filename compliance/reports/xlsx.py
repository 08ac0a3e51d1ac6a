"""A small streaming writer of .xlsx files: the parts of a workbook written as XML text.

The national workbook has millions of cells; openpyxl made an object of each (even in write-only
mode) and spent most of the workbook's time there. This writes each row as text to a temporary
file while it measures the column widths, then puts the sheet into the zip with its widths ahead
of the rows, so no sheet has to be held in memory. What it writes: text as inline strings (never
a formula), numbers, booleans, dates and date-times as real date cells with a number format, a
bold header row, wrapped long text, a frozen header, a filter over the sheet and column widths.
openpyxl reads it back as it read openpyxl's own files (tests/unit/test_xlsx.py).
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# Cell styles, by their index in styles.xml's cellXfs.
PLAIN, BOLD, WRAPPED, DATE, DATETIME = range(5)
DATE_FORMAT = "d mmmm yyyy"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"

STYLES = f"""{XML_HEAD}<styleSheet xmlns="{MAIN}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>
<numFmt numFmtId="165" formatCode="{DATETIME_FORMAT}"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">
<alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

SHEET_VIEW = (
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft"'
    ' state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
)

MAX_WIDTH = 60


def escape(text: str) -> str:
    """Text as XML element content; a carriage return as a character reference, since an XML reader
    turns a literal one into a line feed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _text_cell(ref: str, text: str, style: int) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


class XlsxFile:
    """One workbook, written to `path` sheet by sheet; `close()` writes the parts that list them."""

    def __init__(self, path: str) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[tuple[str, str]] = []  # (title, the filter's range)

    def __enter__(self) -> XlsxFile:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._zip.close()

    def sheet(
        self,
        title: str,
        header: Sequence[str],
        rows: Iterable[Sequence[Any]],
        text: Callable[[str], str] = lambda value: value,
    ) -> int:
        """Write one sheet: `header` in bold, then `rows` (consumed once, never held). `text` makes a
        string value the cell's text (the workbook makes formula-like text inert with it); the widths
        are measured on the values as given. Returns the number of rows below the header."""
        letters = [get_column_letter(i) for i in range(1, len(header) + 1)]
        widths = [len(h) for h in header]
        count = 0
        with tempfile.TemporaryFile("w+", encoding="utf-8") as body:
            body.write('<row r="1">')
            body.write("".join(_text_cell(f"{letters[i]}1", h, BOLD) for i, h in enumerate(header)))
            body.write("</row>")
            chunk: list[str] = []
            for count, row in enumerate(rows, start=1):
                r = str(count + 1)
                cells = [f'<row r="{r}">']
                for i, value in enumerate(row):
                    if value is None:
                        continue
                    ref = letters[i] + r
                    kind = type(value)
                    if kind is str:
                        size = len(value)
                        cells.append(_text_cell(ref, text(value), WRAPPED if size > MAX_WIDTH else PLAIN))
                    elif kind is bool:
                        size = 4 if value else 5
                        cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
                    elif kind is int or kind is float:
                        size = len(str(value))
                        cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
                    elif kind is date:
                        size = 10
                        cells.append(f'<c r="{ref}" s="{DATE}"><v>{int(to_excel(value))}</v></c>')
                    elif kind is datetime:
                        size = len(str(value))
                        cells.append(f'<c r="{ref}" s="{DATETIME}"><v>{to_excel(value)!r}</v></c>')
                    else:
                        raise TypeError(f"{title} row {count} column {header[i]}: cannot write {kind.__name__}")
                    if size > widths[i]:
                        widths[i] = max(widths[i], min(MAX_WIDTH, size))
                cells.append("</row>")
                chunk.append("".join(cells))
                if len(chunk) >= 1000:
                    body.write("".join(chunk))
                    chunk.clear()
            body.write("".join(chunk))
            last = f"{letters[-1]}{count + 1}"
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{max(10, w + 2)}" customWidth="1"/>'
                for i, w in enumerate(widths, start=1)
            )
            number = len(self._sheets) + 1
            with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                part.write(
                    f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:{last}"/>'
                    f'{SHEET_VIEW}<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'.encode()
                )
                body.seek(0)
                _copy(body, part)
                part.write(f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'.encode())
        self._sheets.append((title, f"$A$1:${letters[-1]}${count + 1}"))
        return count

    def close(self) -> None:
        sheets = "".join(
            f'<sheet name={quoteattr(title)} sheetId="{n}" r:id="rId{n}"/>'
            for n, (title, _) in enumerate(self._sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"{escape(_quoted(title))}!{ref}</definedName>"
            for n, (title, ref) in enumerate(self._sheets)
        )
        self._write(
            "xl/workbook.xml",
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(self._sheets) + 1)
        )
        self._write(
            "xl/_rels/workbook.xml.rels",
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL}">{relations}'
            f'<Relationship Id="rId{len(self._sheets) + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>',
        )
        self._write("xl/styles.xml", STYLES)
        self._write(
            "_rels/.rels",
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{SHEET_TYPE}"/>'
            for n in range(1, len(self._sheets) + 1)
        )
        self._write(
            "[Content_Types].xml",
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self._zip.close()

    def _write(self, name: str, text: str) -> None:
        self._zip.writestr(name, text.encode("utf-8"))


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _copy(source, target) -> None:
    while block := source.read(1 << 20):
        target.write(block.encode("utf-8"))
