"""Issue 20: archived records in the exchange file (archived_on, archived_reason on every record
type, round-tripping), the workbook and the purge command; meetings without their number of
cases discussed in the workbook and the PDF report."""

from __future__ import annotations

import json
import shutil
import subprocess

import sqlalchemy as sa
from openpyxl import load_workbook

from compliance.exchange import fields as f
from compliance.exchange.validate import is_valid
from compliance.extensions import db
from compliance.models import AuditEvent, Dpia, User
from compliance.models.enums import Role
from tests.conftest import empty_database, fixture_path, skip_or_fail


def _archived_register() -> dict:
    """The full register with one record of each type archived (the last of each list)."""
    doc = json.loads(fixture_path("full-register.json").read_text(encoding="utf-8"))
    for key in f.BY_KEY:
        doc[key][-1]["archived_on"] = "2026-10-01"
        doc[key][-1]["archived_reason"] = f"No longer used ({key})"
    return doc


def _import(cli, doc: dict | str) -> None:
    result = cli(["import", "-"], input=doc if isinstance(doc, str) else json.dumps(doc))
    assert result.exit_code == 0, result.output


def test_archived_records_round_trip_through_an_empty_database(cli):
    doc = _archived_register()
    assert is_valid(doc)  # the shipped JSON Schema accepts the two fields on every record type
    _import(cli, doc)
    first = cli(["export", "-"]).stdout
    exported = json.loads(first)
    for key in f.BY_KEY:
        record = exported[key][-1]
        assert record["archived_on"] == "2026-10-01" and record["archived_reason"] == f"No longer used ({key})"
        assert list(record)[-2:] == ["archived_on", "archived_reason"], key  # canonical: after the record's own
    db.session.remove()
    empty_database()
    _import(cli, first)
    assert cli(["export", "-"]).stdout == first


def test_a_reason_without_a_date_and_a_bad_date_are_refused_with_where(cli):
    doc = json.loads(fixture_path("full-register.json").read_text(encoding="utf-8"))
    doc["dpias"][0]["archived_reason"] = "Replaced"
    result = cli(["import", "-"], input=json.dumps(doc))
    assert result.exit_code == 2 and "dpias[0].archived_reason" in result.output + result.stderr
    doc["dpias"][0]["archived_on"] = "2026-02-30"
    result = cli(["import", "-"], input=json.dumps(doc))
    assert result.exit_code == 2 and "dpias[0].archived_on" in result.output + result.stderr


def test_the_workbook_shows_what_is_archived_and_meetings_without_cases_as_not_recorded(cli, tmp_path):
    doc = _archived_register()
    meeting = doc["panels"][0]["meetings"][0]
    meeting.pop("cases_discussed", None)
    _import(cli, doc)
    out = tmp_path / "register.xlsx"
    assert cli(["report", "xlsx", str(out)]).exit_code == 0
    workbook = load_workbook(out)
    rows = list(workbook["DPIAs"].iter_rows(values_only=True))
    header = list(rows[0])
    archived = [row for row in rows[1:] if row[header.index("Archived on")]]
    assert [row[header.index("Archived reason")] for row in archived] == ["No longer used (dpias)"]
    meetings = list(workbook["Meetings"].iter_rows(values_only=True))
    column = meetings[0].index("Cases discussed")
    row = next(r for r in meetings[1:] if r[1] == meeting["ref"])
    assert row[column] == "not recorded"


def test_the_pdf_report_says_cases_discussed_not_recorded(cli, tmp_path):
    if not shutil.which("pdftotext"):
        skip_or_fail("pdftotext (Debian package poppler-utils) is not installed", "REQUIRE_POPPLER")
    doc = json.loads(fixture_path("full-register.json").read_text(encoding="utf-8"))
    doc["panels"][0]["meetings"][0].pop("cases_discussed", None)
    _import(cli, doc)
    out = tmp_path / "report.pdf"
    assert cli(["report", "pdf", str(out)]).exit_code == 0
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    panel_section = text[text.index("Panel confidentiality") :]
    assert "Cases" in panel_section and "not recorded" in panel_section


def _admin(email: str = "admin@example.gov.uk", role: Role = Role.ADMIN) -> str:
    db.session.add(User(email=email, role=role, password_hash="x"))
    db.session.commit()
    return email


def test_purge_deletes_a_record_made_by_mistake_audited_with_its_full_state(cli):
    doc = json.loads(fixture_path("full-register.json").read_text(encoding="utf-8"))
    doc["dpias"].append(
        {"ref": "typo-dpia", "title": "Made by mistake", "controller": "eastvale-council", "status": "in_progress"}
    )
    _import(cli, doc)
    admin = _admin()
    dpo = _admin("dpo@example.gov.uk", Role.DPO)
    refused = cli(["purge", "dpias", "typo-dpia", "--reason", "Typo", "--admin", dpo])
    assert refused.exit_code == 2 and "only an admin may purge" in refused.stderr
    refused = cli(["purge", "dpias", "typo-dpia", "--reason", "  ", "--admin", admin])
    assert refused.exit_code == 2 and "reason" in refused.stderr
    used = cli(["purge", "dpia", "westford-dpia", "--reason", "Typo", "--admin", admin])
    assert used.exit_code == 2 and "is linked from data_flow" in used.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Dpia)) == len(doc["dpias"])
    result = cli(["purge", "dpia", "typo-dpia", "--reason", "Created twice by mistake", "--admin", admin])
    assert result.exit_code == 0, result.stderr
    assert db.session.scalar(sa.select(Dpia).where(Dpia.ref == "typo-dpia")) is None
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.record_ref == "typo-dpia").order_by(AuditEvent.id.desc()).limit(1)
    )
    assert event.action.value == "delete" and event.source == "purge" and event.after is None
    assert event.before == doc["dpias"][-1]
    assert admin in event.actor and "Created twice by mistake" in event.actor
    assert cli(["audit", "verify"]).exit_code == 0  # the chain holds the purge
    assert cli(["purge", "dpias", "typo-dpia", "--reason", "Again", "--admin", admin]).exit_code == 2
