"""GET /healthz: 200 "ok" when the database answers, 503 when it does not. Anonymous, and it
says nothing else (no version, no error text) to whoever asks."""

from __future__ import annotations

from flask import Blueprint, Response

from ..services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    if health.database_answers():
        return Response("ok\n", status=200, mimetype="text/plain")
    return Response("unavailable\n", status=503, mimetype="text/plain")
