"""The chair's meeting page: an attendee's organisation the register lacks is added there (name and
partner type, marked for the DPO to complete, audited, area-scoped), and the attendance and
confidentiality sheet is printed as an OFFICIAL-SENSITIVE PDF, read back here with pdftotext."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent
from tests.conftest import skip_or_fail

from .conftest import csrf
from .test_write_scope_web import form_data, register_state, stored

MEETING = "riverford-channel-2026-11"  # seven attendees in the demo register, none from a provider
PAGE = f"/meetings/{MEETING}"


def version(client) -> str:
    return re.search(r'name="record_version" value="(\d+)"', client.get(PAGE).data.decode()).group(1)


def add_provider(client, name: str = "Fenbridge Mentoring CIC", partner_type: str = "intervention_provider"):
    return client.post(
        f"{PAGE}/organisations",
        data={"csrf_token": csrf(client, PAGE), "organisation-name": name, "organisation-partner_type": partner_type},
    )


def test_the_eighth_attendee_is_recorded_as_the_provider_the_chair_adds(client_for):
    chair = client_for("panel_chair")
    response = add_provider(chair)
    assert response.status_code == 302, response.data.decode()[:2000]
    assert response.location.endswith(f"{PAGE}?organisation=fenbridge-mentoring-cic#add-attendee")
    page = chair.get(response.location).data.decode()
    assert "Fenbridge Mentoring CIC is added and marked for the DPO to complete" in page
    assert re.search(r'<option[^>]*value="fenbridge-mentoring-cic"[^>]*selected', page)  # chosen for the attendee

    assert stored("organisations", "fenbridge-mentoring-cic") == {
        "ref": "fenbridge-mentoring-cic",
        "name": "Fenbridge Mentoring CIC",
        "partner_type": "intervention_provider",
        "areas": ["riverford"],
        "needs_completion": True,
    }
    event = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.record_type == "organisation", AuditEvent.record_ref == "fenbridge-mentoring-cic"
        )
    ).one()
    assert (event.actor, event.source, event.action.value) == (
        "web:channel.chair@riverford.example.gov.uk",
        "web",
        "create",
    )
    db.session.remove()

    response = chair.post(
        f"{PAGE}/attendees",
        data={
            "csrf_token": csrf(chair, PAGE),
            "record_version": version(chair),
            "attendee-role": "Intervention Provider",
            "attendee-organisation": "fenbridge-mentoring-cic",
            "attendee-name": "Jo Okafor",
            "attendee-membership": "invited",
            "attendee-method": "signed_agreement",
            "attendee-signed_on": ["12", "11", "2026"],
        },
    )
    assert response.status_code == 302, response.data.decode()[:2000]
    meeting = next(m for m in stored("panels", "riverford-channel")["meetings"] if m["ref"] == MEETING)
    assert len(meeting["attendees"]) == 8
    assert meeting["attendees"][7]["organisation"] == "fenbridge-mentoring-cic"


def test_the_dpo_is_told_and_completes_it(client_for):
    assert add_provider(client_for("panel_chair")).status_code == 302
    dpo = client_for("dpo")
    dashboard = dpo.get("/").data.decode()
    assert re.search(r'id="to-complete-count">1<', dashboard)
    assert 'href="/records/organisations/fenbridge-mentoring-cic">Fenbridge Mentoring CIC</a>' in dashboard
    page = dpo.get("/records/organisations/fenbridge-mentoring-cic").data.decode()
    assert 'id="needs-completion"' in page and "For the DPO to complete" in page

    path = "/records/organisations/fenbridge-mentoring-cic/edit"
    record = stored("organisations", "fenbridge-mentoring-cic")
    data = form_data("organisations", {**record, "ico_registration": "ZA123456"}, csrf(dpo, path))
    data["needs_completion"] = "no"
    data["record_version"] = re.search(r'name="record_version" value="(\d+)"', dpo.get(path).data.decode()).group(1)
    response = dpo.post(path, data=data)
    assert response.status_code == 302, response.data.decode()[:2000]
    after = stored("organisations", "fenbridge-mentoring-cic")
    assert "needs_completion" not in after and after["ico_registration"] == "ZA123456"
    assert re.search(r'id="to-complete-count">0<', dpo.get("/").data.decode())
    assert 'id="needs-completion"' not in dpo.get("/records/organisations/fenbridge-mentoring-cic").data.decode()


def test_an_organisation_the_register_holds_is_chosen_not_added_again(client_for):
    chair = client_for("panel_chair")
    before = register_state()
    response = add_provider(chair, name="riverford city council", partner_type="local_authority")
    assert response.status_code == 400
    assert "Riverford City Council is already in the register: choose it as the organisation" in response.data.decode()
    response = add_provider(chair, partner_type="")
    assert response.status_code == 400
    assert "Choose the partner type of the organisation" in response.data.decode()
    assert register_state() == before


def test_no_one_outside_the_panel_adds_an_organisation(client_for, otherton_dpo):
    before = register_state()
    assert add_provider(client_for("auditor")).status_code == 403
    response = otherton_dpo.post(
        f"{PAGE}/organisations",
        data={
            "csrf_token": csrf(otherton_dpo, "/"),
            "organisation-name": "Fenbridge Mentoring CIC",
            "organisation-partner_type": "intervention_provider",
        },
    )
    assert response.status_code == 404  # another area's meeting does not exist for them
    assert register_state() == before


def test_the_attendance_sheet_is_an_official_sensitive_pdf_naming_everyone_present(client_for, tmp_path):
    chair = client_for("panel_chair")
    response = chair.get(f"{PAGE}/attendance.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="attendance-riverford-channel-2026-11-OFFICIAL-SENSITIVE.pdf"')
    assert response.data.startswith(b"%PDF")

    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.record_ref == f"attendance-sheet-{MEETING}")
    ).one()
    assert event.after["sha256"] == hashlib.sha256(response.data).hexdigest()
    assert event.after["attendees"] == 7
    meeting = next(m for m in stored("panels", "riverford-channel")["meetings"] if m["ref"] == MEETING)
    names = [a["name"] for a in meeting["attendees"] if a.get("name")]
    assert names and not any(name in str(event.after) for name in names)  # the audit trail keeps no names

    if not shutil.which("pdftotext"):
        skip_or_fail("pdftotext (Debian package poppler-utils) is not installed", "REQUIRE_POPPLER")
    path = tmp_path / "attendance.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == "OFFICIAL-SENSITIVE" and lines[-1].startswith("OFFICIAL-SENSITIVE")
    assert f"Page 1 of {len(pages)}" in pages[0]
    # Content order (-raw): a table cell's wrapped lines stay together, whatever the columns beside it.
    raw = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(raw.split())
    assert "Attendance and confidentiality" in flat
    assert "Riverford Channel Panel, 4 November 2026" in flat
    for attendee in meeting["attendees"]:
        assert attendee["role"] in flat
        if attendee.get("name"):
            assert attendee["name"] in flat
    assert "never released" in flat


def test_the_sheet_is_not_for_those_who_do_not_record_meetings(client_for, otherton_dpo):
    assert client_for("auditor").get(f"{PAGE}/attendance.pdf").status_code == 403
    assert otherton_dpo.get(f"{PAGE}/attendance.pdf").status_code == 404
