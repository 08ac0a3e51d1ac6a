"""An FOI draft a DPO can send (issue 18): downloads as text and Word, OFFICIAL-SENSITIVE until the
DPO marks the draft final for release, which waits for every public interest test."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent
from compliance.services import register
from compliance.services.seeding import DEMO_FILE

from .conftest import csrf


def demo_names() -> set[str]:
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    names = {a["name"] for p in demo["panels"] for m in p["meetings"] for a in m["attendees"] if "name" in a}
    return names | {p["signatory_name"] for d in demo["dsas"] for p in d["parties"] if "signatory_name" in p}


PIT = "The public interest in knowing who was consulted is met by the answer itself; naming them risks their safety."


def text_download(client) -> str:
    response = client.get("/foi/riverford/response.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert 'filename="foi-response-riverford-' in response.headers["Content-Disposition"]
    return response.data.decode()


def test_a_draft_is_marked_until_the_dpo_marks_it_final_for_release(client_for):
    client = client_for("dpo")
    text = text_download(client)
    assert text.startswith("OFFICIAL-SENSITIVE\n") and text.rstrip().endswith("OFFICIAL-SENSITIVE")
    assert "[Sources:" not in text  # the records an answer rests on are for the DPO, not the requester
    page = client.get("/foi/riverford").data.decode()
    assert demo_names() and [name for name in demo_names() if name in text or name in page] == []
    # Question 14's s38 public interest test is not recorded: the draft cannot be final.
    page = client.get("/foi/riverford").data.decode()
    assert "questions 14 still" not in page and "question 14 still need" in page
    response = client.post("/foi/riverford/final", data={"csrf_token": csrf(client, "/foi/riverford"), "final": "yes"})
    assert response.status_code == 302
    assert "cannot be marked final" in client.get("/foi/riverford").data.decode()
    assert text_download(client).startswith("OFFICIAL-SENSITIVE")
    # The DPO records the test; the draft can then be marked final, and its downloads lose the marking.
    path = "/foi/riverford/14/withhold"
    response = client.post(path, data={"csrf_token": csrf(client, path), "exemptions": ["s38"], "public_interest": PIT})
    assert response.status_code == 302
    response = client.post("/foi/riverford/final", data={"csrf_token": csrf(client, "/foi/riverford"), "final": "yes"})
    assert response.status_code == 302
    released = text_download(client)
    assert "OFFICIAL-SENSITIVE" not in released and f"Public interest test: {PIT}" in released
    # A changed draft is a new draft: marked again until marked final again.
    path = "/foi/riverford/2/withhold"
    client.post(path, data={"csrf_token": csrf(client, path), "exemptions": ["s24"], "public_interest": PIT})
    assert text_download(client).startswith("OFFICIAL-SENSITIVE")


def test_the_word_document_downloads(client_for):
    docx = pytest.importorskip("docx")
    response = client_for("auditor").get("/foi/riverford/response.docx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    document = docx.Document(io.BytesIO(response.data))
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    body = "\n".join(p.text for p in document.paragraphs)
    assert [name for name in demo_names() if name in body] == []
    assert "Signatory names, under Section 40(2) (Personal Information): Personal data of the officers" in body


def test_only_an_editor_marks_a_draft_final(client_for):
    client = client_for("auditor")
    response = client.post("/foi/riverford/final", data={"csrf_token": csrf(client, "/"), "final": "yes"})
    assert response.status_code == 403


def test_an_admin_sets_who_answers_from_the_browser_and_it_is_audited(client_for):
    admin = client_for("admin")
    assert "Each area&#39;s responsible authority" in admin.get("/foi/").data.decode()
    refused = admin.post("/foi/holder", data={"csrf_token": csrf(admin, "/foi/holder"), "holder": "no-such-org"})
    assert refused.status_code == 400
    assert register.holder_ref() is None
    saved = admin.post("/foi/holder", data={"csrf_token": csrf(admin, "/foi/holder"), "holder": "eastshire-police"})
    assert saved.status_code == 302 and register.holder_ref() == "eastshire-police"
    assert "Eastshire Police" in admin.get("/foi/").data.decode()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.record_ref == "foi-holder")).one()
    assert (event.before, event.after) == ({"holder": None}, {"holder": "eastshire-police"})
    exported = admin.get("/transfer/export")
    assert json.loads(exported.data)["holder"] == "eastshire-police"
    admin.post("/foi/holder", data={"csrf_token": csrf(admin, "/foi/holder"), "holder": ""})
    assert register.holder_ref() is None
    dpo = client_for("dpo")
    assert dpo.get("/foi/holder").status_code == 403
    assert "/foi/holder" not in dpo.get("/foi/").data.decode()
