"""The three users' work, end to end through the web app (the browser versions are in tests/browser)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, Finding, PanelMeeting
from compliance.models.enums import FindingStatus

from .conftest import csrf

FLOW = "council-to-police-referrals"
EMPTY_DATE = ["", "", ""]


def test_dpo_records_the_missing_dpia_and_the_finding_closes(client_for):
    client = client_for("dpo")
    dashboard = client.get("/").data.decode()
    first_group = re.search(r'id="work-by-rule".*?<h3[^>]*>(.*?)</h3>', dashboard, re.S).group(1)
    assert "High" in first_group
    flow_page = client.get(f"/records/data_flows/{FLOW}").data.decode()
    assert 'id="finding-dpia_missing"' in flow_page and "UK GDPR Art 35(1)" in flow_page

    token = csrf(client, "/records/dpias/new")
    response = client.post(
        "/records/dpias/new",
        data={
            "csrf_token": token,
            "ref": "referrals-dpia",
            "title": "Prevent referrals DPIA",
            "controller": "riverford-city-council",
            "status": "completed",
            "completed_on": ["1", "3", "2019"],
            "best_interests_recorded": "yes",
            "review_due": ["31", "3", "2027"],
            "dpo_advice_on": EMPTY_DATE,
            "ico_consulted_on": EMPTY_DATE,
            "last_reviewed_on": EMPTY_DATE,
        },
    )
    assert response.status_code == 302, response.data.decode()
    edit_page = client.get(f"/records/data_flows/{FLOW}/edit").data.decode()
    fields = _form_values(edit_page)
    fields.update({"dpia": "referrals-dpia", "csrf_token": csrf(client, f"/records/data_flows/{FLOW}/edit")})
    response = client.post(f"/records/data_flows/{FLOW}/edit", data=fields)
    assert response.status_code == 302, response.data.decode()[:3000]

    flow_page = client.get(f"/records/data_flows/{FLOW}").data.decode()
    assert 'id="finding-dpia_missing"' not in flow_page
    assert 'id="finding-children_no_best_interests"' not in flow_page
    closed = db.session.scalar(
        sa.select(Finding).where(Finding.rule_code == "DPIA_MISSING", Finding.subject_ref == FLOW)
    )
    assert closed.status == FindingStatus.REMEDIATED
    entry = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.record_ref == FLOW, AuditEvent.source == "web"))
    assert entry.actor == "web:dpo@riverford.example.gov.uk" and entry.after["dpia"] == "referrals-dpia"


def _form_values(page: str) -> dict:
    """What a browser would submit for the form as shown: inputs, checked boxes, selected options."""
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"\s+selected', body)
        data[name] = [chosen.group(1) if chosen else ""]
    return data


def test_panel_chair_logs_a_meeting_of_eight_with_the_minuted_statement_and_a_late_signer(client_for):
    client = client_for("panel_chair")
    token = csrf(client, "/meetings/start/riverford-channel")
    response = client.post(
        "/meetings/start/riverford-channel",
        data={
            "csrf_token": token,
            "held_on": ["18", "11", "2026"],
            "minutes_ref": "RCP/2026/11b",
            "cases_discussed": "3",
            "police_present": "yes",
        },
    )
    assert response.status_code == 302, response.data.decode()[:2000]
    meeting = response.headers["Location"].split("#")[0].rsplit("/", 1)[-1]
    organisations = ["riverford-city-council", "eastshire-police", "riverford-nhs-trust"]
    for n in range(8):
        response = client.post(
            f"/meetings/{meeting}/attendees",
            data={
                "csrf_token": token,
                "attendee-role": f"Member {n + 1}",
                "attendee-organisation": organisations[n % 3],
                "attendee-membership": "core",
                "attendee-method": "none",
                "attendee-signed_on": EMPTY_DATE,
            },
        )
        assert response.status_code == 302, response.data.decode()[-3000:]
    response = client.post(
        f"/meetings/{meeting}/minuted-statement",
        data={"csrf_token": token, "statement-statement_minutes_ref": "RCP/2026/11b item 1"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/meetings/{meeting}/attendees",
        data={
            "csrf_token": token,
            "attendee-role": "Late joiner",
            "attendee-organisation": "riverford-nhs-trust",
            "attendee-membership": "invited",
            "attendee-method": "signed_agreement",
            "attendee-signed_on": ["18", "11", "2026"],
        },
    )
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting}").data.decode()
    assert page.count("Verbal, minuted") == 8 and page.count("Signed on 18 Nov 2026") == 1
    findings = re.search(r'id="meeting-findings">(.*?)</div>\s*<h2', page, re.S).group(1)
    assert "CONFIDENTIALITY_VERBAL_ONLY" in findings and "CONFIDENTIALITY_UNRECORDED" not in findings
    stored = db.session.scalar(sa.select(PanelMeeting).where(PanelMeeting.ref == meeting))
    assert len(stored.attendees) == 9


def test_a_signed_agreement_needs_its_date_and_a_minuted_statement_its_reference(client_for):
    client = client_for("panel_chair")
    token = csrf(client, "/meetings/riverford-channel-2026-11")
    response = client.post(
        "/meetings/riverford-channel-2026-11/attendees",
        data={
            "csrf_token": token,
            "attendee-role": "Visitor",
            "attendee-organisation": "riverford-city-council",
            "attendee-membership": "observer",
            "attendee-method": "signed_agreement",
            "attendee-signed_on": EMPTY_DATE,
        },
    )
    assert response.status_code == 400
    assert "Enter the date the confidentiality agreement was signed" in response.data.decode()
    response = client.post(
        "/meetings/riverford-channel-2026-11/attendees",
        data={
            "csrf_token": token,
            "attendee-role": "",
            "attendee-organisation": "riverford-city-council",
            "attendee-method": "verbal_recorded_in_minutes",
            "attendee-minutes_ref": "",
            "attendee-signed_on": EMPTY_DATE,
        },
    )
    page = response.data.decode()
    assert "Enter the attendee" in page and "Enter the minute reference" in page
    assert "<title>Error: " in page


def test_auditor_reads_everything_in_their_area_changes_nothing(client_for):
    client = client_for("auditor")
    for path in (
        "/",
        "/records/data_flows",
        f"/records/data_flows/{FLOW}",
        "/records/dsas/riverford-prevent-channel-dsa",
        "/records/panels/riverford-channel",
        "/meetings/riverford-channel-2026-11",
        "/audit/",
        "/findings/1",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        text = page.data.decode()
        for control in (
            "Change this",
            "Add a",
            "Add an",
            "Start a meeting",
            ">Remove<",
            "Accept the risk",
            "Mark as remediated",
            'value="Import"',
            "Apply to everyone present",
        ):
            assert control not in text, (path, control)
    token = csrf(client, "/")
    forged = [
        ("/findings/1/accept", {"reason": "x", "review_on": ["1", "1", "2099"]}),
        ("/findings/1/remediated", {}),
        ("/meetings/riverford-channel-2026-11/attendees", {"attendee-role": "x"}),
        ("/meetings/riverford-channel-2026-11/minuted-statement", {"statement-statement_minutes_ref": "x"}),
        (f"/records/data_flows/{FLOW}/edit", {"name": "x"}),
        ("/transfer/import", {}),
    ]
    for path, data in forged:
        assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path
