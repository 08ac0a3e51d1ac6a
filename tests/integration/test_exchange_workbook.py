"""The exchange workbook: written by `export FILE.xlsx`, read back by `import FILE.xlsx`, on both
backends; real files written and read back with openpyxl."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from compliance.extensions import db
from compliance.models import DataFlow
from compliance.services.seeding import DEMO_FILE
from tests.conftest import empty_database, fixture_path


def _export_json(cli) -> dict:
    result = cli(["export", "-"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _fresh() -> None:
    db.session.remove()
    empty_database()


@pytest.mark.parametrize("source", ["full-register.json", "demo"])
def test_json_to_workbook_to_json_is_identical(cli, tmp_path, source):
    path = DEMO_FILE if source == "demo" else fixture_path(source)
    assert cli(["import", str(path)]).exit_code == 0
    first = _export_json(cli)
    workbook = tmp_path / "register.xlsx"
    assert cli(["export", str(workbook)]).exit_code == 0
    _fresh()
    assert db.session.query(DataFlow).count() == 0
    result = cli(["import", str(workbook)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Reading Data flows" in result.stderr  # the progress line
    assert _export_json(cli) == first
    # Importing the same workbook again changes nothing.
    again = cli(["import", str(workbook), "--dry-run"])
    summary = again.stdout.splitlines()[0]
    assert again.exit_code == 0 and "new" not in summary and "replaced" not in summary, summary


def test_the_workbook_s_layout(cli, tmp_path):
    assert cli(["import", str(fixture_path("full-register.json"))]).exit_code == 0
    out = tmp_path / "register.xlsx"
    assert cli(["export", str(out)]).exit_code == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames[0] == "Read me" and workbook["Lists"].sheet_state == "hidden"
    flows = workbook["Data flows"]
    assert flows["H1"].value == "Transfer channel" and flows["H2"].value == "transfer_channel"
    assert flows.row_dimensions[2].hidden
    assert flows["H3"].value == "Unsecured email"  # the display label, not the code
    assert flows["K3"].is_date and flows["K3"].number_format == "yyyy-mm-dd"
    validations = {str(v.sqref): v.formula1 for v in flows.data_validations.dataValidation}
    assert validations["H3:H1048576"].startswith("'Lists'!$")
    lists = workbook["Lists"]
    column = validations["H3:H1048576"].split("!$")[1].split("$")[0]
    assert "Secure email" in [c.value for c in lists[column] if c.value]
    bases = list(workbook["Lawful bases"].iter_rows(min_row=3, values_only=True))
    doc = json.loads(fixture_path("full-register.json").read_text(encoding="utf-8"))
    assert len(bases) == sum(len(flow.get("lawful_bases", ())) for flow in doc["data_flows"])
    readme = [row for row in workbook["Read me"].iter_rows(values_only=True)]
    described = {(row[0], row[1]): row[3] for row in readme if row[1]}
    assert "Art 32" in described[("Data flows", "Transfer channel")]
    assert workbook.defined_names["register_as_of"].attr_text == "'Read me'!$B$3"


def test_the_template_and_redaction(cli, tmp_path):
    template = tmp_path / "template.xlsx"
    assert cli(["export", "--template", str(template)]).exit_code == 0
    workbook = load_workbook(template)
    assert workbook["Data flows"].max_row == 2 and workbook["Meeting attendees"]["B1"].value
    assert cli(["export", "--template", str(tmp_path / "t.json")]).exit_code == 2
    # The blank template imports, as nothing.
    result = cli(["import", str(template)])
    assert result.exit_code == 0 and "Imported nothing" in result.stdout
    assert cli(["import", str(fixture_path("full-register.json"))]).exit_code == 0
    redacted = tmp_path / "redacted.xlsx"
    assert cli(["export", str(redacted), "--redact"]).exit_code == 0
    text = " ".join(str(c) for s in load_workbook(redacted) for r in s.iter_rows(values_only=True) for c in r if c)
    assert "Sam Chair" not in text and "Alex Example" not in text


def test_problems_are_named_by_sheet_cell_and_column_with_the_exchange_path(cli, tmp_path):
    assert cli(["import", str(fixture_path("full-register.json"))]).exit_code == 0
    out = tmp_path / "register.xlsx"
    assert cli(["export", str(out)]).exit_code == 0
    before = _export_json(cli)
    workbook = load_workbook(out)
    workbook["Data flows"]["H4"] = "email"
    workbook["Data flows"]["E3"] = "nobody-at-all"
    workbook.save(out)
    result = cli(["import", str(out)])
    assert result.exit_code == 2
    assert (
        "Data flows!H4 (Transfer channel): 'email' is not one of: Prevent Case Management (PCM), "
        "Channel Management Information System (CMIS), Secure email" in result.stderr
    )
    assert "nothing was written" in result.stderr
    workbook["Data flows"]["H4"] = "Secure email"
    workbook.save(out)
    result = cli(["import", str(out)])
    assert result.exit_code == 2
    assert "Data flows!E3 (Sender):" in result.stderr and "[data_flows[0].sender]" in result.stderr
    assert _export_json(cli) == before


def test_csv_files_one_per_sheet(cli, tmp_path):
    assert cli(["import", str(fixture_path("full-register.json"))]).exit_code == 0
    first = _export_json(cli)
    out = tmp_path / "register.xlsx"
    assert cli(["export", str(out)]).exit_code == 0
    files = []
    for sheet in load_workbook(out):
        if sheet.title in ("Read me", "Lists"):
            continue
        path = tmp_path / f"{sheet.title}.csv"
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index == 1 and sheet.title == "Areas":
                    continue  # a tool that drops the hidden row: the labels name the columns
                writer.writerow(["" if v is None else v.date().isoformat() if hasattr(v, "date") else v for v in row])
        files.append(str(path))
    _fresh()
    result = cli(["import", *files])
    assert result.exit_code == 0, result.stderr
    first.pop("as_of")  # the register date is on the Read me sheet, which has no CSV
    assert _export_json(cli) == first
    lonely = cli(["import", str(tmp_path / "Data flows.csv")])
    assert lonely.exit_code == 2 and "Lawful bases.csv: is missing" in lonely.stderr


def test_a_json_import_is_unchanged(cli):
    result = cli(["import", "-"], input=fixture_path("full-register.json").read_bytes())
    assert result.exit_code == 0 and result.stdout.startswith("Imported ")
    assert cli(["import", "a.json", "b.json"]).exit_code == 2
