"""The national-scale paths, on a small synthetic register: synth is deterministic, every rule fires
in it, the snapshot the rules read gives what the ORM gives, and the refresh after an edit (which
looks only at the areas the edit touches) leaves the findings exactly as a full refresh would."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from compliance import synthetic
from compliance.exchange import fields as f
from compliance.exchange import serialise
from compliance.extensions import db
from compliance.models import Area, DataFlow, Dpia, Organisation
from compliance.rules.base import REGISTRY
from compliance.rules.engine import evaluate
from compliance.services import area_scope, exchange, findings, register
from tests.integration.conftest import full_state, stored_state


def test_synth_is_deterministic_for_a_seed():
    first = json.dumps(synthetic.register(5, seed=7))
    assert json.dumps(synthetic.register(5, seed=7)) == first
    assert json.dumps(synthetic.register(5, seed=8)) != first


def test_synth_has_the_shape_the_issue_asks_for():
    doc = synthetic.register(20, seed=1)
    flows = Counter(flow["area"] for flow in doc["data_flows"])
    assert all(130 <= n <= 170 for n in flows.values())
    orgs = Counter(area for org in doc["organisations"] for area in org["areas"])
    assert all(15 <= n <= 41 for n in orgs.values())  # 15 to 40, plus an ungoverned partner in some
    for panel in doc["panels"]:
        assert 30 <= len(panel["meetings"]) <= 36
        assert all(6 <= len(m["attendees"]) <= 12 for m in panel["meetings"])


def test_every_rule_fires_and_a_third_of_flows_have_a_finding(synthetic_register):
    raised = findings.evaluate_at(register.default_as_of())
    assert {item.rule for item in raised} == set(REGISTRY)
    flows = {item.subject_ref for item in raised if item.subject_type.value == "data_flow"}
    total = db.session.scalar(sa.select(sa.func.count()).select_from(f.BY_KEY["data_flows"].model))
    assert 0.25 <= len(flows) / total <= 0.45


def test_the_snapshot_raises_what_the_orm_raises(synthetic_register):
    as_of = register.default_as_of()
    through_the_orm = evaluate(register.orm_rule_context(as_of))
    assert evaluate(register.rule_context(as_of)) == through_the_orm
    # Without the columns no rule reads (what a refresh loads): the same findings.
    assert evaluate(register.rule_context(as_of, rules_only=True)) == through_the_orm


def _record(key: str, ref: str) -> dict:
    record_type = f.BY_KEY[key]
    obj = db.session.scalar(sa.select(record_type.model).where(record_type.model.ref == ref))
    return serialise.record(record_type, obj)


def _save(key: str, record: dict) -> None:
    doc = {"format": "prevent-compliance-register", "version": 1, key: [record]}
    exchange.import_text(json.dumps(doc), actor="test", source="web")
    db.session.remove()


def _edit_flow_channel(r):
    r["transfer_channel"] = "unsecure_email"
    return "data_flows", r


EDITS = {
    # (list, ref, change, whether the refresh may stay within some areas)
    "a school's referral goes by unsecure email": ("data_flows", "a001-flow-001", _edit_flow_channel, True),
    "the police drop their lawful basis": (
        "data_flows",
        "a002-flow-012",
        lambda r: ("data_flows", r | {"lawful_bases": r["lawful_bases"][:1]}),
        True,
    ),
    "a flow moves to another area": (
        "data_flows",
        "a003-flow-002",
        lambda r: ("data_flows", r | {"area": "a004"}),
        True,
    ),
    "a new flow": (
        "data_flows",
        "a005-flow-003",
        lambda r: ("data_flows", r | {"ref": "a005-flow-new", "dsa": "a006-dsa-prevent"}),
        True,
    ),
    "a party has not signed a DSA": (
        "dsas",
        "a006-dsa-education",
        lambda r: ("dsas", r | {"parties": [{k: v for k, v in p.items() if k != "signed_on"} for p in r["parties"]]}),
        True,
    ),
    "a DPIA leaves high risk": ("dpias", "a007-dpia-prevent", lambda r: ("dpias", r | {"residual_risk": "high"}), True),
    # Fields only some kinds of record read (rules.engine.FIELD_READERS): the DSA's or DPIA's own
    # areas are refreshed, not those of the police force among its parties.
    "a DSA is overdue for review": (
        "dsas",
        "a006-dsa-education",
        lambda r: ("dsas", r | {"review_due": "2020-03-31", "title": "Renamed agreement"}),
        True,
    ),
    "a DSA no longer allows meetings or the portal": (
        "dsas",
        "a006-dsa-education",
        lambda r: ("dsas", r | {"allowed_channels": ["pcm", "secure_email"]}),
        True,
    ),
    "a DPIA is back in progress, without best interests": (
        "dpias",
        "a007-dpia-prevent",
        lambda r: ("dpias", r | {"status": "in_progress", "best_interests_recorded": False}),
        True,
    ),
    "the police chair a panel": (
        "panels",
        "a008-channel",
        lambda r: ("panels", r | {"chair_organisation": r["police_forces"][0]}),
        True,
    ),
    "a storage system loses its approval": (
        "storage_systems",
        "a009-case-system",
        lambda r: ("storage_systems", r | {"approved_for_prevent": False}),
        True,
    ),
    "the police notice drops a section": (
        "privacy_notices",
        "police-01-notice",
        lambda r: ("privacy_notices", r | {"checklist": r["checklist"] | {"rights": False}}),
        True,
    ),
    "a contract loses a clause": (
        "processing_contracts",
        "a010-case-system-contract",
        lambda r: ("processing_contracts", r | {"art28_clauses": r["art28_clauses"] | {"audits": False}}),
        True,
    ),
    "an organisation is renamed": (
        "organisations",
        "a011-nhs",
        lambda r: ("organisations", r | {"name": "Renamed NHS Trust"}),
        True,
    ),
    "the police force of four areas is renamed": (
        "organisations",
        "police-01",
        lambda r: ("organisations", r | {"name": "Renamed Police"}),
        True,
    ),
    "a council has no complaints procedure": (
        "organisations",
        "a003-council",
        lambda r: ("organisations", {k: v for k, v in r.items() if k != "complaints_procedure_ref"}),
        True,
    ),
    "a school moves to another area and loses its policy document": (
        "organisations",
        "a005-school-01",
        lambda r: ("organisations", {k: v for k, v in r.items() if k != "apd_ref"} | {"areas": ["a006"]}),
        True,
    ),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_the_refresh_after_an_edit_leaves_the_findings_a_full_refresh_would(synthetic_register, monkeypatch, edit):
    key, ref, change, scoped = EDITS[edit]
    full_refreshes = []
    original = findings.refresh
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))
    as_of = register.default_as_of()
    before = stored_state()
    assert before == full_state(as_of)
    target, record = change(_record(key, ref))
    _save(target, record)
    state = stored_state()
    assert state != before, "the edit changes some finding"
    assert state == full_state(as_of)
    assert (not full_refreshes) == scoped, "a scoped refresh where one is possible, the full one otherwise"


def test_ending_a_flow_on_the_national_case_system_refreshes_only_its_area_and_that_system(
    synthetic_register, monkeypatch
):
    """The national case management system is used in every area: its finding lists the live flows
    that use it, which the scoped refresh reads across the register."""
    pcm = _record("storage_systems", "pcm")
    _save("storage_systems", pcm | {"approved_for_prevent": False})
    as_of = register.default_as_of()
    before = stored_state()
    assert any(rule == "STORAGE_UNAPPROVED" and ref == "pcm" for rule, _, ref, *_ in before)
    full_refreshes = []
    original = findings.refresh
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))
    ref = db.session.scalar(
        sa.select(DataFlow.ref)
        .where(DataFlow.programme == "channel_case", DataFlow.status == "live", DataFlow.ref.like("a004-%"))
        .order_by(DataFlow.ref)
        .limit(1)
    )
    _save("data_flows", _record("data_flows", ref) | {"status": "ended", "ended_on": "2026-11-01"})
    state = stored_state()
    assert state != before and state == full_state(as_of)
    assert not full_refreshes


def _national_system_flow(area: str) -> str:
    return db.session.scalar(
        sa.select(DataFlow.ref)
        .where(DataFlow.programme == "channel_case", DataFlow.status == "live", DataFlow.ref.like(f"{area}-%"))
        .order_by(DataFlow.ref)
        .limit(1)
    )


@pytest.mark.parametrize("uses_changed", [False, True], ids=["channel changed", "stops using the system"])
def test_a_flow_edit_decides_the_national_system_only_when_its_use_of_it_changes(
    synthetic_register, monkeypatch, uses_changed
):
    """The refresh after a flow's save reads the national system's users across the register only
    when the flow's use of it (status, area, systems) changed; and the panels' meetings, which
    no flow's change can move, are not decided. Either way the findings are a full refresh's."""
    pcm = _record("storage_systems", "pcm")
    _save("storage_systems", pcm | {"approved_for_prevent": False})
    as_of = register.default_as_of()
    before = stored_state()
    full_refreshes, live_users, builds = [], [], []
    original, original_users, original_build = findings.refresh, area_scope.live_users, area_scope.build
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))
    monkeypatch.setattr(area_scope, "live_users", lambda *a, **k: live_users.append(1) or original_users(*a, **k))
    monkeypatch.setattr(area_scope, "build", lambda *a, **k: builds.append(k) or original_build(*a, **k))
    record = _record("data_flows", _national_system_flow("a005"))
    if uses_changed:
        record["storage_systems"] = [ref for ref in record["storage_systems"] if ref != "pcm"]
    else:
        record["transfer_channel"] = "unsecure_email"
        # With its start date too (which a DPIA's rule reads): a change to the channel alone is
        # decided for the flow alone (test_a_flow_edit_of_its_own_fields_decides_that_flow_alone).
        started = date.fromisoformat(record.get("started_on") or "2020-01-02")
        record["started_on"] = date.fromordinal(started.toordinal() - 1).isoformat()
    _save("data_flows", record)
    state = stored_state()
    assert state != before and state == full_state(as_of)
    assert not full_refreshes
    assert bool(live_users) == uses_changed
    assert builds and not any(k["meetings"] for k in builds)
    pcm_messages = {message for rule, _, ref, _, message, _ in state if ref == "pcm"}
    assert pcm_messages and (pcm_messages != {m for r, _, ref, _, m, _ in before if ref == "pcm"}) == uses_changed


OWN_EDITS = {
    # A change to fields no rule about another subject reads (rules.engine.OWN_FIELDS).
    "by unsecure email": lambda r: r | {"transfer_channel": "unsecure_email"},
    "routine, renamed, no ROPA entry": lambda r: (
        {k: v for k, v in r.items() if k != "ropa_ref"} | {"frequency": "routine", "name": "Renamed flow"}
    ),
    "no retention, children, intelligence data": lambda r: (
        {k: v for k, v in r.items() if k != "retention"}
        | {
            "subjects": {"children": True, "vulnerable_adults": True},
            "data_categories": ["identifiers_contact", "intelligence_service_derived", "sc_health"],
            "combines_sources": True,
            "large_scale": True,
        }
    ),
    "saved as it was": lambda r: r,
}


@pytest.mark.parametrize("edit", list(OWN_EDITS))
@pytest.mark.parametrize("flow", ["national system", "police"])
def test_a_flow_edit_of_its_own_fields_decides_that_flow_alone(synthetic_register, monkeypatch, edit, flow):
    """Fields only the flow's own rules read: the refresh decides that flow alone (no area's
    scope, no full refresh), and every finding, of every rule, is still a full refresh's."""
    pcm = _record("storage_systems", "pcm")
    _save("storage_systems", pcm | {"approved_for_prevent": False})
    as_of = register.default_as_of()
    before = stored_state()
    assert before == full_state(as_of)
    full_refreshes, builds, alone = [], [], []
    original, original_build, original_alone = findings.refresh, area_scope.build, area_scope.flows_alone
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))
    monkeypatch.setattr(area_scope, "build", lambda *a, **k: builds.append(1) or original_build(*a, **k))
    monkeypatch.setattr(area_scope, "flows_alone", lambda refs: alone.append(set(refs)) or original_alone(refs))
    if flow == "police":
        ref = db.session.scalar(
            sa.select(DataFlow.ref)
            .join(DataFlow.recipient)
            .where(Organisation.partner_type == "police", DataFlow.status == "live", DataFlow.ref.like("a006-%"))
            .order_by(DataFlow.ref)
            .limit(1)
        )
    else:
        ref = _national_system_flow("a007")
    _save("data_flows", OWN_EDITS[edit](_record("data_flows", ref)))
    state = stored_state()
    assert state == full_state(as_of)
    assert (state != before) == (edit != "saved as it was"), "the edit changes some finding"
    assert alone == [{ref}] and not builds and not full_refreshes


def test_the_dashboard_counts_are_kept_only_until_the_register_changes(synthetic_register):
    from compliance.models.enums import Role
    from compliance.services import dashboard
    from compliance.services.access import Scope

    scope = Scope(Role.ADMIN, "admin@example.org", None, frozenset())
    first = dashboard.counts(scope)
    assert dashboard.counts(scope) is first  # kept
    _save("data_flows", _edit_flow_channel(_record("data_flows", "a001-flow-001"))[1])
    after = dashboard.counts(scope)
    assert after is not first and after["summary"] != first["summary"]
    assert after["summary"] == dashboard.by_severity(scope) and after["areas"] == dashboard.by_area(scope)


@pytest.mark.parametrize("area,redact", [(None, False), (None, True), ("a003", False)])
def test_the_export_read_from_the_snapshot_gives_the_orm_exports_bytes(synthetic_register, area, redact):
    """export_document reads plain rows (snapshot.py, names included); the document it gives is the
    one the ORM's objects gave, byte for byte."""
    loaded = register.load()
    holder = register.holder_ref()
    if area is None:
        records = loaded.records
    else:
        records = exchange.area_records(loaded, next(a for a in loaded["areas"] if a.ref == area))
        holder = holder if holder in {o.ref for o in records["organisations"]} else None
    from_orm = serialise.dumps(
        serialise.document(records, as_of=register.register_info().as_of, redact=redact, holder=holder)
    )
    db.session.remove()
    exported = serialise.dumps(exchange.export_document(area, redact=redact))
    assert exported == from_orm
    assert (
        '"name": ' in exported.split('"attendees"', 1)[1][:400]
    ) != redact  # attendees' names travel unless redacted


@pytest.mark.parametrize("moved", ["before its DPIA", "after its DPIA"])
def test_a_flow_start_date_refreshes_its_area_not_those_of_the_police_force_it_involves(
    synthetic_register, monkeypatch, moved
):
    """A flow's start date is read by its own rules and its DPIA's (rules.engine.FIELD_READERS):
    the refresh decides the flow's area (and the DPIA's), not the areas of every organisation the
    flow involves (a police force serves several), and every finding is still a full refresh's."""
    as_of = register.default_as_of()
    flow, area, completed = db.session.execute(
        sa.select(DataFlow.ref, Area.ref, Dpia.completed_on)
        .join(DataFlow.recipient)
        .join(Dpia, Dpia.id == DataFlow.dpia_id)
        .join(Area, Area.id == DataFlow.area_id)
        .where(Organisation.partner_type == "police", Dpia.completed_on.is_not(None))
        .order_by(DataFlow.ref)
        .limit(1)
    ).one()
    dpia_areas = area_scope.areas_of({("dpias", _record("data_flows", flow)["dpia"])})
    before = stored_state()
    assert before == full_state(as_of)
    full_refreshes, builds = [], []
    original, original_build = findings.refresh, area_scope.build
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))
    monkeypatch.setattr(area_scope, "build", lambda areas, **k: builds.append(set(areas)) or original_build(areas, **k))
    started = completed - timedelta(days=30) if moved == "before its DPIA" else completed + timedelta(days=30)
    _save("data_flows", _record("data_flows", flow) | {"started_on": started.isoformat()})
    state = stored_state()
    assert state == full_state(as_of)
    assert (state != before) or moved == "after its DPIA", "the DPIA's finding names the flow's new date"
    assert not full_refreshes
    assert builds and builds[0] == {area} | dpia_areas, "the flow's and its DPIA's areas, no others"


@pytest.mark.parametrize(
    "key, ref, change",
    [
        ("dsas", "a006-dsa-education", {"review_due": "2020-03-31"}),
        ("dsas", "a006-dsa-education", {"allowed_channels": ["pcm"]}),
        ("dpias", "a007-dpia-prevent", {"residual_risk": "high", "review_due": "2020-06-01"}),
    ],
)
def test_a_field_of_an_agreement_refreshes_its_areas_not_those_of_its_parties(
    synthetic_register, monkeypatch, key, ref, change
):
    """A DSA's review date or channels, a DPIA's risk: read by the rules of the record itself and
    of its flows alone (rules.engine.FIELD_READERS), so the refresh decides the areas where the
    record is used, not those of the police force among its parties; every finding is a full
    refresh's."""
    as_of = register.default_as_of()
    areas = area_scope.areas_of({(key, ref)})
    before = stored_state()
    full_refreshes, builds = [], []
    original, original_build = findings.refresh, area_scope.build
    monkeypatch.setattr(findings, "refresh", lambda *a, **k: full_refreshes.append(1) or original(*a, **k))
    monkeypatch.setattr(area_scope, "build", lambda areas, **k: builds.append(set(areas)) or original_build(areas, **k))
    _save(key, _record(key, ref) | change)
    state = stored_state()
    assert state != before and state == full_state(as_of)
    assert not full_refreshes
    assert builds and builds[0] == areas, "the areas where the record is used, no others"
