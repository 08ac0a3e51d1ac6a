"""Reads an exchange workbook (or one CSV file per sheet) back into an exchange document.

openpyxl is imported here only, in read-only mode (rows are streamed, so a national register
reads in bounded memory). What the layout cannot hold is a problem named by sheet and cell, never
an exception: a password-protected or damaged file, a missing, renamed or extra sheet, a missing,
extra or repeated column, a formula, merged cells, and a run of empty rows too long to be data.
The document then goes through the same checks as a JSON import (services/exchange.py).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from . import workbook_layout as layout
from .validate import Problem
from .workbook_layout import AS_OF_NAME, LISTS, README

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted (password-protected) or .xls file
EMPTY_RUN = 1000  # this many empty rows in a row end a sheet's data: more is formatting, not records
PROGRESS_EVERY = 10_000
MAX_UNPACKED = 1 << 30  # what the parts of a workbook may unpack to: a national register is far less

Progress = Callable[[str], None]


class UnreadableFile(Exception):
    """The file cannot be read as a workbook at all; the message says why and what to do."""


def _no_progress(_: str) -> None:
    pass


def _check_file(path, name: str) -> None:
    """Refuse what is not an .xlsx file at all, before openpyxl opens it."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_MAGIC:
        raise UnreadableFile(
            f"{name} is password-protected (or an old .xls workbook): remove the password, or save it "
            "as an Excel workbook (.xlsx), and import it again"
        )
    if not head.startswith(b"PK") or not zipfile.is_zipfile(path):
        raise UnreadableFile(f"{name} is not an Excel workbook (.xlsx), or it is damaged")
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(item.file_size for item in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise UnreadableFile(
            f"{name} unpacks to {unpacked / 2**20:,.0f} MB, more than a register's workbook can hold "
            f"({MAX_UNPACKED / 2**20:,.0f} MB): delete the empty rows and columns, or import it in parts"
        )


def read_xlsx(path: str | Path, progress: Progress = _no_progress):
    """(document, where each part came from, problems) for the workbook at `path`."""
    from openpyxl import load_workbook

    name = Path(path).name
    _check_file(path, name)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(f"{name} is not an Excel workbook (.xlsx), or it is damaged ({error})") from None
    try:
        problems: list[Problem] = []
        present = set(workbook.sheetnames)
        expected = {sheet.title for sheet in layout.SHEETS}
        unknown = sorted(present - expected - {README, LISTS})
        for title in sorted(expected - present, key=lambda t: layout.SHEETS.index(layout.BY_TITLE[t])):
            hint = f" (is it one of {', '.join(repr(u) for u in unknown)}, renamed?)" if unknown else ""
            problems.append(Problem(title, f"the sheet {title!r} is missing{hint}: put it back, with its name"))
        for title in unknown:
            problems.append(Problem(title, f"the sheet {title!r} is not part of the layout: remove it or rename it"))
        if problems:
            return None, layout.Located(), problems
        try:
            _merged_cells(path, workbook, problems)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise UnreadableFile(f"{name} is damaged: part of it cannot be read ({error})") from None
        as_of = _as_of(workbook, problems)

        def source(sheet: layout.Sheet):
            ws = workbook[sheet.title]
            rows = _sheet_rows(workbook, ws)
            header: dict[int, list[Any]] = {1: [], 2: []}
            first = None
            for number, values in rows:
                if number > 2:
                    first = (number, values)
                    break
                header[number] = values
            body = itertools.chain([first] if first else [], rows)
            member = getattr(ws, "_worksheet_path", "").lstrip("/")
            data_after = lambda row: _data_after(path, member, row)  # noqa: E731
            cells = _cell_rows(sheet, body, progress, problems, data_after)
            return _columns(sheet, [header[1], header[2]], cells, problems)

        try:
            doc, located = layout.document(source, as_of, problems)
        except (zipfile.BadZipFile, zlib.error, ParseError, EOFError, OSError) as error:  # a damaged part
            raise UnreadableFile(f"{name} is damaged: part of it cannot be read ({error})") from None
        return doc, located, problems
    finally:
        workbook.close()


@cache
def _parser_class():
    """openpyxl's sheet parser with a fast path for inline strings: openpyxl writes every string
    inline and parses each into a rich-text object, which took three quarters of the time of
    reading its own workbook. (Made on first use: openpyxl is loaded only when a workbook is read.)"""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    formula, inline_tag, text_tag, run_tag = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("f", "is", "t", "r"))

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            if element.get("t") != "inlineStr" or element.find(formula) is not None:
                return super().parse_cell(element)
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            value = None
            inline = element.find(inline_tag)
            if inline is not None:
                text = inline.find(text_tag)
                if text is not None:
                    value = text.text or ""
                else:
                    value = "".join(run.findtext(text_tag) or "" for run in inline.iter(run_tag))
            style = int(element.get("s", 0))
            return {"row": row, "column": column, "value": value, "data_type": "s", "style_id": style}

    return Parser


def _sheet_rows(workbook, ws) -> Iterator[tuple[int, list[Any]]]:
    """(row number, values) for each row the sheet's XML holds; a formula as a Formula."""
    with workbook._archive.open(ws._worksheet_path) as source:
        parser = _parser_class()(
            source,
            workbook.shared_strings,
            data_only=False,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values: list[Any] = []
            for cell in cells:
                while len(values) < cell["column"] - 1:
                    values.append(None)
                value = cell["value"]
                if cell["data_type"] == "f" or not isinstance(
                    value, (str, int, float, bool, date, datetime, type(None))
                ):
                    value = layout.Formula(str(value))
                values.append(value)
            yield number, values


def _blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _cell_rows(sheet, rows, progress: Progress, problems: list[Problem], data_after) -> Iterator[tuple[int, list[Any]]]:
    """The rows that hold something. A run of EMPTY_RUN empty rows ends the sheet's data: rows
    after it that hold something are a problem (neither read nor silently dropped)."""
    progress(f"Reading {sheet.title}")
    last, empty_run, read = layout.DATA_ROW - 1, 0, 0
    for number, values in rows:
        gap = max(0, number - last - 1)  # rows the file leaves out are empty
        blank = _blank(values)
        if empty_run + gap + (1 if blank else 0) >= EMPTY_RUN:
            if not blank or data_after(number):
                problems.append(
                    Problem(
                        f"{sheet.title}!row {last - empty_run + 1}",
                        f"{EMPTY_RUN:,} or more empty rows come before more data: delete the empty rows",
                    )
                )
            return
        last = number
        if blank:
            empty_run += gap + 1
            continue
        empty_run = 0
        read += 1
        if read % PROGRESS_EVERY == 0:
            progress(f"Reading {sheet.title}: {read:,} rows")
        yield number, values


# A cell that holds something: a value, inline text or a formula.
_CELL_WITH_DATA = re.compile(rb'<c r="[A-Z]+([0-9]+)"[^>]*?(?<!/)>\s*<(?:v|is|f)[\s>]')


def _data_after(path, member: str, row: int) -> bool:
    """Whether any cell below `row` of a sheet holds something. The sheet's XML is scanned as
    bytes (50 MB of empty rows take openpyxl a minute to parse, and this a second)."""
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            text = tail + chunk
            if any(int(found) > row for found in _CELL_WITH_DATA.findall(text)):
                return True
            tail = text[-256:]
    return False


def _columns(sheet: layout.Sheet, header: list[list[Any]], rows, problems: list[Problem]):
    """The column names of a sheet's header (row 2 holds them; without it, row 1's labels), and
    the rows that follow. A column not in the layout, missing or repeated is a problem."""
    labels = [str(v).strip() if v is not None else None for v in header[0]] if header else []
    second = [str(v).strip() if v is not None else None for v in header[1]] if len(header) > 1 else []
    known = {column.name for column in sheet.columns}
    by_label = {column.label.casefold(): column.name for column in sheet.columns}
    if any(second) and all(v in known for v in second if v):
        names = second + [None] * (len(labels) - len(second))
        for index, label in enumerate(labels):  # a column added with a heading only
            if label and not names[index]:
                names[index] = by_label.get(label.casefold(), label)
    else:  # no names row (a CSV written by another tool): the labels name the columns
        names = [by_label.get(label.casefold(), label) if label else None for label in labels]
        rows = _chain_row(second, rows)
    width = max((index + 1 for index, name in enumerate(names) if name), default=0)
    seen: set[str] = set()
    for index, name in enumerate(names):
        if not name:
            continue
        letter = layout.column_letter(index)
        shown = labels[index] if index < len(labels) and labels[index] else name
        if name not in known:
            problems.append(
                Problem(f"{sheet.title}!{letter}1 ({shown})", "this column is not part of the layout: remove it")
            )
            names[index] = None
        elif name in seen:
            problems.append(Problem(f"{sheet.title}!{letter}1 ({shown})", "this column is there twice: remove one"))
            names[index] = None
        seen.add(name)
    for column in sheet.columns:
        if column.name not in seen:
            problems.append(
                Problem(f"{sheet.title}!row 1", f"the column {column.label!r} ({column.name}) is missing: put it back")
            )
    return names, _no_stray_values(sheet, width, rows, problems)


def _chain_row(first: list[Any], rows):
    if first is not None and any(v is not None for v in first):
        yield layout.DATA_ROW - 1, list(first)
    yield from rows


def _no_stray_values(sheet, width: int, rows, problems: list[Problem]):
    """The rows, with a problem for a value right of the last heading."""
    for number, values in rows:
        for index in range(width, len(values)):
            if values[index] is not None and values[index] != "":
                letter = layout.column_letter(index)
                message = "a value in a column with no heading: remove it, or move it to its column"
                problems.append(Problem(f"{sheet.title}!{letter}{number}", message))
                break
        yield number, values


def _as_of(workbook, problems: list[Problem]) -> str | None:
    defined = workbook.defined_names.get(AS_OF_NAME)
    if defined is None:
        return None
    for title, coordinate in defined.destinations:
        if title not in workbook.sheetnames:
            return None
        value = workbook[title][coordinate.replace("$", "")].value
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return value.strip()
        problems.append(Problem(f"{title}!{coordinate.replace('$', '')} (Register date)", f"{value!r} is not a date"))
    return None


def _merged_cells(path, workbook, problems: list[Problem]) -> None:
    """Merged cells on a layout sheet (read-only mode does not read them: the sheet's XML is
    scanned for them, in chunks)."""
    with zipfile.ZipFile(path) as archive:
        for sheet in layout.SHEETS:
            member = getattr(workbook[sheet.title], "_worksheet_path", None)
            if not member:
                continue
            tail = b""
            with archive.open(member.lstrip("/")) as stream:
                while chunk := stream.read(1 << 20):
                    text = tail + chunk
                    found = re.findall(rb'<mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"', text)
                    for ref in found:
                        problems.append(
                            Problem(f"{sheet.title}!{ref.decode()}", "merged cells: unmerge them, one value per cell")
                        )
                    tail = text[-64:] if not found else b""


# --- CSV -------------------------------------------------------------------------------------------


def _sheet_for(path: Path) -> layout.Sheet | None:
    stem = re.sub(r"[_\-\s]+", " ", path.stem).strip().casefold()
    for sheet in layout.SHEETS:
        if stem in (sheet.title.casefold(), sheet.key.replace("_", " ") if sheet.parent is None else ""):
            return sheet
    return None


def read_csv(paths: list[Path], progress: Progress = _no_progress):
    """(document, where each part came from, problems) for one CSV file per sheet, each named
    after its sheet ("Data flows.csv", "data_flows.csv")."""
    problems: list[Problem] = []
    files: dict[str, Path] = {}
    for path in paths:
        sheet = _sheet_for(path)
        if sheet is None:
            titles = ", ".join(f"{s.title}.csv" for s in layout.SHEETS)
            problems.append(Problem(path.name, f"is not named after a sheet of the layout (one of: {titles})"))
        elif sheet.title in files:
            problems.append(Problem(path.name, f"a second file for the sheet {sheet.title!r}"))
        else:
            files[sheet.title] = path
    for sheet in layout.SHEETS:
        if sheet.title in files:
            for child in layout.CHILD_SHEETS.get(sheet.key, ()):
                if child.title not in files:
                    problems.append(
                        Problem(
                            f"{child.title}.csv",
                            f"is missing: {sheet.title} is given, and its records' {child.title.lower()} "
                            "would be replaced with none (give the file, even with no rows)",
                        )
                    )
    if problems:
        return None, layout.Located(), problems

    def source(sheet: layout.Sheet):
        path = files.get(sheet.title)
        if path is None:
            return None
        rows = _csv_rows(path)
        header = [values for _, values in (next(rows, (1, [])), next(rows, (2, [])))]
        return _columns(sheet, header, _cell_rows_csv(sheet, rows, progress), problems)

    doc, located = layout.document(source, None, problems)
    return doc, located, problems


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's plain "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    yield from enumerate(reader, start=1)


def _cell_rows_csv(sheet, rows, progress: Progress) -> Iterator[tuple[int, list[Any]]]:
    progress(f"Reading {sheet.title}")
    for number, values in rows:
        if any(v.strip() for v in values):
            yield number, values
