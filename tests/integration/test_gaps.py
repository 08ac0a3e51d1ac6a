"""`compliance gaps` and the life of findings, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Finding
from compliance.models.enums import FindingEventKind, FindingStatus
from compliance.services import findings
from tests.integration.test_exchange import import_doc, load_fixture

DISCLAIMER = "Not legal advice: refer to the DPO."


def gaps_json(cli, *extra: str) -> dict:
    result = cli(["gaps", "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def spec_example(cli) -> dict:
    doc = load_fixture("spec-example.json")
    assert import_doc(cli, doc).exit_code == 0
    return doc


def test_spec_example_raises_exactly_the_findings_it_names(cli, spec_example):
    report = gaps_json(cli, "--as-of", "2021-06-30")
    assert report["as_of"] == "2021-06-30"
    assert report["summary"] == {"high": 2, "medium": 0, "low": 1}
    raised = [
        (g["rule"], g["severity"], g["subject"]["type"], g["subject"]["ref"], g["area"], g["status"])
        for g in report["gaps"]
    ]
    assert raised == [
        ("DPIA_MISSING", "high", "data_flow", "council-to-police-referrals", "city", "open"),
        ("CHILDREN_NO_BEST_INTERESTS", "high", "data_flow", "council-to-police-referrals", "city", "open"),
        ("CONFIDENTIALITY_VERBAL_ONLY", "low", "panel_meeting", "city-channel-2021-05", "city", "open"),
    ]
    dpia_missing = report["gaps"][0]
    assert dpia_missing["references"][:2] == ["UK GDPR Art 35(1)", "ICO: When do we need to do a DPIA?"]
    for gap in report["gaps"]:
        assert gap["message"].endswith(DISCLAIMER)
        assert gap["remediation"]
        assert set(gap) >= {"rule", "severity", "area", "subject", "message", "references", "remediation", "status"}


def test_the_files_as_of_is_the_default_evaluation_date(cli, spec_example):
    assert gaps_json(cli)["as_of"] == "2021-06-30"


def test_fail_on_exits_1_only_when_an_open_finding_meets_the_threshold(cli, spec_example):
    assert cli(["gaps", "--fail-on", "high"]).exit_code == 1
    assert cli(["gaps", "--fail-on", "low"]).exit_code == 1
    finding = db.session.scalar(sa.select(Finding).where(Finding.rule_code == "DPIA_MISSING"))
    findings.accept_risk(finding, actor="dpo@city.example", reason="DPIA commissioned", review_on=date(2099, 1, 1))
    other = db.session.scalar(sa.select(Finding).where(Finding.rule_code == "CHILDREN_NO_BEST_INTERESTS"))
    findings.accept_risk(other, actor="dpo@city.example", reason="DPIA commissioned", review_on=date(2099, 1, 1))
    db.session.commit()
    db.session.remove()
    assert cli(["gaps", "--fail-on", "high"]).exit_code == 0
    assert cli(["gaps", "--fail-on", "medium"]).exit_code == 0
    assert cli(["gaps", "--fail-on", "low"]).exit_code == 1
    statuses = {g["rule"]: g["status"] for g in gaps_json(cli)["gaps"]}
    assert statuses["DPIA_MISSING"] == "accepted_risk"


def test_area_filter_and_unknown_area(cli, spec_example):
    assert len(gaps_json(cli, "--area", "city")["gaps"]) == 3
    result = cli(["gaps", "--area", "elsewhere"])
    assert result.exit_code == 2 and "elsewhere" in result.stderr


def test_bad_as_of_is_bad_input(cli, spec_example):
    result = cli(["gaps", "--as-of", "2021-02-30"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


def test_text_and_csv_formats(cli, spec_example):
    text = cli(["gaps"]).stdout
    # Text output in plain words: the date as GOV.UK writes it, the record type by its label.
    assert text.startswith("Gaps as of 30 June 2021: 2 high, 0 medium, 1 low")
    assert "DPIA_MISSING Data flow council-to-police-referrals" in text and "What to do:" in text
    assert "data_flow" not in text
    rows = list(csv.DictReader(io.StringIO(cli(["gaps", "--format", "csv"]).stdout)))
    assert [row["rule"] for row in rows] == [
        "DPIA_MISSING",
        "CHILDREN_NO_BEST_INTERESTS",
        "CONFIDENTIALITY_VERBAL_ONLY",
    ]
    assert rows[0]["references"].startswith("UK GDPR Art 35(1); ICO: When do we need to do a DPIA?")


def test_another_date_is_evaluated_without_storing(cli, spec_example):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Finding))
    db.session.remove()
    later = gaps_json(cli, "--as-of", "2023-01-01")
    rules = {g["rule"] for g in later["gaps"]}
    assert "DSA_REVIEW_OVERDUE" in rules  # review_due 2022-03-31 has passed by then
    assert "DESIGNATION_UNSOURCED" in rules  # no designation for 2022/23
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) == before


def test_a_finding_closes_when_fixed_keeps_its_history_and_reopens(cli, spec_example):
    doc = copy.deepcopy(spec_example)
    doc["dpias"] = [
        {
            "ref": "referrals-dpia",
            "title": "Referrals DPIA",
            "controller": "city-council",
            "status": "completed",
            "completed_on": "2019-03-01",
            "review_due": "2022-03-01",
            "best_interests_recorded": True,
        }
    ]
    doc["data_flows"][0]["dpia"] = "referrals-dpia"
    result = import_doc(cli, doc)
    assert result.exit_code == 0, result.output
    assert "2 closed" in result.stdout
    closed = db.session.scalar(sa.select(Finding).where(Finding.rule_code == "DPIA_MISSING"))
    assert closed.status == FindingStatus.REMEDIATED and closed.remediated_on == date(2021, 6, 30)
    assert [event.kind for event in closed.events] == [FindingEventKind.RAISED, FindingEventKind.CLOSED]
    assert {g["rule"] for g in gaps_json(cli)["gaps"]} == {"CONFIDENTIALITY_VERBAL_ONLY"}

    assert import_doc(cli, spec_example | {"dpias": doc["dpias"]}).exit_code == 0  # flow loses its DPIA
    reopened = db.session.scalar(sa.select(Finding).where(Finding.rule_code == "DPIA_MISSING"))
    assert reopened.status == FindingStatus.OPEN and reopened.remediated_on is None
    assert [event.kind for event in reopened.events][-1] == FindingEventKind.REOPENED


def test_accepting_a_risk_needs_a_reason_and_a_future_review_date(app, cli, spec_example):
    finding = db.session.scalar(sa.select(Finding).where(Finding.rule_code == "DPIA_MISSING"))
    with pytest.raises(findings.FindingError, match="why"):
        findings.accept_risk(finding, actor="dpo", reason="  ", review_on=date(2099, 1, 1))
    with pytest.raises(findings.FindingError, match="future"):
        findings.accept_risk(finding, actor="dpo", reason="ok", review_on=date(2020, 1, 1), today=date(2021, 1, 1))
    findings.accept_risk(
        finding, actor="dpo", reason="Commissioned", review_on=date(2021, 12, 1), today=date(2021, 7, 1)
    )
    assert (finding.status, finding.accepted_by, finding.review_on) == (
        FindingStatus.ACCEPTED_RISK,
        "dpo",
        date(2021, 12, 1),
    )
    assert finding.events[-1].kind == FindingEventKind.RISK_ACCEPTED
