"""Reference data fit to publish: no note that speaks of the research brief, of sources not read or
of bracketed source numbers reaches the seeds or any page that shows the law (issue 17 item 5)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Finding
from tests.conftest import ROOT

from .conftest import USERS, sign_in

RESEARCH_NOTE = re.compile(
    r"\bthe brief\b|\[S\d+\]|\bunverified\b|\bno source\b|could not (?:retrieve|read|confirm)|did not retrieve",
    re.IGNORECASE,
)


def _texts(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON document with the key it sits under; `source` holds the internal
    provenance code of a reference and is never shown."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name != "source":
                yield from _texts(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, key)
    elif isinstance(value, str):
        yield key, value


def test_no_reference_file_carries_a_research_note():
    found = []
    for path in sorted((ROOT / "seeds" / "reference").glob("*.json")):
        for key, text in _texts(json.loads(path.read_text(encoding="utf-8"))):
            if RESEARCH_NOTE.search(text):
                found.append(f"{path.name} {key}: {text}")
    assert found == []


def test_finding_pages_show_the_law_without_research_notes(demo):
    ids = db.session.scalars(sa.select(Finding.id)).all()
    client = demo.test_client()
    assert sign_in(client, USERS["admin"]).status_code == 302
    assert ids
    for finding_id in ids:
        page = client.get(f"/findings/{finding_id}").get_data(as_text=True)
        assert "Law and guidance" in page, finding_id
        assert not RESEARCH_NOTE.search(page), (finding_id, RESEARCH_NOTE.search(page).group(0))
