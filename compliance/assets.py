"""The pages' stylesheets and scripts, named by their content so browsers keep them.

Pages themselves are never kept (`no-store`: they hold OFFICIAL-SENSITIVE information), but the
assets are the same for everyone. Each page names its stylesheets and script with a digest of the
file's content (`/assets/app.css?v=3f9c0d1e2a4b`), and a request carrying the digest is answered
with a year's `immutable` caching: a browser fetches each asset once, not on every page, and a
new release names new digests. A request without the current digest (the script's own import
of GOV.UK Frontend's) is revalidated as before.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(_cache_control)


def asset_url(filename: str) -> str:
    """The address of a file under /assets with the digest of its content."""
    path = Path(current_app.static_folder or "") / filename
    stat = path.stat()
    return url_for("static", filename=filename, v=_digest(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _digest(path: str, _mtime_ns: int, _size: int) -> str:
    """The first 12 hex digits of the file's SHA-256 (worked out again when the file changes)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _cache_control(response: Response) -> Response:
    static = request.url_rule is not None and request.url_rule.endpoint == "static"
    if static and response.status_code == 200 and _named_by_content():
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def _named_by_content() -> bool:
    """The request names the file by its current digest."""
    wanted = request.args.get("v")
    if not wanted:
        return False
    path = Path(current_app.static_folder or "") / (request.view_args or {}).get("filename", "")
    stat = path.stat()
    return wanted == _digest(str(path), stat.st_mtime_ns, stat.st_size)
