"""Prevent Compliance Register: the application factory.

Importing the package imports nothing heavy: the `compliance` command imports it to print its
help, and a command imports what it needs when it runs (tests/unit/test_cli_startup.py). The
factory imports the app's parts when it is called.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from config import BASE_DIR, Config, config_for, instance_dir

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: type[Config] | None = None, *, web: bool = True) -> Flask:
    """Build the app. APP_ENV picks the configuration unless one is given. `web=False` builds it
    for a command that serves no page and signs nobody in (`compliance gaps`): the database, the
    log and the commands, without pages, sign-in, forms or migrations, and their imports."""
    from flask import Flask

    from . import applog, runtime

    config = config or config_for(os.environ.get("APP_ENV"))
    app = Flask(
        __name__,
        static_url_path="/assets",
        instance_path=getattr(config, "INSTANCE_PATH", None) or str(instance_dir()),
    )
    app.config.from_object(config)
    _check_config(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = runtime.instance_secret_key(Path(app.instance_path))
    applog.init_app(app)
    _register_extensions(app, web=web)
    if web:
        _register_web(app)
    _register_commands(app)
    _trust_proxies(app)
    return app


def _register_web(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from . import assets, login, security
    from .extensions import csrf
    from .templating import BYTECODE_CACHE
    from .views import edge, saved

    # Before anything creates the Jinja environment (WTFormsHelpers and the templates below do).
    app.jinja_options = {**app.jinja_options, "bytecode_cache": BYTECODE_CACHE}
    security.init_app(app)
    assets.init_app(app)
    edge.init_app(app)  # before sign-in: a NUL in the address must not reach a query
    login.init_app(app)
    csrf.init_app(app)
    saved.init_app(app)
    WTFormsHelpers(app)
    _register_templates(app)
    _register_blueprints(app)
    from .views.widgets import remember_rendered_widgets

    remember_rendered_widgets(app)


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address, scheme and host come from
    their X-Forwarded-* headers (the last N hops only); with none, those headers are ignored."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


class ConfigError(RuntimeError):
    """The environment does not allow the app to start (the message says what to set)."""


def _check_config(app: Flask) -> None:
    if app.config.get("PASSWORD_SIGN_IN", "enabled") not in ("enabled", "disabled"):
        raise ConfigError(f"PASSWORD_SIGN_IN must be enabled or disabled; got {app.config['PASSWORD_SIGN_IN']!r}")
    if bool(app.config.get("OIDC_ISSUER")) != bool(app.config.get("OIDC_CLIENT_ID")):
        raise ConfigError("single sign-on needs both OIDC_ISSUER and OIDC_CLIENT_ID set in the environment")
    if app.config["APP_ENV"] != "production":
        return
    missing = [
        name
        for name, key in (("SECRET_KEY", "SECRET_KEY"), ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"))
        if not app.config.get(key)
    ]
    if missing:
        raise ConfigError(f"APP_ENV=production needs {' and '.join(missing)} set in the environment")


def _register_extensions(app: Flask, *, web: bool = True) -> None:
    from .extensions import db
    from .services import audit_chain  # noqa: F401 (its flush hook chains every new audit entry)

    db.init_app(app)
    if web:
        from .extensions import migrate

        migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True, compare_type=True)


def _register_templates(app: Flask) -> None:
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.globals["service_name"] = app.config["SERVICE_NAME"]
    app.jinja_env.globals["protective_marking"] = app.config["PROTECTIVE_MARKING"]


def _register_blueprints(app: Flask) -> None:
    from .services.audit import changed_fields
    from .views import (
        admin,
        audit,
        auth,
        evidence,
        findings,
        flow_map,
        foi,
        health,
        main,
        meetings,
        records,
        sso,
        transfer,
    )

    for module in (
        auth,
        sso,
        main,
        records,
        findings,
        meetings,
        audit,
        transfer,
        admin,
        foi,
        evidence,
        health,
        flow_map,
    ):
        app.register_blueprint(module.bp)
    main.register_error_pages(app)
    app.jinja_env.globals["changed_fields"] = changed_fields
    from .exchange.fields import DATE_KEYS
    from .labels import FIELD_ENUMS, art6_text, form_label, label, long_date, month_label, value_label

    app.jinja_env.globals["field_label"] = form_label
    from .views.common import back_to, return_to

    app.jinja_env.globals["back_to"] = back_to
    app.jinja_env.globals["return_to"] = return_to

    app.jinja_env.globals["value_label"] = value_label
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["coded_fields"] = frozenset(FIELD_ENUMS)
    app.jinja_env.globals["date_fields"] = DATE_KEYS
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["month_label"] = month_label
    app.jinja_env.globals["art6_text"] = art6_text


def _register_commands(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
