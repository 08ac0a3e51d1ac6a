"""What every page needs: the user's scope, and 403/404 for what they may not do or see."""

from __future__ import annotations

from flask import abort, g
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
