"""`compliance import` of hostile files, on SQLite and PostgreSQL: exit 2, a message naming what
is wrong and where, nothing written (the contract of the CLI), never a traceback."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from compliance.extensions import db
from compliance.models import AuditEvent, DataFlow
from tests.conftest import fixture_path

BAD_INPUT = 2


def spec_text() -> str:
    return fixture_path("spec-example.json").read_text()


def with_flow_name(name: str) -> str:
    doc = json.loads(spec_text())
    doc["data_flows"][0]["name"] = name
    return json.dumps(doc)


def written() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 100_000 + "]" * 100_000, "(file): nests arrays or objects more than 32 deep"),
        (spec_text().replace('"version": 1', '"version": ' + "7" * 5000), "version: is a number of 5000 digits"),
        (spec_text().replace('"version": 1', '"version": 1, "version": 1'), "(top level): has the key 'version' more"),
        (with_flow_name("Referrals\x00to police"), "data_flows[0].name: contains a control character"),
        (with_flow_name("Referrals\x0bto police"), "data_flows[0].name: contains a control character"),
        (with_flow_name("Referrals \ud800"), "data_flows[0].name: contains a control character"),
        (
            spec_text().replace('"cases_discussed": 3', '"cases_discussed": 99999999999'),
            "cases_discussed: must be at most 2147483647",
        ),
    ],
    ids=["nested", "digits", "repeated-key", "nul", "vertical-tab", "surrogate", "out-of-range"],
)
def test_a_hostile_file_exits_2_naming_the_problem_and_writes_nothing(cli, text, message):
    result = cli(["import", "-"], input=text.encode("utf-8", "surrogatepass"))
    assert result.exit_code == BAD_INPUT, result.output
    assert message in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert written() == 0


def test_a_file_of_thousands_of_problems_lists_a_thousand_and_says_how_many_more(cli):
    doc = json.loads(spec_text())
    flow = doc["data_flows"][0]
    doc["data_flows"] = [dict(flow, ref=f"flow-{i}", status="unknown") for i in range(3000)]
    result = cli(["import", "-"], input=json.dumps(doc))
    assert result.exit_code == BAD_INPUT
    lines = result.stderr.splitlines()
    assert lines[0] == "-: not imported, nothing was written. 1,000 problems listed, and at least 2,000 more:"
    assert len([line for line in lines if line.startswith("  data_flows[")]) == 1000
    assert lines[-1] == "  ... 1,000 problems listed, and at least 2,000 more"


def test_the_workbook_is_written_whatever_control_characters_are_stored(cli, tmp_path):
    assert cli(["import", "-"], input=spec_text()).exit_code == 0
    ref = json.loads(spec_text())["data_flows"][0]["ref"]
    db.session.execute(sa.update(DataFlow).where(DataFlow.ref == ref).values(name="Referrals\x0b\x01 to police"))
    db.session.commit()
    out = tmp_path / "register.xlsx"
    result = cli(["report", "xlsx", str(out)])
    assert result.exit_code == 0, result.output
    read = load_workbook(out, read_only=True)  # read-only keeps the file open until closed
    cells = [c for row in read["Data flows"].iter_rows(values_only=True) for c in row]
    read.close()
    assert "Referrals to police" in cells
