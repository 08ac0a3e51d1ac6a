"""Bad exchange workbooks get a clear problem, never an exception: each case is a real file,
written and read back (no database is needed to read a workbook)."""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from compliance.exchange import workbook_out
from compliance.exchange.validate import InvalidDocument
from compliance.services import workbook_import
from tests.conftest import fixture_path

FULL = json.loads(fixture_path("full-register.json").read_text(encoding="utf-8"))


@pytest.fixture
def workbook_file(tmp_path) -> Path:
    path = tmp_path / "register.xlsx"
    workbook_out.write(FULL, path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidDocument) as caught:
        workbook_import.read([path])
    return [str(p) for p in caught.value.problems]


def unreadable(path: Path) -> str:
    with pytest.raises(workbook_import.UnreadableFile) as caught:
        workbook_import.read([path])
    return str(caught.value)


def edit(path: Path, change) -> Path:
    workbook = load_workbook(path)
    change(workbook)
    workbook.save(path)
    return path


def test_the_fixture_reads_back_as_it_was(workbook_file):
    doc, _ = workbook_import.read([workbook_file])
    assert doc == FULL


def test_a_password_protected_workbook(tmp_path):
    # An encrypted .xlsx is an OLE compound file, not a zip: this is its header and first sector.
    path = tmp_path / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "password-protected" in unreadable(path) and "remove the password" in unreadable(path)


def test_a_damaged_file(tmp_path, workbook_file):
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(workbook_file.read_bytes()[:3000])
    assert "not an Excel workbook (.xlsx), or it is damaged" in unreadable(truncated)
    text = tmp_path / "notes.xlsx"
    text.write_text("just some text", encoding="utf-8")
    assert "not an Excel workbook" in unreadable(text)
    empty_zip = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "damaged" in unreadable(empty_zip)


def test_a_workbook_with_a_damaged_sheet(tmp_path, workbook_file):
    damaged = tmp_path / "damaged-sheet.xlsx"
    with zipfile.ZipFile(workbook_file) as archive, zipfile.ZipFile(damaged, "w") as out:
        for item in archive.infolist():
            data = archive.read(item.filename)
            if item.filename == "xl/worksheets/sheet6.xml":  # Data flows
                data = data[: len(data) // 2]
            out.writestr(item, data)
    assert "damaged" in unreadable(damaged)


def test_a_renamed_sheet_and_a_missing_one(workbook_file):
    def change(workbook):
        workbook["Data flows"].title = "Flows"
        del workbook["DSA redactions"]

    found = problems(edit(workbook_file, change))
    assert (
        "Data flows: the sheet 'Data flows' is missing (is it one of 'Flows', renamed?): put it back, with its name"
        in found
    )
    assert any(p.startswith("DSA redactions: the sheet 'DSA redactions' is missing") for p in found)
    assert "Flows: the sheet 'Flows' is not part of the layout: remove it or rename it" in found


def test_a_formula_where_a_value_belongs(workbook_file):
    found = problems(edit(workbook_file, lambda wb: wb["Data flows"].__setitem__("B3", '=A3&" flow"')))
    assert found == ["Data flows!B3 (Name): holds a formula ('=A3&\" flow\"'); type the value itself"]


def test_merged_cells(workbook_file):
    found = problems(edit(workbook_file, lambda wb: wb["Organisations"].merge_cells("B3:C3")))
    assert "Organisations!B3:C3: merged cells: unmerge them, one value per cell" in found


def test_an_extra_column(workbook_file):
    def change(workbook):
        sheet = workbook["DPIAs"]
        column = sheet.max_column + 1
        sheet.cell(1, column, "Notes")
        sheet.cell(3, column, "ask legal")

    found = problems(edit(workbook_file, change))
    assert found == ["DPIAs!P1 (Notes): this column is not part of the layout: remove it"]


def test_a_missing_column_and_a_value_with_no_heading(workbook_file):
    def change(workbook):
        sheet = workbook["MOUs"]
        sheet.delete_cols(4)  # Signed on
        sheet.cell(3, 9, "stray")

    found = problems(edit(workbook_file, change))
    assert "MOUs!row 1: the column 'Signed on' (signed_on) is missing: put it back" in found
    assert "MOUs!I3: a value in a column with no heading: remove it, or move it to its column" in found


def test_a_date_typed_as_text_and_other_cells_of_the_wrong_kind(workbook_file):
    def change(workbook):
        flows = workbook["Data flows"]
        flows["K3"] = "12/03/2021"
        flows["N4"] = "maybe"
        workbook["Panel meetings"]["E3"] = "three"
        flows["M5"] = "Education; Astrology"

    found = problems(edit(workbook_file, change))
    assert found == [
        "Data flows!K3 (Started on): '12/03/2021' is text, not a date: enter a date (for example 2021-03-31)",
        "Data flows!N4 (Subjects: children): 'maybe' is not Yes or No",
        "Data flows!M5 (Data categories): 'Astrology' is not one of: " + found[2].split("is not one of: ")[1],
        "Panel meetings!E3 (Cases discussed): 'three' is not a whole number",
    ]
    # An ISO date typed as text is a date.
    edit(workbook_file, lambda wb: wb["Data flows"].__setitem__("K3", "2021-03-12"))
    edit(workbook_file, lambda wb: [wb["Data flows"].__setitem__(c, v) for c, v in (("N4", "Yes"), ("M5", None))])
    edit(workbook_file, lambda wb: wb["Panel meetings"].__setitem__("E3", 3))
    with pytest.raises(InvalidDocument):  # M5 emptied: data categories are required, said by the schema
        doc, located = workbook_import.read([workbook_file])
        raise InvalidDocument([])


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x.example","click")', "=", "#N/A", "#REF!", "+1", "plain"])
def test_text_that_looks_like_a_formula_is_written_as_text_and_read_back(tmp_path, text):
    """Text is written as text: a formula or an error code is never what a cell holds, whether it
    goes in as a text cell or as a plain value (workbook_out._value)."""
    doc = json.loads(json.dumps(FULL))
    doc["data_flows"][0]["name"] = text
    path = tmp_path / "inert.xlsx"
    workbook_out.write(doc, path)
    cell = load_workbook(path)["Data flows"]["B3"]
    assert cell.data_type == "s" and cell.value == text
    assert workbook_import.read([path])[0] == doc


def test_fifty_megabytes_of_empty_rows(workbook_file, tmp_path):
    """Rows that hold nothing (formatting copied down a sheet) are skipped quickly; data after a long
    run of them is a problem rather than silently read or dropped."""
    big = tmp_path / "empty-rows.xlsx"
    _with_empty_rows(workbook_file, big, "Processing contracts", rows=600_000)
    started = time.monotonic()
    doc, _ = workbook_import.read([big])
    elapsed = time.monotonic() - started
    assert doc == FULL
    print(f"50 MB of empty rows read in {elapsed:.1f}s")
    with_data_after = tmp_path / "data-after.xlsx"
    _with_empty_rows(workbook_file, with_data_after, "Processing contracts", rows=5_000, then_data=True)
    found = problems(with_data_after)
    assert found == [
        "Processing contracts!row 4: 1,000 or more empty rows come before more data: delete the empty rows"
    ]


def _with_empty_rows(source: Path, target: Path, title: str, rows: int, then_data: bool = False) -> None:
    workbook = load_workbook(source, read_only=True)
    member = workbook[title]._worksheet_path.lstrip("/")
    workbook.close()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in archive.infolist():
            data = archive.read(item.filename)
            if item.filename == member:
                text = data.decode("utf-8")
                last = max(int(n) for n in re.findall(r'<row r="(\d+)"', text))
                filler = "".join(
                    f'<row r="{n}"><c r="A{n}" s="0"/><c r="B{n}" s="0"/><c r="C{n}" s="0"/></row>'
                    for n in range(last + 1, last + 1 + rows)
                )
                if then_data:
                    n = last + rows + 1
                    filler += f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>late</t></is></c></row>'
                text = text.replace("</sheetData>", filler + "</sheetData>")
                # As Excel writes it: the dimension covers the empty rows too.
                text = re.sub(
                    r'<dimension ref="A1:([A-Z]+)\d+"/>', rf'<dimension ref="A1:\g<1>{last + rows + 1}"/>', text
                )
                data = text.encode("utf-8")
                assert rows < 100_000 or len(data) > 50_000_000
            out.writestr(item, data)


def test_openpyxl_is_loaded_only_when_a_workbook_is_written_or_read():
    import subprocess
    import sys

    code = (
        "import sys, compliance.cli, compliance.services.workbook_import, compliance.exchange.workbook_layout;"
        "print('openpyxl' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_an_upload_sweeps_away_what_was_kept_for_more_than_a_day(tmp_path):
    """Kept uploads, their previews, and files a stopped worker left half-written (.part) go once
    they are a day old; a file being written now, and what was kept today, stay."""
    import io
    import os

    uploads = tmp_path / workbook_import.UPLOADS
    uploads.mkdir()
    old = [uploads / name for name in ("a-x.xlsx", "a-x.json", "upload-x-1.part", "a-x.17.part")]
    young = [uploads / name for name in ("b-y.xlsx", "b-y.json", "upload-y-2.part")]
    for path in (*old, *young):
        path.write_bytes(b"kept")
    two_days_ago = time.time() - 2 * workbook_import.KEEP_SECONDS
    for path in old:
        os.utime(path, (two_days_ago, two_days_ago))
    kept = workbook_import.stash(io.BytesIO(b"a workbook"), tmp_path, "dpo@example.org")
    assert sorted(uploads.iterdir()) == sorted([*young, kept])
    assert kept.read_bytes() == b"a workbook" and kept.suffix == ".xlsx"


def test_each_sheet_records_its_extent_as_excel_does(workbook_file):
    """openpyxl's write-only mode leaves out a sheet's extent (<dimension>), and a reader without it
    parses the sheet twice: the workbook is copied part by part with each sheet's extent added
    (workbook_out._with_dimensions), every row and column of the sheet within it."""
    from compliance.exchange import workbook_layout as layout

    titles = ["README", *(sheet.title for sheet in layout.SHEETS)]
    with zipfile.ZipFile(workbook_file) as archive:
        for n, title in enumerate(titles, 1):
            text = archive.read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")
            extent = re.search(r'<dimension ref="A1:([A-Z]+)(\d+)"/>', text)
            assert extent is not None, title
            last_row = max((int(r) for r in re.findall(r'<row r="(\d+)"', text)), default=1)
            assert int(extent.group(2)) >= last_row, title
    sheet = load_workbook(workbook_file, read_only=True)["Data flows"]
    assert sheet.max_row == len(FULL["data_flows"]) + 2
