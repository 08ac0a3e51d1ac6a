"""Issue 20 item 1: archive never deletes. Every record type is archived and restored from the
browser (kept, read-only, shown with who, when and why, audited), exported with archived_on and
archived_reason, and only the purge command run by an admin deletes one."""

from __future__ import annotations

import io
import json
import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, EvidenceDocument
from compliance.services import exchange
from tests.conftest import fixture_path

from .conftest import USERS, csrf
from .test_write_scope_web import stored

# One record of each type of the full register (imported beside the demo's).
FULL = json.loads(fixture_path("full-register.json").read_text(encoding="utf-8"))
ONE_OF_EACH = {key: FULL[key][-1]["ref"] for key in exchange.f.BY_KEY}


def _full_register() -> None:
    exchange.import_text(fixture_path("full-register.json").read_text(encoding="utf-8"), actor="test", source="import")
    db.session.remove()


def _audit_count(subject: str, ref: str) -> int:
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.record_type == subject, AuditEvent.record_ref == ref)
    )
    db.session.remove()
    return count


def test_every_record_type_is_archived_read_only_and_restored_from_the_browser(client_for):
    _full_register()
    client = client_for("admin")
    for key, ref in ONE_OF_EACH.items():
        subject = exchange.f.BY_KEY[key].subject
        before, audited = stored(key, ref), _audit_count(subject, ref)
        path = f"/records/{key}/{ref}/archive"
        page = client.get(path).data.decode()
        assert "Are you sure you want to archive the" in page, key
        response = client.post(path, data={"csrf_token": csrf(client, path), "reason": f"Made in error ({key})"})
        assert response.status_code == 302, (key, response.data.decode()[:1000])
        record = stored(key, ref)  # kept, and exported with when and why
        assert record["archived_reason"] == f"Made in error ({key})" and "archived_on" in record, key
        detail = client.get(f"/records/{key}/{ref}").data.decode()
        assert "is archived" in detail and USERS["admin"] in detail and f"Made in error ({key})" in detail, key
        assert f"/records/{key}/{ref}/edit" not in detail, key  # read-only: no change link...
        edit = client.get(f"/records/{key}/{ref}/edit")  # ...and the form sends the user back
        assert edit.status_code == 302 and edit.headers["Location"].endswith(f"/records/{key}/{ref}"), key
        version = re.search(r'name="record_version" value="(\d+)"', detail).group(1)
        restored = client.post(
            f"/records/{key}/{ref}/restore", data={"csrf_token": csrf(client, "/"), "record_version": version}
        )
        assert restored.status_code == 302, key
        after = stored(key, ref)
        assert "archived_on" not in after and "archived_reason" not in after, key
        expected = {k: v for k, v in before.items() if k not in ("status", "ended_on")}
        assert {k: v for k, v in after.items() if k not in ("status", "ended_on")} == expected, key
        assert _audit_count(subject, ref) == audited + 2, key  # the archive and the restore


def test_archiving_needs_a_reason_and_a_record_that_is_not_archived_already(client_for):
    client = client_for("dpo")
    path = "/records/privacy_notices/riverford-prevent-notice/archive"
    refused = client.post(path, data={"csrf_token": csrf(client, path), "reason": ""})
    assert refused.status_code == 400 and "Enter why the record is being archived" in refused.data.decode()
    assert "archived_on" not in stored("privacy_notices", "riverford-prevent-notice")
    client.post(path, data={"csrf_token": csrf(client, path), "reason": "Superseded"})
    again = client.get(path)
    assert again.status_code == 302  # already archived: back to its page
    assert "already archived" in client.get("/records/privacy_notices/riverford-prevent-notice").data.decode()


def test_an_archived_panel_s_meetings_cannot_change(client_for):
    dpo, chair = client_for("dpo"), client_for("panel_chair")
    path = "/records/panels/riverford-channel/archive"
    dpo.post(path, data={"csrf_token": csrf(dpo, path), "reason": "Merged into the county panel"})
    meeting = "/meetings/riverford-channel-2026-11"
    before = stored("panels", "riverford-channel")
    page = chair.get(meeting).data.decode()
    version = re.search(r'name="record_version" value="(\d+)"', page).group(1)
    response = chair.post(
        f"{meeting}/minuted-statement",
        data={"csrf_token": csrf(chair, meeting), "record_version": version, "statement-statement_minutes_ref": "M1"},
    )
    assert response.status_code == 409 and "is archived" in response.data.decode()
    assert stored("panels", "riverford-channel") == before


def test_a_flow_that_links_to_an_archived_dpia_keeps_it_and_its_findings(client_for):
    """The decision: a link to an archived record is kept and shown as archived; the rules read
    the archived record as before (gap-rules.md says nothing stops counting when it is archived),
    so archiving a DPIA neither raises DPIA_MISSING on its flows nor closes a finding."""
    _full_register()
    client = client_for("admin")
    flows = [r["ref"] for r in FULL["data_flows"] if r.get("dpia") == "westford-dpia"]
    assert flows
    findings_before = client.get(f"/records/data_flows/{flows[0]}").data.decode().count('id="finding-')
    dpia_findings = client.get("/records/dpias/westford-dpia").data.decode().count('id="finding-')
    path = "/records/dpias/westford-dpia/archive"
    page = client.get(path).data.decode()
    assert f"/records/data_flows/{flows[0]}" in page  # the confirmation lists what links to it
    client.post(path, data={"csrf_token": csrf(client, path), "reason": "Replaced by the 2027 DPIA"})
    flow_page = client.get(f"/records/data_flows/{flows[0]}").data.decode()
    # The link (by the DPIA's name, its ref as secondary text) is followed by the Archived tag.
    assert re.search(
        r'href="/records/dpias/westford-dpia">[^<]*</a>(?: <span[^>]*>\(westford-dpia\)</span>)?'
        r' <strong class="govuk-tag govuk-tag--grey">Archived</strong>',
        flow_page,
    )
    assert flow_page.count('id="finding-') == findings_before and 'id="finding-dpia_missing"' not in flow_page
    assert client.get("/records/dpias/westford-dpia").data.decode().count('id="finding-') == dpia_findings
    assert stored("data_flows", flows[0])["dpia"] == "westford-dpia"
    # Still offered on the flow's form (so saving it keeps the link), named as archived; listed as archived.
    assert "(archived)</option>" in client.get(f"/records/data_flows/{flows[0]}/edit").data.decode()
    listed = client.get("/records/dpias").data.decode()
    assert re.search(
        r'href="/records/dpias/westford-dpia">[^<]*</a> <strong class="govuk-tag govuk-tag--grey">', listed
    )


def test_exports_hold_archived_records_with_when_and_why(client_for):
    client = client_for("dpo")
    path = "/records/storage_systems/cmis/archive"
    client.post(path, data={"csrf_token": csrf(client, path), "reason": "Decommissioned in 2026"})
    db.session.remove()
    system = next(r for r in exchange.export_document()["storage_systems"] if r["ref"] == "cmis")
    assert system["archived_reason"] == "Decommissioned in 2026"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", system["archived_on"])
    csv_text = client.get("/records/storage_systems/download.csv").data.decode()
    header, *rows = csv_text.splitlines()
    assert {"archived_on", "archived_reason"} <= set(header.split(","))
    assert any(row.startswith("cmis,") and "Decommissioned in 2026" in row for row in rows)
    text = client_for("admin").get("/transfer/export").data.decode()
    assert '"archived_reason": "Decommissioned in 2026"' in text


def test_no_document_is_attached_to_an_archived_record(client_for):
    dpo = client_for("dpo")
    record = "/records/dsas/riverford-prevent-channel-dsa"
    form = dpo.get(f"{record}/documents")
    token = csrf(dpo, f"{record}/documents")
    assert form.status_code == 200
    path = f"{record}/archive"
    dpo.post(path, data={"csrf_token": csrf(dpo, path), "reason": "Replaced by the county agreement"})
    assert dpo.get(f"{record}/documents").status_code == 409
    response = dpo.post(
        f"{record}/documents",
        data={
            "csrf_token": token,
            "title": "Signed DSA",
            "marking": "official_sensitive",
            "document": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "signed.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = response.data.decode()
    assert response.status_code == 409 and "is archived: restore it before attaching a document" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceDocument)) == 0
