"""Import and export of exchange files, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
import re

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, DataFlow, Finding, PanelMeeting
from tests.conftest import empty_database, fixture_path


def load_fixture(name: str) -> dict:
    return json.loads(fixture_path(name).read_text(encoding="utf-8"))


def import_doc(cli, doc: dict | str, *extra: str):
    text = doc if isinstance(doc, str) else json.dumps(doc)
    return cli(["import", "-", *extra], input=text)


def export(cli, *extra: str) -> dict:
    result = cli(["export", "-", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_full_register_exports_exactly_as_written(cli):
    """The fixture uses every field of every record type, written canonically: an import
    followed by an export gives it back byte for byte (as data)."""
    doc = load_fixture("full-register.json")
    result = import_doc(cli, doc)
    assert result.exit_code == 0, result.output
    assert export(cli) == doc


def test_round_trip_through_an_empty_database_gives_the_same_document(cli):
    assert import_doc(cli, load_fixture("full-register.json")).exit_code == 0
    first = cli(["export", "-"]).stdout
    db.session.remove()
    empty_database()
    assert count(DataFlow) == 0
    assert import_doc(cli, first).exit_code == 0
    second = cli(["export", "-"]).stdout
    assert second == first


def test_export_redact_drops_every_personal_data_field(cli):
    assert import_doc(cli, load_fixture("full-register.json")).exit_code == 0
    redacted = export(cli, "--redact")
    text = json.dumps(redacted)
    assert "signatory_name" not in text and '"name": "Sam Chair"' not in text
    for name in ("Alex Example", "Sam Chair", "Jo Mentor"):
        assert name not in text
    # Everything else is still there.
    assert redacted["dsas"][0]["parties"][0]["signatory_role"] == "Director of Children's Services"
    assert redacted["panels"][0]["meetings"][0]["attendees"][0]["role"] == "Channel Panel Chair"


def test_export_of_one_area_holds_what_its_records_point_at(cli):
    assert import_doc(cli, load_fixture("full-register.json")).exit_code == 0
    doc = export(cli, "--area", "eastvale")
    assert [flow["ref"] for flow in doc["data_flows"]] == ["eastvale-statistics"]
    assert "panels" not in doc
    refs = {key: {record["ref"] for record in doc.get(key, ())} for key in ("areas", "organisations")}
    # The area's partners, the flow's parties, the areas those organisations name, and those
    # areas' responsible authorities (westford's council, named by the westford area record).
    assert refs["organisations"] == {
        "eastvale-council",
        "home-office",
        "mentor-trust",
        "shire-police",
        "westford-council",
    }
    assert refs["areas"] == {"eastvale", "westford"}
    # It imports on its own into an empty register.
    db.session.remove()
    empty_database()
    assert import_doc(cli, doc).exit_code == 0


def test_export_of_an_unknown_area_is_bad_input(cli):
    result = cli(["export", "-", "--area", "nowhere"])
    assert result.exit_code == 2
    assert "nowhere" in result.stderr


def test_reimport_replaces_records_in_place_and_keeps_others(cli):
    doc = load_fixture("full-register.json")
    assert import_doc(cli, doc).exit_code == 0
    flow_id = db.session.scalar(sa.select(DataFlow.id).where(DataFlow.ref == "council-to-police"))
    meeting_id = db.session.scalar(sa.select(PanelMeeting.id).where(PanelMeeting.ref == "westford-channel-2026-04"))
    db.session.remove()

    change = {
        "format": doc["format"],
        "version": 1,
        "data_flows": [copy.deepcopy(doc["data_flows"][1])],
        "panels": [copy.deepcopy(doc["panels"][0])],
    }
    change["data_flows"][0]["name"] = "Prevent referrals to Shire Police"
    del change["data_flows"][0]["ropa_ref"]
    change["panels"][0]["meetings"][0]["attendees"].pop()
    assert import_doc(cli, change).exit_code == 0

    flow = db.session.scalar(sa.select(DataFlow).where(DataFlow.ref == "council-to-police"))
    assert (flow.id, flow.name, flow.ropa_ref) == (flow_id, "Prevent referrals to Shire Police", None)
    meeting = db.session.scalar(sa.select(PanelMeeting).where(PanelMeeting.ref == "westford-channel-2026-04"))
    assert meeting.id == meeting_id and len(meeting.attendees) == 2
    assert count(DataFlow) == 3  # the flows not in the file are kept
    entry = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.record_ref == "council-to-police").order_by(AuditEvent.id.desc())
    )
    assert entry.action.value == "update" and entry.source == "import" and entry.actor.startswith("cli:")
    assert entry.before["ropa_ref"] == "ROPA-12" and "ropa_ref" not in entry.after


def test_import_audits_every_record_and_an_unchanged_reimport_adds_nothing(cli):
    doc = load_fixture("full-register.json")
    assert import_doc(cli, doc).exit_code == 0
    created = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.source == "import")).all()
    records = sum(len(doc[key]) for key in doc if isinstance(doc[key], list))
    assert len(created) == records
    assert {entry.action.value for entry in created} == {"create"}
    assert all(entry.before is None and entry.after["ref"] == entry.record_ref for entry in created)
    entries = count(AuditEvent)
    db.session.remove()
    result = import_doc(cli, doc)
    assert result.exit_code == 0 and "unchanged" in result.stdout
    assert count(AuditEvent) == entries


def test_dry_run_reports_and_writes_nothing(cli):
    result = import_doc(cli, load_fixture("full-register.json"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Would import")
    assert "data flows: 3 new" in result.stdout
    assert count(DataFlow) == 0 and count(AuditEvent) == 0 and count(Finding) == 0


def _spec_example() -> dict:
    return load_fixture("spec-example.json")


def _break(doc: dict, how: str) -> tuple[str, str]:
    """Damage a copy of the spec's example; return the text and the JSON path the error must name."""
    doc = copy.deepcopy(doc)
    flow = doc["data_flows"][0]
    match how:
        case "unknown key":
            flow["lawful_bases"][0]["art6_basis"] = "e_public_task"
            return json.dumps(doc), "data_flows[0].lawful_bases[0]"
        case "wrong enum":
            flow["lawful_bases"][0]["art6"] = "public_task"
            return json.dumps(doc), "data_flows[0].lawful_bases[0].art6"
        case "bad date":
            flow["started_on"] = "2019-02-30"
            return json.dumps(doc), "data_flows[0].started_on"
        case "dangling ref":
            flow["storage_systems"] = ["pcm", "cmis"]
            return json.dumps(doc), "data_flows[0].storage_systems[1]"
        case "duplicate ref":
            doc["organisations"].append(copy.deepcopy(doc["organisations"][0]))
            return json.dumps(doc), "organisations[2].ref"
        case "bad financial year":
            doc["areas"][0]["designations"][0]["financial_year"] = "2021/23"
            return json.dumps(doc), "areas[0].designations[0].financial_year"
        case "truncated JSON":
            text = json.dumps(doc, indent=2)
            return text[: len(text) // 2], "(file)"
    raise AssertionError(how)


BAD_INPUTS = [
    "unknown key",
    "wrong enum",
    "bad date",
    "dangling ref",
    "duplicate ref",
    "bad financial year",
    "truncated JSON",
]


@pytest.mark.parametrize("how", BAD_INPUTS)
def test_bad_input_exits_2_names_the_path_and_changes_nothing(cli, how):
    full = load_fixture("full-register.json")
    assert import_doc(cli, full).exit_code == 0
    before = cli(["export", "-"]).stdout
    audit_entries = count(AuditEvent)
    findings = count(Finding)
    db.session.remove()

    text, path = _break(_spec_example(), how)
    result = import_doc(cli, text)

    assert result.exit_code == 2
    assert "nothing was written" in result.stderr
    assert f"  {path}" in result.stderr, result.stderr
    assert cli(["export", "-"]).stdout == before
    assert (count(AuditEvent), count(Finding)) == (audit_entries, findings)


def test_messages_say_what_is_allowed(cli):
    text, _ = _break(_spec_example(), "wrong enum")
    stderr = import_doc(cli, text).stderr
    assert 'data_flows[0].lawful_bases[0].art6: "public_task" is not allowed; use one of: a_consent' in stderr
    text, _ = _break(_spec_example(), "unknown key")
    assert "unknown key 'art6_basis'" in import_doc(cli, text).stderr
    text, _ = _break(_spec_example(), "dangling ref")
    assert "points at storage system 'cmis', which is neither in the file nor in the register" in (
        import_doc(cli, text).stderr
    )


def test_a_ref_already_in_the_register_can_be_pointed_at(cli):
    assert import_doc(cli, _spec_example()).exit_code == 0
    extra = {
        "format": "prevent-compliance-register",
        "version": 1,
        "storage_systems": [
            {
                "ref": "cmis",
                "name": "CMIS",
                "kind": "national_cmis",
                "approved_for_prevent": True,
                "owner": "city-council",
            }
        ],
    }
    result = import_doc(cli, extra)
    assert result.exit_code == 0, result.output


def test_an_unreadable_file_is_bad_input(cli, tmp_path):
    result = cli(["import", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "Cannot read" in result.stderr


def test_files_from_before_the_data_use_and_access_act_import_and_export_unchanged(cli):
    """Still version 1: public_authority's default by partner type is not written into an export,
    so an old file comes back as it was."""
    doc = _spec_example()
    assert import_doc(cli, doc).exit_code == 0
    exported = export(cli)
    for key in ("organisations", "data_flows"):
        assert exported[key] == doc[key]
    assert all("public_authority" not in org for org in exported["organisations"])


def test_the_act_s_fields_round_trip_and_bad_values_name_what_is_allowed(cli):
    doc = _spec_example()
    doc["organisations"].append(
        {
            "ref": "mentors",
            "name": "Mentors CIC",
            "partner_type": "voluntary_community",
            "public_authority": False,
            "complaints_procedure_ref": "https://mentors.example/complaints",
        }
    )
    doc["data_flows"][0]["lawful_bases"][0]["art6"] = "f_legitimate_interests"
    doc["data_flows"][0]["lawful_bases"].append(
        {
            "party": "mentors",
            "regime": "uk_gdpr",
            "art6": "ea_recognised_legitimate_interest",
            "annex1_condition": "safeguarding_vulnerable_individuals",
        }
    )
    assert import_doc(cli, doc).exit_code == 0
    exported = export(cli)
    assert exported["organisations"] == sorted(doc["organisations"], key=lambda org: org["ref"])
    assert exported["data_flows"] == doc["data_flows"]
    doc["data_flows"][0]["lawful_bases"][1]["annex1_condition"] = "safeguarding"
    result = import_doc(cli, doc)
    assert result.exit_code == 2
    assert "data_flows[0].lawful_bases[1].annex1_condition" in result.output
    assert "safeguarding_vulnerable_individuals" in result.output


def test_an_import_says_how_far_its_findings_refresh_reached(cli):
    doc = load_fixture("full-register.json")
    assert import_doc(cli, doc).exit_code == 0
    change = {"format": doc["format"], "version": 1, "data_flows": [copy.deepcopy(doc["data_flows"][1])]}
    change["data_flows"][0]["name"] = "Prevent referrals to Shire Police"
    result = import_doc(cli, change)
    assert result.exit_code == 0, result.output
    line = result.stdout.splitlines()[-1]
    # Only the changed flow was checked again: the count is its, not the register's.
    assert re.fullmatch(
        r"Findings as of \d{4}-\d\d-\d\d, for the 1 record this import could affect: \d+ raised "
        r"\(\d+ new, \d+ reopened, \d+ closed\); the others' findings stand",
        line,
    ), line
