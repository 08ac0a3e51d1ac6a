"""Every page of every record of the full fixture opens without a server error, for an admin and
for a DPO scoped to one area: detail, history, edit, nested pages, findings and meetings (found by
following the links the pages themselves give)."""

from __future__ import annotations

import re

import pytest

from compliance.exchange import fields as f
from compliance.extensions import db
from compliance.services import exchange, users
from tests.conftest import fixture_path

from .conftest import sign_in

PASSWORD = "every-page-password"
LINK = re.compile(r'href="(/(?:records|meetings|findings|foi|audit|transfer|admin|register)[^"#]*)"')
SKIP = re.compile(r"/(?:report\.(?:pdf|xlsx)|export)\b")  # downloads: covered by their own tests


@pytest.fixture
def full_register(app):
    exchange.import_text(fixture_path("full-register.json").read_bytes(), actor="test", source="import")
    users.create_user("admin@every.example.gov.uk", "admin", PASSWORD, actor="test", source="cli")
    users.create_user("dpo@every.example.gov.uk", "dpo", PASSWORD, area_refs=["eastvale"], actor="test", source="cli")
    db.session.commit()
    return app


def _crawl(client, start: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen or SKIP.search(path):
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code == 200 and response.mimetype == "text/html" and len(seen) < 600:
            queue.extend(link.replace("&amp;", "&") for link in LINK.findall(response.data.decode()))
    return seen


@pytest.mark.parametrize("who", ["admin", "dpo"])
def test_no_page_of_the_full_register_is_a_server_error(full_register, who):
    client = full_register.test_client()
    assert sign_in(client, f"{who}@every.example.gov.uk", PASSWORD).status_code == 302
    doc = exchange.export_document(None, redact=False)
    start = ["/", "/register", "/audit/", "/transfer/", "/foi/"]
    for kind in f.RECORD_TYPES:
        start.append(f"/records/{kind.key}")
        for record in doc.get(kind.key, ()):
            base = f"/records/{kind.key}/{record['ref']}"
            start += [base, f"{base}/history", f"{base}/edit", f"{base}/documents"]
    seen = _crawl(client, start)
    errors = {path: status for path, status in seen.items() if status >= 500}
    assert not errors, errors
    # The crawl reached the arrangement's pages and the nested ones, not only the starting points.
    assert any("/joint_controller_arrangements/" in path for path in seen)
    if who == "admin":
        assert seen["/records/joint_controller_arrangements/" + doc["joint_controller_arrangements"][0]["ref"]] == 200
        assert any(path.count("/") >= 5 and path.startswith("/records/") for path in seen), sorted(seen)
