"""Evidence documents: type checked from the content, SECRET refused, downloads only within the user's areas."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, EvidenceDocument
from compliance.services import exchange, users

from .conftest import OTHERTON, csrf, sign_in

DSA = "/records/dsas/riverford-prevent-channel-dsa"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, content: bytes, filename: str, marking: str = "official_sensitive", title: str = "Signed DSA"):
    return client.post(
        f"{DSA}/documents",
        data={
            "csrf_token": csrf(client, f"{DSA}/documents"),
            "title": title,
            "marking": marking,
            "document": (io.BytesIO(content), filename),
        },
        content_type="multipart/form-data",
    )


def test_a_signed_dsa_is_attached_and_downloaded_with_its_hash(client_for):
    client = client_for("dpo")
    assert upload(client, PDF, "signed-dsa.pdf").status_code == 302
    stored = db.session.scalar(sa.select(EvidenceDocument))
    assert stored.content_type == "application/pdf" and len(stored.sha256) == 64 and stored.size == len(PDF)
    page = client.get(DSA).data.decode()
    assert "Signed DSA" in page and stored.sha256[:12] in page
    response = client.get(f"/documents/{stored.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["X-Protective-Marking"] == "OFFICIAL-SENSITIVE"
    assert (
        db.session.scalar(sa.select(AuditEvent).where(AuditEvent.record_type == "evidence_document")).after["sha256"]
        == stored.sha256
    )
    assert upload(client, docx(), "dpia.docx", title="DPIA").status_code == 302


def test_a_renamed_executable_is_refused_with_a_clear_message(client_for):
    client = client_for("dpo")
    response = upload(client, b"MZ\x90\x00\x03" + b"\x00" * 200, "signed-dsa.pdf")
    assert response.status_code == 400
    assert "must be a PDF, DOCX or ODT document" in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceDocument)) == 0


def test_secret_documents_and_oversized_files_are_refused(client_for):
    client = client_for("dpo")
    response = upload(client, PDF, "x.pdf", marking="secret")
    assert response.status_code == 400 and "SECRET or above cannot be held" in response.data.decode()
    # The size limit, through the service (a 20 MB multipart body leaks a temporary file in the test client).
    from compliance.models.enums import DocumentMarking, Role
    from compliance.services import evidence
    from compliance.services.access import Scope

    scope = Scope(Role.DPO, "dpo@test", None, frozenset())
    big = evidence.Upload("Big", "big.pdf", PDF + b"0" * evidence.MAX_BYTES, DocumentMarking.OFFICIAL)
    with pytest.raises(evidence.EvidenceRefused, match="smaller than 20 MB"):
        evidence.attach(scope, "dsas", "riverford-prevent-channel-dsa", big, actor="test")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceDocument)) == 0


def test_a_user_of_another_area_gets_404_for_the_download(client_for, demo):
    assert upload(client_for("dpo"), PDF, "signed-dsa.pdf").status_code == 302
    document = db.session.scalar(sa.select(EvidenceDocument.id))
    exchange.import_text(json.dumps(OTHERTON), actor="test", source="import")
    users.create_user(
        "dpo@otherton.example.gov.uk", "dpo", "otherton-password", area_refs=["otherton"], actor="test", source="cli"
    )
    db.session.commit()
    other = demo.test_client()
    sign_in(other, "dpo@otherton.example.gov.uk", "otherton-password")
    assert other.get(f"/documents/{document}").status_code == 404
    assert client_for("auditor").get(f"/documents/{document}").status_code == 200
