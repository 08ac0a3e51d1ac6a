"""What every page needs: the user's scope, and 403/404 for what they may not do or see."""

from __future__ import annotations

import re

from flask import abort, g, request
from flask_login import current_user

from ..services.access import Scope


def scope() -> Scope:
    if "scope" not in g:
        g.scope = Scope.of(current_user)
    return g.scope


def actor() -> str:
    return f"web:{current_user.email}"


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def posted_version() -> int | None:
    """The version of the record the page was built from (the forms' hidden record_version)."""
    text = request.form.get("record_version", "")
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


MAX_PAGE = 100_000


def page_number() -> int:
    """The `page` of the query string: 1 unless it is a plain number, and never past MAX_PAGE
    (a 20-digit page overflowed PostgreSQL's OFFSET; a 5000-digit one, Python's int())."""
    text = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", text):
        return 1
    return min(max(int(text), 1), MAX_PAGE)


LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.~%#?=&+-]{0,500}")


def return_to() -> str | None:
    """The `next` of the query string when it is a path of this site ("/findings/12"), else None:
    never another site ("//evil.example", "https://...", "/\\evil.example"), so no open redirect."""
    text = request.args.get("next", "")
    return text if LOCAL_PATH.fullmatch(text) else None


def back_to(default: str) -> str:
    """Where a page's back link goes: the request's `next` when it is a path on this site
    (`return_to`), else `default`."""
    return return_to() or default
