"""`compliance gaps` reads the stored findings when the register has not changed since they were
exact for the date (services/refresh_marker.py), and its output is then the same, byte for byte
and exit code for exit code, as `--recompute` (every rule over the whole register). After every
kind of change the stored findings stay exact and the marker says so; a change no refresh
follows makes `gaps` run every rule again; when only the date moves on, only the rules that read
the date run (rules.engine.DATED)."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from compliance.exchange import fields as f
from compliance.exchange import serialise
from compliance.extensions import db
from compliance.models import Area, DataFlow, Finding, PanelMeeting, RegisterInfo
from compliance.models.enums import FindingStatus, Role
from compliance.models.finding import finding_area
from compliance.rules.engine import DATED
from compliance.services import (
    audit,
    exchange,
    findings,
    meetings,
    purge,
    records,
    reference,
    refresh_marker,
    register,
    synth,
    users,
)
from compliance.services.access import Scope
from tests.conftest import build_once

AREAS = 4
ADMIN = Scope(Role.ADMIN, "admin@example.org", None, frozenset())
FORMATS = (["--format", "text"], ["--format", "json"], ["--format", "csv"], ["--fail-on", "low"], ["--area", "a002"])


@pytest.fixture
def national(app):
    build_once(f"synthetic-{AREAS}-seed-5", lambda: synth.generate(AREAS, seed=5, actor="test"))
    db.session.remove()
    return app


@pytest.fixture
def rules_run(monkeypatch):
    """The rule codes each evaluation in findings.py ran (None: every rule)."""
    runs: list[frozenset[str] | None] = []
    original = findings.evaluate

    def evaluate(ctx, codes=None):
        runs.append(None if codes is None else frozenset(codes))
        return original(ctx, codes)

    monkeypatch.setattr(findings, "evaluate", evaluate)
    return runs


def _outputs(cli, *extra: str) -> dict[str, tuple[int, str]]:
    return {" ".join(args): _run(cli, ["gaps", *args, *extra]) for args in FORMATS}


def _run(cli, args: list[str]) -> tuple[int, str]:
    result = cli(args)
    return result.exit_code, result.stdout


def _stored_state() -> set:
    rows = db.session.scalars(
        sa.select(Finding).where(Finding.status != FindingStatus.REMEDIATED).options(sa.orm.selectinload(Finding.areas))
    )
    return {
        (
            f.rule_code,
            f.subject_type.value,
            f.subject_ref,
            f.severity.value,
            f.message,
            tuple(sorted(a.ref for a in f.areas)),
        )
        for f in rows
    }


def _full_state(as_of: date) -> set:
    return {
        (i.rule, i.subject_type.value, i.subject_ref, i.severity.value, i.message, tuple(i.areas))
        for i in findings.evaluate_at(as_of)
    }


def assert_read_equals_recompute(cli, rules_run) -> None:
    """The marker says the stored findings are exact; they are; and gaps, reading them without
    running a rule, prints what --recompute prints."""
    as_of = register.default_as_of()
    marker = refresh_marker.current()
    assert marker is not None and marker.as_of == as_of, "the change kept the stored findings known exact"
    assert _stored_state() == _full_state(as_of)
    rules_run.clear()
    stored = _outputs(cli)
    assert rules_run == [], "gaps read the stored findings"
    recomputed = _outputs(cli, "--recompute")
    assert rules_run, "--recompute ran the rules"
    assert stored == recomputed
    assert json.loads(stored["--format json"][1])["gaps"], "the register has gaps to compare"


def _record(key: str, ref: str) -> dict:
    kind = f.BY_KEY[key]
    return serialise.record(kind, db.session.scalar(sa.select(kind.model).where(kind.model.ref == ref)))


def _a_flow() -> str:
    return db.session.scalar(
        sa.select(DataFlow.ref).where(DataFlow.ref.like("a001-%"), DataFlow.status == "live").order_by(DataFlow.ref)
    )


def _create(_):
    record = _record("data_flows", _a_flow()) | {"ref": "a001-flow-new", "transfer_channel": "unsecure_email"}
    records.save(ADMIN, "data_flows", record, actor="test", creating=True)


def _edit(_):
    records.save(
        ADMIN, "data_flows", _record("data_flows", _a_flow()) | {"transfer_channel": "phone_verbal"}, actor="t"
    )


def _archive(_):
    records.archive(ADMIN, "data_flows", _a_flow(), reason="Entered twice", actor="test")


def _restore(_):
    ref = _a_flow()
    records.archive(ADMIN, "data_flows", ref, reason="Entered twice", actor="test")
    db.session.remove()
    records.restore(ADMIN, "data_flows", ref, actor="test")


def _import(_):
    """A file of more records than a scoped refresh takes: every rule runs, as for any import."""
    flows = db.session.scalars(sa.select(DataFlow).where(DataFlow.ref.like("a003-%")).order_by(DataFlow.ref)).all()
    doc = {
        "format": "prevent-compliance-register",
        "version": 1,
        "data_flows": [
            {
                key: value
                for key, value in (
                    serialise.record(f.BY_KEY["data_flows"], flow) | {"transfer_channel": "mash_email"}
                ).items()
                if key != "ropa_ref"
            }
            for flow in flows
        ],
    }
    assert len(doc["data_flows"]) > exchange.SCOPED_REFRESH_LIMIT
    exchange.import_text(json.dumps(doc), actor="test", source="import")


def _meeting(_):
    panel = meetings.get_panel(ADMIN, "a002-channel")
    meetings.start_meeting(
        ADMIN,
        panel,
        held_on=register.default_as_of(),
        minutes_ref=None,
        cases_discussed=4,
        police_present=False,
        copy_attendees=True,
        actor="test",
    )


def _confidentiality(_):
    unrecorded = sa.select(Finding.subject_ref).where(
        Finding.rule_code == "CONFIDENTIALITY_UNRECORDED", Finding.status == FindingStatus.OPEN
    )
    meeting = db.session.scalars(
        sa.select(PanelMeeting).where(PanelMeeting.ref.in_(unrecorded)).order_by(PanelMeeting.ref)
    ).first()
    meetings.apply_minuted_statement(ADMIN, meeting, "MIN-1", "test")


def _accept_risk(_):
    finding = db.session.scalars(
        sa.select(Finding).where(Finding.status == FindingStatus.OPEN).order_by(Finding.id)
    ).first()
    today = register.default_as_of()
    findings.accept_risk(
        finding, actor="test", reason="Agreed by the board", review_on=today + timedelta(days=30), today=today
    )


def _purge(_):
    users.create_user("admin@example.org", "admin", "a-long-password", actor="test", source="cli")
    db.session.commit()
    record = {"ref": "org-mistake", "name": "Entered by mistake", "partner_type": "school"}
    records.save(ADMIN, "organisations", record, actor="test", creating=True)
    db.session.remove()
    purge.purge("organisations", "org-mistake", reason="A mistake", admin_email="admin@example.org", actor="test")


CHANGES = {
    "create": _create,
    "edit": _edit,
    "archive": _archive,
    "restore": _restore,
    "import": _import,
    "meeting started": _meeting,
    "meeting confidentiality": _confidentiality,
    "accept risk": _accept_risk,
    "purge": _purge,
}


def test_gaps_reads_what_recompute_prints(national, cli, rules_run):
    cli(["gaps", "--format", "json"])  # no marker yet: every rule runs, and the marker is written
    assert_read_equals_recompute(cli, rules_run)


@pytest.mark.parametrize("change", list(CHANGES))
def test_after_each_kind_of_change_the_stored_findings_are_read_and_exact(national, cli, rules_run, change):
    cli(["gaps"])
    before = _stored_state()
    CHANGES[change](national)
    db.session.remove()
    if change not in ("accept risk", "purge"):
        assert _stored_state() != before, "the change moves some finding"
    assert_read_equals_recompute(cli, rules_run)


def test_when_the_date_moves_on_only_the_dated_rules_run(national, cli, rules_run):
    first = _run(cli, ["gaps", "--format", "json"])
    info = db.session.scalar(sa.select(RegisterInfo))
    # Past a financial year's end, DSA and DPIA review dates and a contract's end.
    info.as_of = info.as_of + timedelta(days=500)
    db.session.commit()
    rules_run.clear()
    moved = _outputs(cli)
    assert rules_run == [DATED], "the first read at the new date ran the dated rules alone, once"
    assert json.loads(moved["--format json"][1])["gaps"] != json.loads(first[1])["gaps"], "the date moves findings"
    assert_read_equals_recompute(cli, rules_run)
    assert moved == _outputs(cli, "--recompute")
    info = db.session.scalar(sa.select(RegisterInfo))
    info.as_of = info.as_of - timedelta(days=500)  # and back
    db.session.commit()
    rules_run.clear()
    assert _outputs(cli) == _outputs(cli, "--recompute")
    assert rules_run[0] == DATED


def test_a_change_no_refresh_follows_makes_gaps_run_every_rule(national, cli, rules_run):
    cli(["gaps"])
    flow = db.session.scalar(sa.select(DataFlow).where(DataFlow.ref == _a_flow()))
    before = serialise.record(f.BY_KEY["data_flows"], flow)
    flow.ropa_ref = None
    audit.record_change(
        actor="test",
        source="test",
        record_type="data_flow",
        record_ref=flow.ref,
        record_id=flow.id,
        before=before,
        after=serialise.record(f.BY_KEY["data_flows"], flow),
    )
    db.session.commit()
    assert refresh_marker.current() is None
    rules_run.clear()
    assert _run(cli, ["gaps", "--format", "json"]) == _run(cli, ["gaps", "--format", "json", "--recompute"])
    assert rules_run[0] is None, "every rule ran"
    assert_read_equals_recompute(cli, rules_run)


def test_a_report_or_a_new_user_changes_nothing_the_rules_read(national, cli):
    cli(["gaps"])
    audit.record_report(kind="pdf", area_ref=None, sha256="0" * 64, details={}, actor="test", source="cli")
    users.create_user("dpo@example.org", "dpo", "a-long-password", actor="test", source="cli")
    db.session.commit()
    assert refresh_marker.current() is not None


def test_changed_partner_types_forget_the_marker(national, cli, tmp_path: Path):
    cli(["gaps"])
    reference.load(actor="test")  # the same reference data again: nothing the rules read changed
    db.session.commit()
    assert refresh_marker.current() is not None
    directory = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, directory)
    types = json.loads((directory / "partner_types.json").read_text())
    school = next(item for item in types if item["code"] == "school")
    school["mou_can_count_as_dsa"] = not school.get("mou_can_count_as_dsa")
    (directory / "partner_types.json").write_text(json.dumps(types))
    reference.load(directory, actor="test")
    db.session.commit()
    assert refresh_marker.current() is None


def test_another_date_is_evaluated_and_nothing_stored(national, cli, rules_run):
    cli(["gaps"])
    marker = refresh_marker.current()
    earlier = (register.default_as_of() - timedelta(days=400)).isoformat()
    rules_run.clear()
    code, out = _run(cli, ["gaps", "--format", "json", "--as-of", earlier])
    assert code == 0 and json.loads(out)["as_of"] == earlier
    assert rules_run == [None]
    assert refresh_marker.current() == marker


def test_the_stored_findings_counted_by_the_database_are_the_findings_counted_one_by_one(national):
    """A national PDF's summary and contents count the findings in the database (gaps.stored_counts)
    rather than holding them all: the same counts as the findings read and counted one by one,
    for the whole register and for an area, with accepted risks and findings about several areas."""
    from compliance.services import gaps

    gaps.up_to_date(actor="test")
    open_findings = db.session.scalars(
        sa.select(Finding).where(Finding.status == FindingStatus.OPEN).order_by(Finding.id)
    ).all()
    for finding in open_findings[:: max(1, len(open_findings) // 5)]:
        findings.accept_risk(finding, actor="test", reason="mitigated elsewhere", review_on=date(2099, 1, 1))
    # Findings about two areas (as one about a DSA whose flows are in both would be), open and accepted.
    other = db.session.scalar(sa.select(Area.id).where(Area.ref == "a002"))
    shared = [finding.id for finding in open_findings[1:40:3] if other not in {area.id for area in finding.areas}]
    db.session.execute(sa.insert(finding_area), [{"finding_id": i, "area_id": other} for i in shared])
    db.session.commit()
    everything = gaps.stored(None)
    assert len([gap for gap in everything if len(gap.areas) > 1]) == len(shared) > 0
    assert {gap.status for gap in everything} == {FindingStatus.OPEN, FindingStatus.ACCEPTED_RISK}
    for area in (None, "a002"):
        counted = gaps.stored_counts(area)
        assert counted == gaps.Counts.of(gaps.stored(area))
        assert sum(counted.open.values()) + sum(counted.accepted.values()) == len(gaps.stored(area)) > 0
    assert sorted(gaps.stored_counts().open_by_area) == [f"a{n:03d}" for n in range(1, AREAS + 1)]
