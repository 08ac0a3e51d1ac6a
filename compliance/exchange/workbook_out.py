"""Writes an exchange document as the exchange workbook (layout in workbook_layout.py).

openpyxl is imported here only, so only the commands and routes that write a workbook load it.
Written in openpyxl's write-only mode (rows streamed to the file). Text is written as text cells,
never formulas, so register text that looks like a formula cannot run in the reader's spreadsheet
and is read back exactly as it was.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from ..reports.workbook import clean_cell
from . import workbook_layout as layout
from . import workbook_readme as readme
from .workbook_layout import AS_OF_NAME, LISTS, README

LAST_ROW = 1048576
BOLD = Font(bold=True)
DATE_FORMAT = "yyyy-mm-dd"


def write(doc: Mapping[str, Any], path: str | Path) -> None:
    """The document as an exchange workbook at `path` (a blank template for a document with no records)."""
    workbook = Workbook(write_only=True)
    _readme(workbook, doc.get("as_of"))
    ranges, lists = _list_ranges()
    sizes = [(README_ROWS, 4)]
    for sheet in layout.SHEETS:
        count = _sheet(workbook, sheet, layout.sheet_rows(doc, sheet), ranges)
        sizes.append((count + 2, len(sheet.columns)))
    _lists(workbook, lists)
    sizes.append((max(len(labels) for labels in lists), len(lists)))
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / "workbook.xlsx"
        workbook.save(str(written))
        _with_dimensions(written, Path(path), sizes)


def _with_dimensions(source: Path, target: Path, sizes: list[tuple[int, int]]) -> None:
    """The workbook with each sheet's extent recorded, as Excel records it (openpyxl's write-only
    mode leaves it out, and a reader without it parses each sheet twice to find it)."""
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in archive.infolist():
            # Each part copied a block at a time (a national register's largest sheet is tens of
            # megabytes of XML): the extent goes after the sheet's properties, at its very start.
            with archive.open(item) as part, out.open(item, "w") as copy:
                head = part.read(HEAD)
                found = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", item.filename)
                if found and int(found.group(1)) <= len(sizes) and b"<dimension" not in head:
                    rows, columns = sizes[int(found.group(1)) - 1]
                    extent = f'<dimension ref="A1:{layout.column_letter(max(columns, 1) - 1)}{max(rows, 1)}"/>'
                    found = re.search(rb"</sheetPr>|<sheetPr[^>]*/>", head)
                    if found:
                        head = head[: found.end()] + extent.encode() + head[found.end() :]
                copy.write(head)
                shutil.copyfileobj(part, copy, 1 << 20)


HEAD = 4096  # a sheet's properties and extent are within its first bytes


def _text_cell(ws, value: Any, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=clean_cell(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if bold:
        cell.font = BOLD
    return cell


def _sheet(workbook, sheet: layout.Sheet, rows: Iterable[list[Any]], lists: dict[str, str]) -> int:
    """A sheet of the workbook; returns the number of rows below its headings."""
    ws = workbook.create_sheet(sheet.title)
    ws.freeze_panes = "B3"
    ws.row_dimensions[2].hidden = True
    for index, column in enumerate(sheet.columns):
        letter = layout.column_letter(index)
        ws.column_dimensions[letter].width = max(12, min(40, len(column.label) + 4))
        if column.kind in ("enum", "boolean"):
            source = lists[column.name] if column.kind == "enum" else '"Yes,No"'
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=column.label,
                error=f"Choose one of the list for {column.label}.",
            )
            validation.add(f"{letter}{layout.DATA_ROW}:{letter}{LAST_ROW}")
            ws.data_validations.append(validation)
    ws.append([_text_cell(ws, column.label, bold=True) for column in sheet.columns])
    ws.append([_text_cell(ws, column.name) for column in sheet.columns])
    dates = [column.kind == "date" for column in sheet.columns]
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007 (the count is returned)
        cells = []
        for is_date, value in zip(dates, row, strict=True):
            if is_date and value is not None:
                cell = _text_cell(ws, value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(_value(ws, value))
        ws.append(cells)
    return count


def _value(ws, value: Any) -> Any:
    """A value to append to a row: as it is where openpyxl writes it as _text_cell would (a number,
    a yes/no, text that cannot be taken for a formula or an error code), else a text cell. A cell
    object per value was half the time of a national workbook (some 2.6 million): openpyxl tries
    each as a value first, and formats an error message before it takes it as a cell."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        text = clean_cell(value)
        if not text.startswith("=") and text not in ERROR_CODES:
            return text
    return _text_cell(ws, value)


def _list_ranges() -> tuple[dict[str, str], list[tuple[str, ...]]]:
    """Where each coded column's labels are on the hidden Lists sheet (column name -> range), and
    the lists, one per column of that sheet."""
    columns: dict[tuple[str, ...], str] = {}
    ranges: dict[str, str] = {}
    wanted = []
    for sheet in layout.SHEETS:
        for column in sheet.columns:
            if column.kind == "enum":
                labels = tuple(column.labels())
                if labels not in columns:
                    columns[labels] = layout.column_letter(len(wanted))
                    wanted.append(labels)
                letter = columns[labels]
                ranges[column.name] = f"'{LISTS}'!${letter}$1:${letter}${len(labels)}"
    return ranges, wanted


def _lists(workbook, wanted: list[tuple[str, ...]]) -> None:
    """The hidden sheet of the drop-down lists' labels (an inline list is limited to 255
    characters and cannot hold a comma)."""
    ws = workbook.create_sheet(LISTS)
    ws.sheet_state = "hidden"
    for index in range(max(len(labels) for labels in wanted)):
        ws.append([_text_cell(ws, labels[index]) if index < len(labels) else None for labels in wanted])


README_ROWS = 6 + len(readme.INTRODUCTION) + sum(1 + len(sheet.columns) for sheet in layout.SHEETS)


def _readme(workbook, as_of: str | None) -> None:
    ws = workbook.create_sheet(README)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["D"].width = 100
    ws.append([_text_cell(ws, "Prevent compliance register: exchange workbook", bold=True)])
    ws.append([_text_cell(ws, "Layout"), _text_cell(ws, "prevent-compliance-register, version 1")])
    as_of_cell = WriteOnlyCell(ws, value=date.fromisoformat(as_of) if as_of else None)
    as_of_cell.number_format = DATE_FORMAT
    ws.append([_text_cell(ws, "Register date (as of)"), as_of_cell])
    workbook.defined_names[AS_OF_NAME] = DefinedName(AS_OF_NAME, attr_text=f"'{README}'!$B$3")
    ws.append([])
    for paragraph in readme.INTRODUCTION:
        ws.append([None, _text_cell(ws, paragraph)])
    ws.append([])
    ws.append([_text_cell(ws, text, bold=True) for text in ("Sheet", "Column", "Name (row 2)", "What it means")])
    for sheet in layout.SHEETS:
        ws.append([_text_cell(ws, sheet.title, bold=True), None, None, _text_cell(ws, readme.SHEETS[sheet.title])])
        for column in sheet.columns:
            ws.append(
                [
                    _text_cell(ws, sheet.title),
                    _text_cell(ws, column.label),
                    _text_cell(ws, column.name),
                    _text_cell(ws, readme.column_text(column)),
                ]
            )
