"""The PDF audit report, read back with pdftotext (poppler-utils) and with pypdf.

Both read the page by position (pdftotext -layout; pypdf's layout mode), so the running header
comes first whatever order the PDF draws things in. Without pdftotext its readings skip, with
the reason, unless REQUIRE_POPPLER=1 (CI) makes that a failure."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from compliance.extensions import db
from compliance.models import AuditEvent
from compliance.services import reports
from compliance.services.seeding import DEMO_FILE
from tests.conftest import skip_or_fail

DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def demo(cli, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "pdf-tests-password")
    assert cli(["seed", "demo"]).exit_code == 0


@pytest.fixture(params=["pdftotext", "pypdf"])
def reader(request) -> str:
    if request.param == "pdftotext" and not shutil.which("pdftotext"):
        skip_or_fail("pdftotext (Debian package poppler-utils) is not installed", "REQUIRE_POPPLER")
    return request.param


def pages_text(path, reader: str = "pypdf") -> list[str]:
    if reader == "pdftotext":
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        return [page for page in text.split("\f") if page.strip()]
    return [page.extract_text(extraction_mode="layout") for page in PdfReader(str(path)).pages]


def test_every_page_is_marked_and_numbered_and_every_open_finding_is_there(cli, demo, tmp_path, reader):
    out = tmp_path / "report.pdf"
    result = cli(["report", "pdf", str(out), "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    pages = pages_text(out, reader)
    assert len(pages) == len(PdfReader(str(out)).pages) >= 5
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.strip().splitlines() if line.strip()]
        assert lines[0] == "OFFICIAL-SENSITIVE", number
        assert "OFFICIAL-SENSITIVE" in lines[-1] and f"Page {number} of {len(pages)}" in lines[-1], number
    text = "\n".join(pages)
    gaps = json.loads(cli(["gaps", "--as-of", "2026-11-25", "--format", "json"]).stdout)["gaps"]
    assert gaps and all(gap["rule"] in text for gap in gaps)
    for heading in (
        "Contents",
        "Executive summary",
        "Data flows against controls",
        "Panel confidentiality",
        "Accepted risks",
        "Appendix: the rule catalogue",
    ):
        assert heading in text
    names = {a["name"] for p in DEMO["panels"] for m in p["meetings"] for a in m["attendees"] if "name" in a}
    names |= {p["signatory_name"] for d in DEMO["dsas"] for p in d["parties"] if "signatory_name" in p}
    assert [n for n in names if n in text] == []


def test_the_same_data_and_date_give_the_same_report_and_each_generation_is_audited(app, demo, tmp_path):
    stamp = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    first = reports.pdf(str(tmp_path / "a.pdf"), as_of=None, actor="cli:test", generated_at=stamp)
    # The report prints the audit chain's head, which its own audit entry moves: undone, the second
    # generation sees the same register and the same audit trail.
    db.session.rollback()
    second = reports.pdf(str(tmp_path / "b.pdf"), as_of=None, actor="cli:test", generated_at=stamp)
    db.session.commit()
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert first["sha256"] == second["sha256"] == hashlib.sha256((tmp_path / "a.pdf").read_bytes()).hexdigest()
    third = reports.pdf(str(tmp_path / "c.pdf"), as_of=None, actor="cli:test", generated_at=stamp)
    db.session.commit()
    assert third["sha256"] != second["sha256"]  # the audit trail it anchors has grown
    entries = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_type == "report").order_by(AuditEvent.id)
    ).all()
    assert len(entries) == 2 and entries[0].after["sha256"] == first["sha256"]
    assert entries[0].actor == "cli:test" and entries[0].after["filters"] == "all areas"


def test_each_area_drawn_from_its_own_records_gives_the_report_the_whole_register_gives(app, tmp_path, monkeypatch):
    """A report for every area draws each area's section from that area's records alone (loaded as
    it is drawn, so that memory does not grow with the register): byte for byte the report drawn
    from the whole register loaded at once, on a register of areas sharing a police force."""
    from compliance import synthetic
    from compliance.services import exchange, findings, register

    exchange.import_text(synthetic.register(4, seed=2), actor="test", source="import")
    db.session.commit()
    stamp = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    loaded: list[str] = []
    area_context = findings.area_context

    def one_area(ref, as_of):
        loaded.append(ref)
        return area_context(ref, as_of)

    monkeypatch.setattr(findings, "area_context", one_area)
    per_area = reports.pdf(str(tmp_path / "per-area.pdf"), actor="cli:test", generated_at=stamp)
    assert sorted(loaded) == sorted(set(loaded)) and len(loaded) == 4  # each area loaded once, alone
    db.session.rollback()
    monkeypatch.setattr(findings, "area_context", lambda ref, as_of: register.rule_context(as_of))
    whole = reports.pdf(str(tmp_path / "whole.pdf"), actor="cli:test", generated_at=stamp)
    db.session.rollback()
    assert per_area["pages"] == whole["pages"] > 4
    assert (tmp_path / "per-area.pdf").read_bytes() == (tmp_path / "whole.pdf").read_bytes()


def test_the_file_written_as_it_is_made_is_the_file_reportlab_writes(app, demo, tmp_path, monkeypatch):
    """The report's PDF is written object by object as reportlab formats it (reports/pdf_pages.py),
    not collected in memory first: the same bytes as reportlab's own writer, read back whole."""
    from compliance.reports import pdf_pages

    stamp = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    streamed = reports.pdf(str(tmp_path / "streamed.pdf"), actor="cli:test", generated_at=stamp)
    db.session.rollback()
    monkeypatch.setattr(pdf_pages, "STREAMED", False)
    collected = reports.pdf(str(tmp_path / "collected.pdf"), actor="cli:test", generated_at=stamp)
    db.session.rollback()
    assert (tmp_path / "streamed.pdf").read_bytes() == (tmp_path / "collected.pdf").read_bytes()
    assert streamed["pages"] == collected["pages"] == len(PdfReader(str(tmp_path / "streamed.pdf")).pages) >= 5
    assert [item.title for item in PdfReader(str(tmp_path / "streamed.pdf")).outline[:1]] == ["Executive summary"]


def test_one_area_and_an_unknown_area(cli, demo, tmp_path):
    assert cli(["report", "pdf", str(tmp_path / "r.pdf"), "--area", "riverford"]).exit_code == 0
    assert "Area: Riverford" in "\n".join(pages_text(tmp_path / "r.pdf"))
    result = cli(["report", "pdf", str(tmp_path / "x.pdf"), "--area", "atlantis"])
    assert result.exit_code == 2 and "atlantis" in result.stderr


@pytest.mark.parametrize(
    ("as_of", "law"),
    [
        ("2026-11-25", "Rules as of 25 November 2026: UK GDPR and the Data Protection Act 2018 as amended by the Data"),
        ("2025-11-25", "Rules as of 25 November 2025: UK GDPR and the Data Protection Act 2018; not yet in force"),
    ],
)
def test_the_report_names_the_law_of_its_evaluation_date_and_the_act_s_fields(cli, demo, tmp_path, as_of, law):
    out = tmp_path / "report.pdf"
    assert cli(["report", "pdf", str(out), "--as-of", as_of]).exit_code == 0
    pages = pages_text(out)
    flat = " ".join(" ".join(pages).split())  # the cover's table wraps long lines
    assert law in flat
    assert "Partners in live flows" in flat and "Lawful bases" in flat
    assert "Riverford Pathways Mentoring CIC No (default for its partner type) Not recorded" in flat
    assert "Art 6(1)(ea) recognised legitimate interest: safeguarding vulnerable individuals" in flat


def test_pages_held_in_the_temporary_file_give_the_file_pages_held_in_memory(app, demo, tmp_path, monkeypatch):
    """Each numbered page waits for the PDF to be written in the temporary file, not in memory
    (reports/pdf_pages.py, so that a national report's memory does not grow with its pages): the
    same bytes as the pages kept in memory as reportlab keeps them."""
    from compliance.reports import pdf_pages

    held: list[str] = []
    hold = pdf_pages._hold

    def counted(doc, spool):
        hold(doc, spool)
        held.append(type(doc.Pages.pages[-1]).__name__)

    stamp = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(pdf_pages, "_hold", counted)
    spooled = reports.pdf(str(tmp_path / "held.pdf"), actor="cli:test", generated_at=stamp)
    db.session.rollback()
    assert held == ["_HeldPage"] * spooled["pages"]
    monkeypatch.setattr(pdf_pages, "_hold", lambda doc, spool: pdf_pages._compress_contents(doc.Pages.pages[-1], spool))
    in_memory = reports.pdf(str(tmp_path / "in-memory.pdf"), actor="cli:test", generated_at=stamp)
    db.session.rollback()
    assert (tmp_path / "held.pdf").read_bytes() == (tmp_path / "in-memory.pdf").read_bytes()
    assert in_memory["pages"] == len(PdfReader(str(tmp_path / "held.pdf")).pages) >= 5
