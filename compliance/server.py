"""`compliance serve`: the app under gunicorn, with settings chosen for this register.

- Workers: 2 by default (WEB_CONCURRENCY or --workers to change). A register has a handful of
  people signed in at once; its slow requests are a national PDF or workbook (about 45 s and
  650 MB at 200 areas, BENCHMARKS.md), so a second worker keeps pages answering while one is
  building a report, and more than a few would multiply that memory for no one.
- Sync workers: the app, its SQLAlchemy sessions and reportlab are synchronous.
- timeout 120 s: above the national PDF's 45 s with room for a slower server; a worker stuck
  longer than that is killed and replaced. graceful_timeout 30 s lets a request finish on restart.
- max_requests 1000 (jitter 100): a worker is recycled now and then, so memory a large report
  left behind is given back.
- preload: the app is built once, before the workers start, so a missing SECRET_KEY or
  DATABASE_URL stops the server at once with the reason, and a generated key is made only once.
- Access log off: the app writes one JSON line per request itself (compliance/applog.py), with
  the request id and user id gunicorn cannot know and without the query string gunicorn would
  log. gunicorn's own messages go to stderr, as JSON in production.
- No control socket (gunicorn would make one in the home directory): signals manage the server
  (TERM stops it gracefully, HUP reloads the workers, TTIN/TTOU add or remove one).
- forwarded_allow_ips empty: gunicorn trusts no X-Forwarded-* header; TRUSTED_PROXIES (werkzeug's
  ProxyFix in the app) is the one place that decides which proxy headers are believed.
"""

from __future__ import annotations

import os

from flask import Flask
from gunicorn.app.base import BaseApplication

DEFAULT_WORKERS = 2
TIMEOUT = 120


def options(host: str, port: int, workers: int | None, json_logs: bool) -> dict:
    settings = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or int(os.environ.get("WEB_CONCURRENCY") or DEFAULT_WORKERS),
        "worker_class": "sync",
        "timeout": TIMEOUT,
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 1000,
        "max_requests_jitter": 100,
        "preload_app": True,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "forwarded_allow_ips": "",
        "proc_name": "compliance",
        "control_socket_disable": True,
    }
    if json_logs:
        # gunicorn's messages go through the root logger's JSON handler (named as applog names
        # it, so that the app does not add a second one).
        settings["logconfig_dict"] = {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "compliance.applog.JsonFormatter"}},
            "handlers": {
                "compliance-json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
            },
            "root": {"level": "INFO", "handlers": ["compliance-json"]},
            "loggers": {
                "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
                "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
            },
        }
    return settings


class Server(BaseApplication):
    def __init__(self, app: Flask, settings: dict):
        self.application = app
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.settings.items():
            self.cfg.set(name, value)
        self.cfg.set("post_fork", _fresh_connections)

    def load(self) -> Flask:
        return self.application


def _fresh_connections(server, worker) -> None:
    """Each worker opens its own database connections: none is shared across the fork."""
    from .extensions import db

    with worker.app.application.app_context():
        db.engine.dispose(close=False)


def serve(app: Flask, host: str, port: int, workers: int | None) -> None:
    Server(app, options(host, port, workers, json_logs=app.config.get("LOG_FORMAT") == "json")).run()
