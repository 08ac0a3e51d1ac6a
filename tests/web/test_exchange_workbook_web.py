"""The exchange workbook in the browser: downloads, the template, and an import previewed before
anything is written, then confirmed for the same file (its SHA-256)."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from compliance.extensions import db
from compliance.models import AuditEvent, DataFlow
from tests.web.conftest import csrf


def _audit_entries() -> int:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db.session.remove()
    return count


def _upload(client, body: bytes, name: str = "register.xlsx"):
    return client.post(
        "/transfer/import",
        data={"csrf_token": csrf(client, "/transfer/"), "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def _edited_demo_workbook(client) -> bytes:
    response = client.get("/transfer/export?format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    flows = workbook["Data flows"]
    column = [c.value for c in flows[2]].index("transfer_channel")
    flows.cell(3, column + 1, "Unsecured email")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_preview_then_confirm(client_for, demo):
    client = client_for("admin")
    body = _edited_demo_workbook(client)
    before = _audit_entries()
    response = _upload(client, body)
    page = response.data.decode()
    assert response.status_code == 200, page[:2000]
    assert "Check the changes before importing" in page
    assert re.search(r"Data flows</th><td[^>]*>0</td><td[^>]*>1</td>", page)
    # The DSA covering that flow does not allow unsecured email: a finding the import would raise.
    assert "Findings the import would raise (1)" in page and "SHARED_OUTSIDE_AGREEMENT" in page
    assert _audit_entries() == before  # the preview wrote nothing
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/transfer/import/confirm", data={"csrf_token": token, "sha256": sha})
    assert response.status_code == 302
    assert "Imported" in client.get("/transfer/").data.decode()
    assert _audit_entries() == before + 1
    channels = {flow.transfer_channel.value for flow in db.session.scalars(sa.select(DataFlow))}
    assert "unsecure_email" in channels
    # Confirmed once: the kept file is gone.
    again = client.post("/transfer/import/confirm", data={"csrf_token": token, "sha256": sha})
    assert again.status_code == 400 and "upload it again" in again.data.decode()


def test_a_file_changed_after_its_preview_is_not_imported(client_for, demo):
    client = client_for("admin")
    page = _upload(client, _edited_demo_workbook(client)).data.decode()
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    kept = next((Path(demo.instance_path) / "imports").glob(f"{sha}-*.xlsx"))
    kept.write_bytes(kept.read_bytes() + b"\0")
    before = _audit_entries()
    response = client.post("/transfer/import/confirm", data={"csrf_token": token, "sha256": sha})
    assert response.status_code == 400 and "changed since it was checked" in response.data.decode()
    assert _audit_entries() == before
    assert not kept.exists()


def test_bad_workbooks_are_problems_not_server_errors(client_for, demo):
    client = client_for("admin")
    response = _upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert response.status_code == 400 and "password-protected" in response.data.decode()
    response = _upload(client, b"PK\x03\x04 not really a zip")
    assert response.status_code == 400 and "damaged" in response.data.decode()
    workbook = load_workbook(io.BytesIO(client.get("/transfer/template.xlsx").data))
    workbook["Data flows"]["A3"] = "a-flow"
    workbook["Data flows"]["H3"] = "email"
    out = io.BytesIO()
    workbook.save(out)
    page = _upload(client, out.getvalue()).data.decode()
    assert "Data flows!H3 (Transfer channel): &#39;email&#39; is not one of" in page
    sha = hashlib.sha256(out.getvalue()).hexdigest()
    assert not list((Path(demo.instance_path) / "imports").glob(f"{sha}-*"))  # a refused file is not kept


def test_the_template_and_area_workbooks_for_every_reader(client_for):
    client = client_for("auditor")
    response = client.get("/transfer/template.xlsx")
    assert response.status_code == 200 and "register-template.xlsx" in response.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.data))["Data flows"].max_row == 2
    page = client.get("/transfer/").data.decode()
    assert "/transfer/template.xlsx" in page and "format=xlsx" in page
    response = client.get("/transfer/export?area=riverford&format=xlsx&redact=yes")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('redacted.xlsx"') is False
    assert load_workbook(io.BytesIO(response.data))["Data flows"].max_row > 2
