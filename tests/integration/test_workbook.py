"""The Excel workbook, read back with openpyxl."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from compliance.services.seeding import DEMO_FILE


def test_the_demo_workbook(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "workbook-tests-password")
    assert cli(["seed", "demo"]).exit_code == 0
    out = tmp_path / "register.xlsx"
    result = cli(["report", "xlsx", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames[:2] == ["Summary", "Findings"] and "Data flows" in workbook.sheetnames
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for sheet in workbook:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.column_dimensions["A"].width >= 10
    assert workbook["Data flows"].max_row == len(demo["data_flows"]) + 1
    assert workbook["Meetings"].max_row == len(demo["panels"][0]["meetings"]) + 1
    findings = [row for row in workbook["Findings"].iter_rows(min_row=2, values_only=True)]
    assert len(findings) == 18 and findings[0][0] == "high"
    text = " ".join(str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row if c)
    names = {a["name"] for p in demo["panels"] for m in p["meetings"] for a in m["attendees"] if "name" in a}
    names |= {p["signatory_name"] for d in demo["dsas"] for p in d["parties"] if "signatory_name" in p}
    assert [n for n in names if n in text] == []
    assert "OFFICIAL-SENSITIVE" in text


def test_an_area_workbook_and_an_unknown_area(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "workbook-tests-password")
    assert cli(["seed", "demo"]).exit_code == 0
    assert cli(["report", "xlsx", str(tmp_path / "a.xlsx"), "--area", "riverford"]).exit_code == 0
    result = cli(["report", "xlsx", str(tmp_path / "b.xlsx"), "--area", "atlantis"])
    assert result.exit_code == 2 and "atlantis" in result.stderr
