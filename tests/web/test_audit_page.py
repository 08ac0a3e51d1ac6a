"""The audit log page says whether the audit trail's hash chain verifies."""

from __future__ import annotations

import sqlalchemy as sa

from compliance.extensions import db
from compliance.services import audit


def test_the_audit_log_page_says_whether_the_chain_verifies(client_for):
    client = client_for("auditor")
    page = client.get("/audit/?verify=now").data.decode()
    assert "hash chain verifies" in page
    # An entry written since is checked as the page loads, without a full check.
    audit.record_change(actor="t", source="test", record_type="area", record_ref="x", before=None, after={"a": 1})
    db.session.commit()
    second = db.session.scalar(sa.text("SELECT id FROM audit_event ORDER BY id LIMIT 1 OFFSET 1"))
    db.session.execute(sa.text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": second})
    db.session.commit()
    db.session.remove()
    assert "hash chain verifies" in client.get("/audit/").data.decode()  # the older entries: checked earlier
    page = client.get("/audit/?verify=now").data.decode()
    assert "does not verify" in page and f"audit entry {second} (audit_event)" in page
    assert "does not verify" in client.get("/audit/").data.decode()
