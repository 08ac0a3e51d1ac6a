"""The exchange workbook in the browser: downloads, the template, and an import previewed before
anything is written (a page of its own, kept with the workbook until the register changes), then
confirmed for the same file (its SHA-256) against the same register."""

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
    """Upload a workbook; a checked one is kept and its preview shown on a page of its own."""
    response = client.post(
        "/transfer/import",
        data={"csrf_token": csrf(client, "/transfer/"), "file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )
    if response.status_code != 303:
        return response
    assert re.fullmatch(r"/transfer/import/[0-9a-f]{64}", response.headers["Location"])
    assert response.headers["Location"].endswith(hashlib.sha256(body).hexdigest())
    return client.get(response.headers["Location"])


def _confirm_fields(page: str) -> dict[str, str]:
    return {
        name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)
        for name in ("csrf_token", "sha256", "checked")
    }


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
    fields = _confirm_fields(page)
    response = client.post("/transfer/import/confirm", data=fields)
    assert response.status_code == 302
    assert "Imported" in client.get("/transfer/").data.decode()
    assert _audit_entries() == before + 1
    channels = {flow.transfer_channel.value for flow in db.session.scalars(sa.select(DataFlow))}
    assert "unsecure_email" in channels
    # Confirmed once: the kept file and its preview are gone.
    again = client.post("/transfer/import/confirm", data=fields)
    assert again.status_code == 400 and "upload it again" in again.data.decode()
    assert not list((Path(demo.instance_path) / "imports").glob(f"{fields['sha256']}-*"))
    gone = client.get(f"/transfer/import/{fields['sha256']}")
    assert gone.status_code == 404 and "upload it again" in gone.data.decode()


def test_a_file_changed_after_its_preview_is_not_imported(client_for, demo):
    client = client_for("admin")
    page = _upload(client, _edited_demo_workbook(client)).data.decode()
    fields = _confirm_fields(page)
    kept = next((Path(demo.instance_path) / "imports").glob(f"{fields['sha256']}-*.xlsx"))
    kept.write_bytes(kept.read_bytes() + b"\0")
    before = _audit_entries()
    response = client.post("/transfer/import/confirm", data=fields)
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


def _change_another_flow() -> None:
    """Someone else saves a change to a flow the workbook does not change (its name)."""
    from compliance.exchange import fields as f
    from compliance.exchange import serialise
    from compliance.models.enums import Role
    from compliance.services import access, records

    flow = db.session.scalars(sa.select(DataFlow).order_by(DataFlow.id.desc())).first()
    record = serialise.record(f.BY_KEY["data_flows"], flow)
    record["name"] = record["name"] + " (reviewed)"
    db.session.remove()
    records.save(access.Scope(Role.ADMIN, "other@test", None, frozenset()), "data_flows", record, actor="other@test")
    db.session.remove()


def test_showing_the_preview_again_reads_what_was_kept(client_for, demo, monkeypatch):
    """Reloading the preview page (or coming back to it) shows the kept preview: the workbook is not
    read or checked again while the register is unchanged."""
    from compliance.services import workbook_import

    client = client_for("admin")
    page = _upload(client, _edited_demo_workbook(client)).data.decode()
    sha = _confirm_fields(page)["sha256"]

    def not_again(*args, **kwargs):
        raise AssertionError("the workbook was checked again")

    monkeypatch.setattr(workbook_import, "preview", not_again)
    again = client.get(f"/transfer/import/{sha}")
    assert again.status_code == 200
    shown = again.data.decode()
    assert "register.xlsx" in shown and "Findings the import would raise (1)" in shown
    assert re.search(r"Data flows</th><td[^>]*>0</td><td[^>]*>1</td>", shown)
    assert "checked again" not in shown
    assert client.get(f"/transfer/import/{'0' * 64}").status_code == 404  # nothing kept by that name


def test_a_register_changed_after_the_preview_is_checked_again_before_importing(client_for, demo):
    """No lost edits: a confirmation for a preview worked out before someone else's change does not
    import; the preview is worked out again against the register as it is, and shown."""
    client = client_for("admin")
    page = _upload(client, _edited_demo_workbook(client)).data.decode()
    fields = _confirm_fields(page)
    _change_another_flow()
    before = _audit_entries()
    response = client.post("/transfer/import/confirm", data=fields)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/transfer/import/{fields['sha256']}")
    assert _audit_entries() == before  # nothing imported
    shown = client.get(response.headers["Location"]).data.decode()
    assert "The register changed, or a day passed, after this workbook was checked" in shown
    # The flow changed by someone else is now one the workbook would change back.
    assert re.search(r"Data flows</th><td[^>]*>0</td><td[^>]*>2</td>", shown), shown
    fresh = _confirm_fields(shown)
    assert fresh["checked"] != fields["checked"] and fresh["sha256"] == fields["sha256"]
    assert client.post("/transfer/import/confirm", data=fresh).status_code == 302
    assert _audit_entries() == before + 2  # one entry per record changed: both flows


def test_a_preview_is_its_uploaders_alone(client_for, demo):
    client = client_for("admin")
    sha = _confirm_fields(_upload(client, _edited_demo_workbook(client)).data.decode())["sha256"]
    assert client_for("dpo").get(f"/transfer/import/{sha}").status_code == 403
    kept = next((Path(demo.instance_path) / "imports").glob(f"{sha}-*.xlsx"))
    kept.write_bytes(kept.read_bytes() + b"\0")  # the kept file is not the one uploaded any more
    response = client.get(f"/transfer/import/{sha}")
    assert response.status_code == 400 and "changed since it was checked" in response.data.decode()
    assert not kept.exists()


def test_a_preview_from_an_earlier_day_is_checked_again(client_for, demo, monkeypatch):
    """Rules read the date (reviews due, expiries): a preview kept from yesterday is worked out again,
    and a confirmation made from it imports nothing."""
    from datetime import date, timedelta

    from compliance.services import workbook_import

    client = client_for("admin")
    page = _upload(client, _edited_demo_workbook(client)).data.decode()
    fields = _confirm_fields(page)

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.today() + timedelta(days=1)

    monkeypatch.setattr(workbook_import, "date", Tomorrow)
    before = _audit_entries()
    response = client.post("/transfer/import/confirm", data=fields)
    assert response.status_code == 303 and _audit_entries() == before
    shown = client.get(response.headers["Location"]).data.decode()
    assert "or a day passed" in shown and _confirm_fields(shown)["checked"] != fields["checked"]
