"""Commencement dates are reference data a DPO can correct: the rules and the law named in the
reports follow the file, each change is audited, and a bad file is refused with what is wrong."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, Commencement
from compliance.services import reference


def _gaps(cli, as_of: str) -> set[str]:
    result = cli(["gaps", "--as-of", as_of, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {gap["rule"] for gap in json.loads(result.stdout)["gaps"]}


def test_a_corrected_date_changes_what_the_rules_raise_and_is_audited(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "commencement-tests-password")
    assert cli(["seed", "demo"]).exit_code == 0
    assert "COMPLAINTS_PROCEDURE_MISSING" in _gaps(cli, "2026-11-25")
    assert "Data (Use and Access) Act 2025" in reference.rules_as_of(date(2026, 11, 25))

    folder = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, folder)
    items = json.loads((folder / "commencements.json").read_text())
    next(item for item in items if item["code"] == "complaints_duty")["in_force_from"] = "2026-12-01"
    (folder / "commencements.json").write_text(json.dumps(items))
    reference.load(folder, actor="dpo@example.org")
    db.session.commit()

    assert db.session.get(Commencement, "complaints_duty").in_force_from.isoformat() == "2026-12-01"
    assert "COMPLAINTS_PROCEDURE_MISSING" not in _gaps(cli, "2026-11-25")
    assert "COMPLAINTS_PROCEDURE_MISSING" in _gaps(cli, "2026-12-01")
    law = reference.rules_as_of(date(2026, 11, 25))
    assert law.endswith("not yet in force: DPA 2018 ss164A-164B complaints to controllers (from 1 December 2026)")
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_type == "commencement", AuditEvent.actor == "dpo@example.org")
    )
    assert event.record_ref == "complaints_duty"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"in_force_from": "19 June 2026"}, "commencements.json[1].in_force_from: enter a date as YYYY-MM-DD"),
        ({"code": "complaints"}, "commencements.json has no date for complaints_duty, which the rules need"),
    ],
)
def test_a_bad_commencement_file_is_refused_with_what_is_wrong(app, tmp_path, change, message):
    folder = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, folder)
    items = json.loads((folder / "commencements.json").read_text())
    assert items[1]["code"] == "complaints_duty"
    items[1].update(change)
    (folder / "commencements.json").write_text(json.dumps(items))
    with pytest.raises(reference.ReferenceDataError, match=re.escape(message)):
        reference.load(folder)
    db.session.rollback()
