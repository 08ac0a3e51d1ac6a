"""Logs: one line per request, and in production one JSON object per line.

Each request gets an id (the proxy's X-Request-Id when it is a plain token, else a new one),
returned in the X-Request-Id response header and written on every log line of that request.
The request line holds the time, level, request id, user id, method, route (the URL rule, e.g.
/records/<key>/<ref>, never the query string), status and duration. A health check that
succeeds is not logged.

What is never logged: form fields (passwords), cookies and headers, query strings, and the
message of an exception (a database error's message can quote the row it failed on, and rows
hold signatories' and attendees' names). An exception is logged as its class and stack frames.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

REQUEST_LOG = logging.getLogger("compliance.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _request_fields() -> dict:
    if not has_request_context():
        return {}
    user = g.get("_login_user")  # set by Flask-Login when this request loaded its user
    return {
        "request_id": g.get("request_id"),
        "user_id": user.get_id() if user is not None and user.is_authenticated else None,
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request's id and user id, and
    whatever fields the call passed in `extra={"fields": {...}}`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_request_fields())
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            entry["exception"] = f"{kind.__module__}.{kind.__qualname__}"
            entry["stack"] = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(trace)]
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.set_name("compliance-json")
    return handler


def use_json_logs(level: int = logging.INFO) -> None:
    """Send every logger's records (the app's, SQLAlchemy's warnings, gunicorn's) to stderr as JSON."""
    root = logging.getLogger()
    if not any(h.get_name() == "compliance-json" for h in root.handlers):
        root.addHandler(json_handler())
    root.setLevel(level)


def init_app(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        use_json_logs()
        app.logger.removeHandler(default_handler)

    @app.before_request
    def start_request_log() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.get("request_started")
        if started is None:
            return response
        response.headers["X-Request-Id"] = g.request_id
        if request.endpoint == "health.healthz" and response.status_code == 200:
            return response  # the load balancer asks every few seconds: only a failure is news
        REQUEST_LOG.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            },
        )
        return response
