"""Hostile input from the browser gets a GOV.UK error naming what is wrong, never a server error,
and never reaches the database: control characters in addresses and form fields, huge page
numbers, odd evidence file names, a forged redacted-copy choice, hostile import files."""

from __future__ import annotations

import io
import json
import time
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from compliance.exchange import fields as f
from compliance.extensions import db
from compliance.models import AuditEvent, DataFlow, EvidenceDocument
from tests.conftest import fixture_path

from .conftest import csrf
from .test_evidence import DSA, PDF, upload

FLOW = "/records/data_flows/council-to-police-referrals"


@pytest.mark.parametrize(
    "path",
    [
        "/records/data_flows?q=%00",
        "/records/data_flows?q=a%0Bb",
        "/audit/?record_ref=%00",
        "/audit/?actor=x%00y",
        "/records/data_flows/abc%00def",
        "/records/dsas/x%01/history",
        "/meetings/%00",
        "/findings/%00",
        "/records/data_flows?%00=1",
    ],
)
def test_a_control_character_in_the_address_is_a_400_page(client_for, path):
    response = client_for("admin").get(path)
    assert response.status_code == 400, path
    page = response.data.decode()
    assert "govuk-heading-l" in page and "control character" in page


@pytest.mark.parametrize("page", ["9" * 20, "9" * 5000, "²", "-1", "1e9"])
@pytest.mark.parametrize("where", ["/audit/", "/records/data_flows"])
def test_any_page_number_gives_a_page(client_for, where, page):
    assert client_for("admin").get(f"{where}?page={page}").status_code == 200


class _FormValues(HTMLParser):
    """What a browser would post from a page's first form: text inputs, checked boxes and radios,
    selected options, text areas."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.texts: set[str] = set()  # names of text inputs and text areas
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.setdefault(name, []).append(a.get("value") or "")
            if a.get("type", "text") == "text":
                self.texts.add(name)
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select].append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = name
            self.values.setdefault(name, [""])
            self.texts.add(name)

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_values(client, path: str, **changes) -> dict:
    return form_parts(client, path, **changes)[0]


def form_parts(client, path: str, **changes) -> tuple[dict, set[str]]:
    """The values a browser would post, and the names of the text fields among them."""
    parser = _FormValues()
    parser.feed(client.get(path).data.decode())
    values = {name: (found if len(found) != 1 else found[0]) for name, found in parser.values.items()}
    values = {name: value for name, value in values.items() if value != []}
    values.update(changes)
    return values, parser.texts


def flow_form(client, **changes) -> dict:
    return form_values(client, f"{FLOW}/edit", **changes)


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x01"])
def test_a_control_character_in_a_form_field_is_an_error_on_that_field(client_for, char):
    client = client_for("dpo")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db.session.remove()
    response = client.post(f"{FLOW}/edit", data=flow_form(client, name=f"Referrals{char}to police"))
    page = response.data.decode()
    assert response.status_code == 400
    assert "Name must not contain control characters" in page and "govuk-error-summary" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_tab_and_line_breaks_stay_allowed_in_a_text_field(client_for):
    client = client_for("dpo")
    response = client.post(f"{FLOW}/edit", data=flow_form(client, name="Referrals\tto police"))
    assert response.status_code == 302, response.data.decode()[:2000]
    assert db.session.scalar(sa.select(DataFlow.name).where(DataFlow.ref == "council-to-police-referrals")) == (
        "Referrals\tto police"
    )


def test_a_nul_in_the_sign_in_form_is_an_error_not_a_crash(demo):
    client = demo.test_client()
    response = client.post(
        "/sign-in",
        data={"email": "admin@riverford.example.gov.uk\x00", "password": "x\x00", "csrf_token": csrf(client)},
    )
    assert response.status_code in (200, 400) and "must not contain control characters" in response.data.decode()


def test_a_workbook_of_data_stored_with_control_characters_downloads(client_for):
    client = client_for("admin")
    # Stored before forms and imports refused them: written straight to the table.
    db.session.execute(
        sa.update(DataFlow)
        .where(DataFlow.ref == "council-to-police-referrals")
        .values(name="Referrals\x0b\x01 to police")
    )
    db.session.commit()
    for path in ("/transfer/report.xlsx?area=riverford", "/transfer/report.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.data.startswith(b"PK")


@pytest.mark.parametrize(
    "filename, fallback",
    [
        ("DSA – signed.pdf", 'filename="DSA - signed.pdf"'),
        ("x\"; filename*=UTF-8''evil.html; y=\".pdf", 'filename="x filename UTF-8 evil.html y .pdf"'),
    ],
)
def test_an_evidence_file_name_is_downloadable_and_cannot_inject_a_header(client_for, filename, fallback):
    client = client_for("dpo")
    assert upload(client, PDF, "signed.pdf").status_code == 302
    # As a browser sends it (percent-encoding the quotes) the name is stored as typed; werkzeug's
    # test client would let the part's own filename* win, so the name is stored directly.
    db.session.execute(sa.update(EvidenceDocument).values(filename=filename))
    db.session.commit()
    document = db.session.scalar(sa.select(EvidenceDocument))
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")  # what gunicorn must be able to send: it answered 500 for the en dash
    assert fallback in header and header.count("filename=") == 1 and header.count("filename*=") == 1
    assert "evil.html;" not in header


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "\x00"])
def test_a_forged_redacted_copy_choice_is_an_error_on_that_field(client_for, value):
    client = client_for("dpo")
    response = client.post(
        f"{DSA}/documents",
        data={
            "csrf_token": csrf(client, f"{DSA}/documents"),
            "title": "Redacted DSA",
            "marking": "official",
            "redacted_copy_of": value,
            "document": (io.BytesIO(PDF), "redacted.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Select No, or the document of this record it is a redacted copy of" in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceDocument)) == 0


def import_file(client, content: bytes):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(
        {"csrf_token": csrf(client, "/transfer/"), "file": FileStorage(io.BytesIO(content), "register.json")}
    )
    return client.post("/transfer/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def spec_text() -> str:
    return fixture_path("spec-example.json").read_text()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[" * 100_000 + b"]" * 100_000, "(file): nests arrays or objects more than 32 deep"),
        (
            spec_text().replace('"version": 1', '"version": ' + "9" * 5000).encode(),
            "version: is a number of 5000 digits",
        ),
        (
            spec_text().replace('"version": 1', '"version": 1, "version": 1').encode(),
            "has the key &#39;version&#39; more",
        ),
        (
            spec_text().replace('"name": ', '"name": "a\\u0000b", "x": ', 1).encode(),
            "contains a control character",
        ),
    ],
)
def test_a_hostile_import_file_is_listed_as_a_problem_in_the_browser(client_for, content, message):
    client = client_for("admin")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db.session.remove()
    response = import_file(client, content)
    page = response.data.decode()
    assert response.status_code == 400 and "nothing was written" in page
    assert message in page, page[:3000]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_an_import_with_many_thousand_problems_reports_within_seconds(client_for):
    doc = json.loads(spec_text())
    flow = doc["data_flows"][0]
    doc["data_flows"] = [dict(flow, ref=f"flow-{i}", transfer_channel="pigeon") for i in range(15_000)]
    client = client_for("admin")
    started = time.perf_counter()
    response = import_file(client, json.dumps(doc).encode())
    elapsed = time.perf_counter() - started
    page = response.data.decode()
    assert response.status_code == 400
    assert "1,000 problems listed, and at least 14,000 more; the first 50 are shown" in page
    print(f"15,000 invalid flows (15 MB): reported in {elapsed:.1f} s")


def test_every_form_of_the_app_refuses_control_characters():
    """Every form class derives from edge.Form, whose text fields all refuse them."""
    import importlib
    import pkgutil

    import compliance.views
    from compliance.views import record_forms
    from compliance.views.edge import Form

    forms = []
    for module in pkgutil.iter_modules(compliance.views.__path__):
        loaded = importlib.import_module(f"compliance.views.{module.name}")
        forms += [
            value
            for value in vars(loaded).values()
            if isinstance(value, type) and issubclass(value, FlaskForm) and value.__module__ == loaded.__name__
        ]
    forms += [record_forms.form_class(kind, "record", {}) for kind in f.RECORD_TYPES]
    forms += [record_forms.nested_form_class(part, {}) for part in record_forms.NESTED]
    assert len(forms) > 20
    assert [form.__name__ for form in forms if not issubclass(form, Form)] == []


@pytest.mark.parametrize("key", [kind.key for kind in f.RECORD_TYPES])
def test_a_nul_in_any_text_field_of_a_new_record_is_named_on_that_field(client_for, key):
    client = client_for("admin")
    values, texts = form_parts(client, f"/records/{key}/new")
    texts = {name for name in texts if not isinstance(values[name], list)}  # dates are three inputs
    values.update({name: f"x\x00{name}" for name in texts if name != "csrf_token"})
    response = client.post(f"/records/{key}/new", data=values)
    page = response.data.decode()
    assert response.status_code == 400
    # In the error summary and on the field, for every text field but the ref (its pattern says it).
    assert page.count("must not contain control characters") >= 2 * len(texts - {"ref"}) > 0


def test_an_import_larger_than_the_upload_limit_says_the_limit(client_for):
    response = import_file(client_for("admin"), b" " * (25 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert "Choose a file smaller than 25 MB" in response.data.decode()
