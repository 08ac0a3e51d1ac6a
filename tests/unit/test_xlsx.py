"""The streaming .xlsx writer (compliance/reports/xlsx.py), its files read back with openpyxl."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from compliance.reports.xlsx import XlsxFile

LONG = "A long piece of text that is wider than sixty characters, so it wraps in its cell."
ROWS = [
    ("=1+1", 3, date(2026, 12, 4), True, None, 2.5),
    ("<b>bold</b> & 'quoted' \"too\"", -7, datetime(2026, 12, 4, 9, 30, 15), False, "  spaced  ", 0.1),
    ("line one\nline two\r\nthree\tfour", 0, date(1999, 1, 31), None, LONG, None),
    ("Ünïcödé – “dashes” and emoji 🙂", 10**12, None, None, "", 1e-9),
]


def _write(path) -> dict[str, int]:
    with XlsxFile(str(path)) as workbook:
        counts = {
            "Values": workbook.sheet("Values", ["Text", "Number", "Date", "Flag", "Other", "Float"], iter(ROWS)),
            "Empty": workbook.sheet("Empty", ["Only a header"], []),
            "It's quoted": workbook.sheet("It's quoted", ["A", "B"], [("a", 1)], lambda text: "'" + text),
        }
    return counts


def test_values_types_and_dates_read_back(tmp_path):
    path = tmp_path / "book.xlsx"
    assert _write(path) == {"Values": 4, "Empty": 0, "It's quoted": 1}
    book = load_workbook(path)
    assert book.sheetnames == ["Values", "Empty", "It's quoted"]
    sheet = book["Values"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Text", "Number", "Date", "Flag", "Other", "Float")
    assert rows[1] == ("=1+1", 3, datetime(2026, 12, 4), True, None, 2.5)
    assert rows[2] == ("<b>bold</b> & 'quoted' \"too\"", -7, datetime(2026, 12, 4, 9, 30, 15), False, "  spaced  ", 0.1)
    assert rows[3] == ("line one\nline two\r\nthree\tfour", 0, datetime(1999, 1, 31), None, LONG, None)
    assert rows[4] == ("Ünïcödé – “dashes” and emoji 🙂", 10**12, None, None, "", 1e-9)
    assert sheet["A2"].data_type == "s"  # text, never a formula
    assert sheet["C2"].is_date and sheet["C2"].number_format == "d mmmm yyyy"
    assert sheet["C3"].is_date and sheet["C3"].number_format == "yyyy-mm-dd h:mm:ss"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet["E4"].alignment.wrap_text and not sheet["A2"].alignment.wrap_text
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F5"
    assert sheet.column_dimensions["A"].width == len(ROWS[3][0]) + 2 and sheet.column_dimensions["E"].width == 62
    assert sheet.column_dimensions["D"].width == 10  # never narrower than 10
    empty = book["Empty"]
    assert list(empty.iter_rows(values_only=True)) == [("Only a header",)] and empty.auto_filter.ref == "A1:A1"
    assert list(book["It's quoted"].iter_rows(values_only=True)) == [("A", "B"), ("'a", 1)]
    book.close()


def test_read_only_mode_reads_it_too(tmp_path):
    path = tmp_path / "book.xlsx"
    _write(path)
    book = load_workbook(path, read_only=True)
    rows = list(book["Values"].iter_rows(values_only=True))
    book.close()
    assert len(rows) == 5 and rows[1][:3] == ("=1+1", 3, datetime(2026, 12, 4))


def test_the_parts_a_spreadsheet_needs_are_there(tmp_path):
    path = tmp_path / "book.xlsx"
    _write(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        workbook = archive.read("xl/workbook.xml").decode()
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml"} <= names
    assert {f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3)} <= names
    assert "'It''s quoted'!$A$1:$B$2" in workbook  # the filter's range, the title quoted
