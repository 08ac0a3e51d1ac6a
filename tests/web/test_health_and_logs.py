"""GET /healthz (200 when the database answers, 503 when it does not, "ok" and nothing more) and
the request log: one JSON object per line in production, never a password, a cookie or a name."""

from __future__ import annotations

import io
import json
import logging
import socket

import pytest

from compliance import applog, create_app
from compliance.extensions import db
from compliance.services.seeding import DEMO_FILE
from config import ProductionConfig, TestingConfig

from .conftest import PASSWORD, USERS, sign_in


def test_healthz_answers_anonymously_with_ok_only(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok\n" and response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    class Config(TestingConfig):
        # A PostgreSQL URL to a port nothing listens on: a stopped server.
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://register@127.0.0.1:{free_port()}/register"
        INSTANCE_PATH = str(tmp_path)

    app = create_app(Config)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.data == b"unavailable\n"


@pytest.fixture
def json_log():
    """Every log record, as the production handler writes it."""
    stream = io.StringIO()
    handler = applog.json_handler(stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_each_request_is_one_json_line_without_secrets_or_names(demo, json_log):
    demo.config["PROPAGATE_EXCEPTIONS"] = False
    register = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    name = next(p["signatory_name"] for d in register["dsas"] for p in d["parties"] if "signatory_name" in p)

    def fails():
        raise RuntimeError(f"a database error quoting the row of {name}")

    demo.add_url_rule("/fails-for-this-test", "fails", fails)
    client = demo.test_client()
    assert sign_in(client, USERS["dpo"]).status_code == 302
    listed = client.get("/records/data_flows?q=secret-search", headers={"X-Request-Id": "proxy-id-1"})
    assert listed.status_code == 200 and listed.headers["X-Request-Id"] == "proxy-id-1"
    assert client.get("/fails-for-this-test").status_code == 500
    assert client.get("/healthz").status_code == 200  # not logged: the load balancer's every few seconds

    entries = json_log()
    requests = [e for e in entries if e["logger"] == "compliance.request"]
    assert len(requests) == 4  # sign-in page, sign-in post, the list, the failure
    for entry in requests:
        assert {"time", "level", "request_id", "user_id", "method", "route", "status", "duration_ms"} <= set(entry)
    sign_in_post = requests[1]
    assert sign_in_post["route"] == "/sign-in" and sign_in_post["status"] == 302 and sign_in_post["user_id"]
    assert requests[2]["request_id"] == "proxy-id-1" and requests[2]["user_id"] == sign_in_post["user_id"]
    assert requests[2]["route"] == "/records/<key>"
    failure = next(e for e in entries if e.get("exception"))
    assert failure["exception"] == "builtins.RuntimeError" and failure["stack"]

    text = "\n".join(json.dumps(e) for e in entries)
    cookie = client.get_cookie("session").value
    for secret in (PASSWORD, cookie, name, "secret-search"):
        assert secret not in text
    with demo.app_context():
        db.session.remove()


def test_production_logs_are_json(tmp_path):
    class Config(ProductionConfig):
        SECRET_KEY = "a-real-secret-from-the-environment"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        INSTANCE_PATH = str(tmp_path)

    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        app = create_app(Config)
        handlers = [h for h in root.handlers if h.get_name() == "compliance-json"]
        assert len(handlers) == 1 and isinstance(handlers[0].formatter, applog.JsonFormatter)
        assert not app.logger.handlers  # Flask's plain-text handler is gone: records go to the JSON one
    finally:
        root.handlers[:] = before[0]
        root.setLevel(before[1])
