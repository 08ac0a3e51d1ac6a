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
    # 18 before the Data (Use and Access) Act 2025, then the mentoring provider's flow: no DPIA,
    # no best interests recorded for children, and no complaints procedure (G35).
    assert len(findings) == 21 and findings[0][0] == "High"
    assert "Data (Use and Access) Act 2025" in dict(workbook["Summary"].iter_rows(values_only=True))["Law applied"]
    bases = list(workbook["Lawful bases"].iter_rows(values_only=True))
    assert bases[0][:6] == ("Data flow", "Area", "Status", "Party", "Regime", "UK GDPR Art 6 basis")
    assert len(bases) - 1 == sum(len(flow["lawful_bases"]) for flow in demo["data_flows"])
    assert (
        "council-to-mentor-channel-support",
        "riverford",
        "Live",
        "riverford-pathways-mentoring",
        "UK GDPR",
        "Art 6(1)(ea) recognised legitimate interest: safeguarding vulnerable individuals",
    ) in [row[:6] for row in bases]
    organisations = list(workbook["Organisations"].iter_rows(values_only=True))
    columns = organisations[0]
    public = {row[0]: row[columns.index("Public authority")] for row in organisations[1:]}
    assert public["riverford-city-council"] == "Yes (default for its partner type)"
    assert public["riverford-pathways-mentoring"] == "No (default for its partner type)"
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
