"""An FOI draft a DPO can send (issue 18): downloads as text and Word, OFFICIAL-SENSITIVE until the
DPO marks the draft final for release, which waits for every public interest test."""

from __future__ import annotations

import io

import pytest

from .conftest import csrf

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
    assert "Signatory names, under Section 40(2) (Personal Information): Personal data of the officers" in body


def test_only_an_editor_marks_a_draft_final(client_for):
    client = client_for("auditor")
    response = client.post("/foi/riverford/final", data={"csrf_token": csrf(client, "/"), "final": "yes"})
    assert response.status_code == 403
