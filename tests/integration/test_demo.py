"""The demo register: modelled on the council in the FOI response, it must raise what that
council's answers imply and nothing the answers rule out (gap-rules.md, "as a check")."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, Finding, User
from compliance.services.seeding import DEMO_FILE, DEMO_USERS

AS_OF = "2026-11-25"
DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))

NEVER = {
    "PROCESSOR_NO_CONTRACT",
    "FLOW_NO_AGREEMENT",
    "SHARED_OUTSIDE_AGREEMENT",
    "STORAGE_UNAPPROVED",
    "STORAGE_UNASSURED",
    "LAWFUL_BASIS_MISSING",
    "PRIVACY_NOTICE_MISSING",
    "DSA_UNSIGNED",
    "DSA_REVIEW_OVERDUE",
    "RETENTION_MISSING",
    "ROPA_ENTRY_MISSING",
    "DESIGNATION_UNSOURCED",
    "PANEL_CONSTITUTION",
    "PANEL_PARTNER_UNGOVERNED",
    "APD_MISSING",
    "POLICE_NO_PART3_BASIS",
    "RECOGNISED_LI_MISUSED",  # the mentoring provider relies on (ea) as the Act allows
    "LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY",
}


@pytest.fixture
def seeded(cli, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    result = cli(["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result


def demo_gaps(cli) -> list[dict]:
    result = cli(["gaps", "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["gaps"]


def test_the_demo_is_the_council_of_the_foi_response():
    assert len(DEMO["organisations"]) >= 5 and len(DEMO["data_flows"]) >= 6
    assert len(DEMO["dsas"]) == 1 and DEMO["dsas"][0]["template_origin"] != "ctnet_police_template"
    assert {s["kind"] for s in DEMO["storage_systems"]} == {"national_pcm", "national_cmis"}
    assert any(n["scope"] == "service_specific" and n.get("section") == "3" for n in DEMO["privacy_notices"])
    assert not DEMO.get("dpias") and not DEMO.get("mous") and not DEMO.get("processing_contracts")
    meetings = [m for panel in DEMO["panels"] for m in panel["meetings"]]
    assert len(meetings) >= 3
    assert {a["confidentiality"]["method"] for m in meetings for a in m["attendees"]} == {"verbal_recorded_in_minutes"}
    designations = {(d["kind"], d["value"]) for d in DEMO["areas"][0]["designations"]}
    assert {("prevent_priority_area", True), ("dovetail_area", False)} <= designations


def test_demo_findings_match_the_foi_answers(cli, seeded):
    gaps = demo_gaps(cli)
    by_rule: dict[str, set[str]] = {}
    for gap in gaps:
        by_rule.setdefault(gap["rule"], set()).add(gap["subject"]["ref"])

    sensitive = {
        flow["ref"]
        for flow in DEMO["data_flows"]
        if any(c.startswith("sc_") or c == "criminal_offence_alleged" for c in flow["data_categories"])
        or flow.get("subjects", {}).get("children")
        or flow.get("subjects", {}).get("vulnerable_adults")
        or flow.get("combines_sources")
    }
    children = {flow["ref"] for flow in DEMO["data_flows"] if flow.get("subjects", {}).get("children")}
    meetings = {m["ref"] for panel in DEMO["panels"] for m in panel["meetings"]}

    assert sensitive and children and sensitive != {f["ref"] for f in DEMO["data_flows"]}
    assert by_rule["DPIA_MISSING"] == sensitive
    assert by_rule["CHILDREN_NO_BEST_INTERESTS"] == children
    assert by_rule["CONFIDENTIALITY_VERBAL_ONLY"] == meetings
    assert not NEVER & set(by_rule), {rule: by_rule[rule] for rule in NEVER & set(by_rule)}
    # Every partner but the voluntary-sector mentoring provider has a complaints procedure recorded.
    assert by_rule["COMPLAINTS_PROCEDURE_MISSING"] == {"riverford-pathways-mentoring"}
    assert all(gap["area"] == "riverford" and gap["status"] == "open" for gap in gaps)


def test_the_demo_is_judged_by_the_law_of_the_evaluation_date(cli, seeded):
    """Before the complaints duty applied (19 June 2026) the missing procedure is no finding."""
    before = cli(["gaps", "--as-of", "2026-06-18", "--format", "json"])
    assert before.exit_code == 0, before.output
    rules = {gap["rule"] for gap in json.loads(before.stdout)["gaps"]}
    assert "COMPLAINTS_PROCEDURE_MISSING" not in rules and "RECOGNISED_LI_MISUSED" not in rules
    mentor = next(flow for flow in DEMO["data_flows"] if flow["recipient"] == "riverford-pathways-mentoring")
    assert {
        "art6": "ea_recognised_legitimate_interest",
        "annex1_condition": "safeguarding_vulnerable_individuals",
    }.items() <= (mentor["lawful_bases"][1].items())


def test_no_attendee_or_signatory_name_appears_in_any_finding(cli, seeded):
    names = {a["name"] for panel in DEMO["panels"] for m in panel["meetings"] for a in m["attendees"] if "name" in a}
    names |= {p["signatory_name"] for dsa in DEMO["dsas"] for p in dsa["parties"] if "signatory_name" in p}
    text = cli(["gaps", "--as-of", AS_OF, "--format", "json"]).stdout + cli(["gaps", "--as-of", AS_OF]).stdout
    assert names and not [name for name in names if name in text]


def test_seeding_the_demo_again_changes_nothing(cli, seeded):
    counts = _counts()
    again = cli(["seed", "demo"])
    assert again.exit_code == 0, again.output
    assert "new" not in again.stdout and "replaced" not in again.stdout
    assert _counts() == counts


def _counts() -> Counter:
    return Counter(
        {
            "audit": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
            "findings": db.session.scalar(sa.select(sa.func.count()).select_from(Finding)),
            "users": db.session.scalar(sa.select(sa.func.count()).select_from(User)),
        }
    )


def test_demo_users_one_per_role(cli, seeded):
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    assert set(users) == {email for email, *_ in DEMO_USERS}
    assert {u.role.value for u in users.values()} == {"admin", "dpo", "panel_chair", "auditor"}
    assert "demo-password-for-tests" in seeded.stdout
