"""A page's content kept for every user of the same scope until the register changes
(services/page_cache.py), with what belongs to one request put back each time.

A detail or meeting page's content is the same for every user who sees the same records with the
same permissions (role, areas, panels), for the same request parameters, until anything is
written: it is rendered once and kept. Only the frame (navigation, the signed-in user, messages)
is rendered for each request. The one thing of the content that belongs to the user's session is
the CSRF token of its forms: it is taken out before the content is kept and the requesting
user's own token is put back in on every request, so no token is ever served to another user.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..services import page_cache
from .common import scope

# In place of the CSRF token in what is kept: no token, and nothing a page shows, looks like it.
TOKEN_MARK = "kept-content-csrf-token-0c6b1d"


def scope_key() -> tuple:
    """Who sees the same content: the user's role (what they may do), areas and panels (what they see)."""
    user_scope = scope()
    return (user_scope.role, user_scope.area_ids, user_scope.panel_ids)


def kept_content(name: str, key: Hashable, render: Callable[[], str], at: tuple | None = None) -> Markup:
    """`render()` (HTML), or what it gave for this name, key and scope at this version of the
    register, with this request's CSRF token in its forms."""
    token = generate_csrf()

    def build() -> str:
        return str(render()).replace(token, TOKEN_MARK)

    html = page_cache.kept(name, (scope_key(), key), build, at)
    return Markup(html.replace(TOKEN_MARK, token))
