"""An area's workbook, previewed and imported, refreshes only the findings the changed rows can
affect (the areas named, and what area_scope says a change reaches), and gives exactly what a full
refresh of the register gives: the same preview, the same stored findings once confirmed. Each
workbook is written to a real .xlsx file and read back, on the synthetic register."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import sqlalchemy as sa

from compliance.exchange import workbook_out
from compliance.extensions import db
from compliance.models import AuditEvent, Finding
from compliance.models.enums import FindingStatus, Role, SubjectType
from compliance.services import exchange, findings, refresh_marker, register, workbook_import
from compliance.services.access import Scope
from tests.integration.conftest import full_state, stored_state

ADMIN = Scope(Role.ADMIN, "admin@example", None, frozenset())


def _audit_entries() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def _flow(doc: dict, ref: str) -> dict:
    return next(flow for flow in doc["data_flows"] if flow["ref"] == ref)


def _new_flows(doc: dict) -> str:
    for n, flow in enumerate(doc["data_flows"][:2]):
        doc["data_flows"].append(
            copy.deepcopy(flow) | {"ref": f"a001-flow-new-{n}", "transfer_channel": "unsecure_email"}
        )
    return "two new flows, sent by unsecured email"


def _changed_flows(doc: dict) -> str:
    first, second, third = doc["data_flows"][:3]
    first["transfer_channel"] = "unsecure_email"
    second["lawful_bases"] = second["lawful_bases"][:1]
    third["area"] = "a002"
    return "a flow by unsecured email, one losing a lawful basis, one moving to another area"


def _removed(doc: dict) -> str:
    # Meetings with open findings: their findings close with them.
    with_findings = set(
        db.session.scalars(
            sa.select(Finding.subject_ref).where(
                Finding.subject_type == SubjectType.PANEL_MEETING, Finding.status == FindingStatus.OPEN
            )
        )
    )
    panel = next(p for p in doc["panels"] if any(m["ref"] in with_findings for m in p["meetings"]))
    panel["meetings"] = [m for m in panel["meetings"] if m["ref"] not in with_findings][:-1]
    flow = next(flow for flow in doc["data_flows"] if flow.get("storage_systems"))
    flow["storage_systems"] = []
    del doc["data_flows"][-1]  # a row taken out of the workbook: the record is kept as it is
    return "a panel's meetings with findings and its last, a flow's storage systems and a flow's row removed"


def _shared(doc: dict) -> str:
    police = next(org for org in doc["organisations"] if org["ref"].startswith("police-"))
    police["name"] = "Renamed Police"
    pcm = next(system for system in doc["storage_systems"] if system["ref"] == "pcm")
    pcm["approved_for_prevent"] = False
    return "the police force of several areas renamed, the national case system unapproved"


EDITS = {"new flows": _new_flows, "changed flows": _changed_flows, "removed": _removed, "shared": _shared}


def _workbook(doc: dict, folder: Path) -> Path:
    path = folder / "a001.xlsx"
    workbook_out.write(doc, path)
    return path


def _area_doc() -> dict:
    doc = exchange.export_document("a001")
    db.session.remove()
    return doc


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_areas_workbook_is_previewed_and_imported_as_a_full_refresh_would(
    synthetic_register, monkeypatch, tmp_path, edit
):
    as_of = register.default_as_of()
    assert refresh_marker.current() is not None, "the stored findings are exact before the import"
    doc = _area_doc()
    EDITS[edit](doc)
    path = _workbook(doc, tmp_path)
    before, entries = stored_state(), _audit_entries()
    db.session.remove()
    full_refreshes = []
    original = findings.refresh
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))

    scoped = workbook_import.preview(ADMIN, path, actor="test")
    db.session.remove()
    assert not full_refreshes, "the preview refreshed only what the changed rows can affect"
    assert scoped.raised or scoped.closed, "the edit changes some finding"
    assert (stored_state(), _audit_entries()) == (before, entries), "the preview wrote nothing"
    db.session.remove()
    with monkeypatch.context() as forced:
        forced.setattr(refresh_marker, "current", lambda: None)  # not known exact: every rule runs
        full = workbook_import.preview(ADMIN, path, actor="test")
    db.session.remove()
    assert full_refreshes, "the comparison ran every rule"
    assert set(scoped.raised) == set(full.raised) and set(scoped.closed) == set(full.closed)
    assert (scoped.result.created, scoped.result.updated, scoped.result.unchanged) == (
        full.result.created,
        full.result.updated,
        full.result.unchanged,
    )

    full_refreshes.clear()
    open_before = _open_findings_listed()
    workbook_import.confirm(ADMIN, path, scoped.sha256, actor="test")
    db.session.remove()
    assert not full_refreshes
    assert stored_state() == full_state(as_of), "the stored findings are those of a full refresh"
    open_after = _open_findings_listed()
    assert (open_after - open_before, open_before - open_after) == (set(scoped.raised), set(scoped.closed))
    assert refresh_marker.current() is not None, "and still known exact"


def _open_findings_listed() -> set:
    listed = workbook_import._open_findings(None)
    db.session.remove()
    return listed


def test_an_unchanged_workbook_writes_nothing_and_refreshes_nothing(synthetic_register, monkeypatch, tmp_path):
    path = _workbook(_area_doc(), tmp_path)
    before, entries = stored_state(), _audit_entries()
    db.session.remove()
    refreshes = []
    monkeypatch.setattr(findings, "refresh_after_change", lambda *a, **k: refreshes.append(1))
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: refreshes.append(1))
    preview = workbook_import.preview(ADMIN, path, actor="test")
    assert (preview.raised, preview.closed, preview.result.updated, preview.result.created) == ([], [], {}, {})
    assert sum(preview.result.unchanged.values()) == sum(len(v) for v in _area_doc().values() if isinstance(v, list))
    workbook_import.confirm(ADMIN, path, preview.sha256, actor="test")
    db.session.remove()
    assert not refreshes
    assert (stored_state(), _audit_entries()) == (before, entries)
    assert refresh_marker.current() is not None


def test_findings_not_known_exact_are_refreshed_whole(synthetic_register, monkeypatch, tmp_path):
    """After a change no refresh followed, only a full refresh gives a full refresh's preview."""
    doc = _area_doc()
    _changed_flows(doc)
    refresh_marker.forget()
    db.session.commit()
    full_refreshes = []
    original = findings.refresh
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))
    preview = workbook_import.preview(ADMIN, _workbook(doc, tmp_path), actor="test")
    assert full_refreshes and preview.raised


def test_an_invalid_workbook_is_refused_by_cell_and_writes_nothing(synthetic_register, tmp_path):
    doc = _area_doc()
    _changed_flows(doc)
    doc["data_flows"][1]["dsa"] = "no-such-dsa"
    path = _workbook(doc, tmp_path)
    before, entries = stored_state(), _audit_entries()
    db.session.remove()
    for run in (
        lambda: workbook_import.preview(ADMIN, path, actor="test"),
        lambda: workbook_import.confirm(ADMIN, path, workbook_import.sha256(path), actor="test"),
    ):
        with pytest.raises(exchange.InvalidDocument) as refused:
            run()
        db.session.remove()
        problems = [str(problem) for problem in refused.value.problems]
        assert len(problems) == 1 and "Data flows!" in problems[0] and "no-such-dsa" in problems[0], problems
        assert (stored_state(), _audit_entries()) == (before, entries)
        db.session.remove()
