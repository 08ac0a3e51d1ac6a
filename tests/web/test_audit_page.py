"""The audit log page: whether the hash chain verifies; each entry's changes (personal data
redacted for auditors), a link to its record, report generations, a DPO's own areas, CSV."""

from __future__ import annotations

import sqlalchemy as sa

from compliance.extensions import db
from compliance.services import audit, exchange


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


# --- an audit trail an auditor can use (issue 20 item 4) ----------------------------------------

DSA_REF = "riverford-prevent-channel-dsa"


def _change_the_dsa(**change) -> None:
    import json

    from .test_write_scope_web import stored

    record = {**stored("dsas", DSA_REF), **change}
    document = {"format": "prevent-compliance-register", "version": 1, "dsas": [record]}
    exchange.import_text(json.dumps(document), actor="editor@riverford.example.gov.uk", source="import")
    db.session.remove()


def test_entries_show_each_field_was_and_now_with_names_redacted_for_auditors(client_for):
    from .test_write_scope_web import stored

    parties = stored("dsas", DSA_REF)["parties"]
    parties[0] = {**parties[0], "signatory_name": "Jane Newsigner"}
    _change_the_dsa(title="Riverford DSA, second edition", parties=parties)
    query = f"/audit/?record_type=dsa&record_ref={DSA_REF}"

    auditor = client_for("auditor").get(query).data.decode()
    assert (
        "Title</strong>: was" in auditor
        and 'now <span class="app-audit-value">Riverford DSA, second edition' in auditor
    )
    assert "Jane Newsigner" not in auditor and "Helen Marsh" not in auditor and "[personal data]" in auditor
    assert f'href="/records/dsas/{DSA_REF}"' in auditor  # a link to the record

    dpo = client_for("dpo").get(query).data.decode()
    assert "Jane Newsigner" in dpo and "Helen Marsh" in dpo  # a DPO may see the names (and edit them)


def test_a_dpo_reads_the_trail_of_their_own_areas_only(otherton_dpo):
    page = otherton_dpo.get("/audit/").data.decode()
    assert "otherton-referrals" in page and "otherton-council" in page
    assert DSA_REF not in page and "riverford-city-council" not in page
    assert otherton_dpo.get(f"/audit/?record_ref={DSA_REF}").data.decode().count('<tr class="govuk-table__row">') == 0


def test_report_generations_are_in_the_trail_with_their_hash_and_scope(client_for, otherton_dpo):
    import hashlib

    auditor = client_for("auditor")
    workbook = auditor.get("/transfer/report.xlsx?area=riverford")
    assert workbook.status_code == 200
    page = auditor.get("/audit/?record_type=report").data.decode()
    assert hashlib.sha256(workbook.data).hexdigest() in page
    assert "area riverford" in page and "workbook-riverford" in page
    # Otherton's DPO does not see Riverford's report.
    assert "workbook-riverford" not in otherton_dpo.get("/audit/?record_type=report").data.decode()


def test_the_trail_downloads_as_csv_that_no_spreadsheet_runs(client_for):
    import csv
    import io

    _change_the_dsa(title='=HYPERLINK("http://evil.example","click")')
    response = client_for("auditor").get(f"/audit/trail.csv?record_type=dsa&record_ref={DSA_REF}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    title = next(row for row in rows if row["field"] == "title")
    assert title["now"].startswith("'=HYPERLINK") and title["record now"] == f"dsas/{DSA_REF}"
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values() if value)
    assert "Helen Marsh" not in response.data.decode()  # an auditor's download is redacted too
