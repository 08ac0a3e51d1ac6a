"""Plain words on every page (issue 13 item 1): a crawl of the demo register as each role finds no
coded value of the exchange format in the visible text ("sc political", "e_public_task",
"dpa part3"), only the labels a DPO recognises."""

from __future__ import annotations

import html
import re
from enum import StrEnum

import pytest

from compliance.models import enums as e

from .conftest import USERS, sign_in

LINK = re.compile(r'href="(/(?:records|meetings|findings|foi|audit|transfer|admin|register)[^"#?]*)"')
SKIP = re.compile(r"/(?:report\.(?:pdf|xlsx)|export|download)\b|\.csv$")
HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1>|<option\b[^>]*>|<[^>]+>", re.S)

# Coded values as stored ("sc_political", "e_public_task") and, where the spaced form is not plain
# English, as a page that only swaps underscores for spaces shows them ("sc political", "dpa part3").
_CODES = {
    member.value
    for cls in vars(e).values()
    if isinstance(cls, type) and issubclass(cls, StrEnum) and cls.__module__ == e.__name__
    for member in cls
    if "_" in member.value
}
_CODE_WORDS = {"sc", "uk", "la", "ea", "nhs", "pcm", "dpa", "a", "c", "e", "f", "g", "h", "b"}
_SPACED = {
    code.replace("_", " ")
    for code in _CODES
    if any(word in _CODE_WORDS or any(ch.isdigit() for ch in word) for word in code.split("_"))
}
RAW = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _CODES | _SPACED), key=len, reverse=True)) + r")\b")


def visible_text(page: str) -> str:
    return html.unescape(HIDDEN.sub(" ", page))


def _crawl(client, start: list[str], limit: int = 250) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            seen[path] = ""
            continue
        page = response.get_data(as_text=True)
        seen[path] = page
        queue.extend(link.replace("&amp;", "&") for link in LINK.findall(page))
    return seen


@pytest.mark.parametrize("who", ["admin", "panel_chair"])
def test_no_page_shows_a_coded_value(demo, who):
    client = demo.test_client()
    assert sign_in(client, USERS[who]).status_code == 302
    start = [
        "/",
        "/register",
        "/audit/",
        "/foi/",
        "/records/data_flows",
        "/meetings/",
        "/admin/",
        "/admin/people/new",
        "/account/password",
    ]
    pages = _crawl(client, start)
    assert len(pages) > 30
    raw = {}
    for path, page in pages.items():
        found = sorted({match.group(0) for match in RAW.finditer(visible_text(page))})
        if found:
            raw[path] = found
    assert raw == {}
