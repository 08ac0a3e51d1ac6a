"""A ref used again by another area's record (issue 21 item 2): a DPO of Riverford attaches a PDF to
an organisation and removes it; a DPO of Otherton creates an organisation with the same ref. The
new record must not inherit the old one's evidence, findings or audit entries."""

from __future__ import annotations

import io
import json
import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, EvidenceDocument, Finding, FindingEvent, Organisation
from compliance.services import exchange, findings, purge, users

from .conftest import OTHERTON, USERS, csrf, sign_in
from .test_concurrency import opened_form
from .test_evidence import PDF
from .test_write_scope_web import demo_client, form_data

REF = "shared-ref-council"
ORG = f"/records/organisations/{REF}"


def _import(organisation: dict, flow: dict, actor: str) -> None:
    document = {"format": "prevent-compliance-register", "version": 1, "organisations": [organisation]}
    exchange.import_text(json.dumps({**document, "data_flows": [flow]}), actor=actor, source="import")
    findings.refresh(actor=actor)
    db.session.commit()


def _flow(ref: str, area: str, sender: str, recipient: str) -> dict:
    return {
        **OTHERTON["data_flows"][0],
        "ref": ref,
        "name": ref,
        "area": area,
        "sender": sender,
        "recipient": recipient,
    }


def _riverford_org_with_a_document(riverford) -> tuple[int, int]:
    organisation = {
        "ref": REF,
        "name": "Riverford Old Council",
        "partner_type": "local_authority",
        "areas": ["riverford"],
    }
    # A live flow from it: the organisation has a finding (no complaints procedure), whose risk Riverford accepts.
    _import(organisation, _flow("riverford-old-flow", "riverford", REF, "riverford-city-council"), "riverford-import")
    finding = db.session.scalar(sa.select(Finding).where(Finding.subject_ref == REF))
    page = opened_form(riverford, f"/findings/{finding.id}")
    accepted = riverford.post(
        f"/findings/{finding.id}/accept",
        data={**page, "reason": "Riverford's reason", "review_on": ["1", "1", "2030"]},
    )
    assert accepted.status_code == 302, accepted.data.decode()[:3000]
    response = riverford.post(
        f"{ORG}/documents",
        data={
            "csrf_token": csrf(riverford, f"{ORG}/documents"),
            "title": "Riverford confidential PDF",
            "marking": "official_sensitive",
            "document": (io.BytesIO(PDF), "riverford.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    old_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.ref == REF))
    document_id = db.session.scalar(sa.select(EvidenceDocument.id))
    # The flow stops using it, and an admin purges it (archiving keeps a record; purging is the one
    # way a record goes, and nothing points at it any more).
    flow = _flow("riverford-old-flow", "riverford", "riverford-city-council", "riverford-city-council")
    _import({**organisation, "name": "Riverford Old Council"}, flow, "riverford-import")
    purge.purge("organisations", REF, reason="Created by mistake", admin_email=USERS["admin"], actor="cli:admin")
    db.session.remove()
    assert db.session.scalar(sa.select(Organisation.id).where(Organisation.ref == REF)) is None
    return old_id, document_id


def test_a_new_record_with_a_removed_ones_ref_inherits_nothing(otherton_dpo):
    app = otherton_dpo.application
    riverford = demo_client(app, "dpo")
    old_id, document_id = _riverford_org_with_a_document(riverford)
    old_findings = db.session.scalars(sa.select(Finding).where(Finding.subject_ref == REF)).all()
    assert old_findings, "the removed organisation should have had findings (no complaints procedure)"

    new = {"ref": REF, "name": "Otherton New Council", "partner_type": "local_authority", "areas": ["otherton"]}
    data = form_data("organisations", new, csrf(otherton_dpo, "/records/organisations/new"))
    response = otherton_dpo.post("/records/organisations/new", data=data)
    assert response.status_code == 302, response.data.decode()[:2000]
    db.session.remove()
    # Otherton's flow from it: the new organisation's own finding about the same rule.
    exchange.import_text(
        json.dumps(
            {
                "format": "prevent-compliance-register",
                "version": 1,
                "data_flows": [_flow("otherton-new-flow", "otherton", REF, "otherton-police")],
            }
        ),
        actor="otherton-import",
        source="import",
    )
    db.session.commit()
    new_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.ref == REF))
    assert new_id is not None and new_id != old_id  # ids are never handed out twice (SQLite: AUTOINCREMENT)

    # The document: not downloadable, not listed, not offered as the original of a redacted copy.
    assert otherton_dpo.get(f"/documents/{document_id}").status_code == 404
    detail = otherton_dpo.get(ORG).data.decode()
    assert "Otherton New Council" in detail and "Riverford confidential PDF" not in detail
    assert "Riverford confidential PDF" not in otherton_dpo.get(f"{ORG}/documents").data.decode()

    # The history: Otherton's creation only.
    history = otherton_dpo.get(f"{ORG}/history").data.decode()
    assert "riverford-import" not in history and "dpo@riverford" not in history
    assert history.count('<tr class="govuk-table__row">') == 2, history  # the header and one entry

    # Otherton's auditor sees only Otherton's entries about the ref.
    users.create_user(
        "auditor@otherton.example.gov.uk",
        "auditor",
        "otherton-password",
        area_refs=["otherton"],
        actor="t",
        source="cli",
    )
    db.session.commit()
    auditor = app.test_client()
    assert sign_in(auditor, "auditor@otherton.example.gov.uk", "otherton-password").status_code == 302
    trail = auditor.get(f"/audit/?record_ref={REF}").data.decode()
    assert "Riverford Old Council" not in trail and "riverford-import" not in trail and "dpo@riverford" not in trail
    assert "1 entries" in trail or "1 entry" in trail
    entries = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.record_ref == REF)).all()
    assert {e.record_id for e in entries} == {old_id, new_id}  # the old entries stay, on the old record

    # An admin still sees everything, and the removed organisation's document.
    admin = demo_client(app, "admin")
    assert admin.get(f"/documents/{document_id}").status_code == 200
    trail = admin.get(f"/audit/?record_ref={REF}").data.decode()
    assert "riverford-import" in trail and "Removed" in trail  # the old record's entries: it is gone
    assert f'href="/records/organisations/{REF}"' in trail  # the new record's entry links to it

    # Findings: the old ones stay closed on the old record; the new record's are its own, with no
    # history from Riverford (none of Riverford's events, nobody's accepted risk).
    findings.refresh(actor="otherton-refresh")
    db.session.commit()
    db.session.remove()
    rows = db.session.scalars(sa.select(Finding).where(Finding.subject_ref == REF)).all()
    old = [row for row in rows if row.subject_id == old_id]
    new_rows = [row for row in rows if row.subject_id == new_id]
    assert old and all(row.status.value == "remediated" for row in old)
    assert new_rows and all(row.id not in {o.id for o in old} for row in new_rows)
    assert all(row.accepted_reason is None and row.status.value == "open" for row in new_rows)
    actors = set(
        db.session.scalars(
            sa.select(FindingEvent.actor).where(FindingEvent.finding_id.in_([row.id for row in new_rows]))
        )
    )
    assert actors and "riverford-refresh" not in actors
    page = otherton_dpo.get(ORG).data.decode()
    for row in new_rows:
        assert f"/findings/{row.id}" in page
    for row in old:
        assert otherton_dpo.get(f"/findings/{row.id}").status_code == 404
        # An admin reads it, without a link to the record that has its ref now.
        assert f'href="/records/organisations/{REF}"' not in admin.get(f"/findings/{row.id}").data.decode()
    assert f'href="/records/organisations/{REF}"' in admin.get(f"/findings/{new_rows[0].id}").data.decode()
    # The findings list says the same: the old findings are listed without a link, as no longer in
    # the register; the new record's with one.
    listing = admin.get("/findings/?status=remediated&record_type=organisation").data.decode()
    rows_html = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<tr class="govuk-table__row">.*?href="/findings/(\d+)".*?</tr>', listing, re.S)
    }
    for row in old:
        if row.id in rows_html:
            assert f'href="/records/organisations/{REF}"' not in rows_html[row.id]
            assert "no longer in the register" in rows_html[row.id]
    assert any(row.id in rows_html for row in old), "the list shows the old, closed findings"
