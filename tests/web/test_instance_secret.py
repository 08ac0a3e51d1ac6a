"""No public secrets: outside tests, a missing SECRET_KEY is generated once into INSTANCE_PATH
(mode 0600) and reused; the old development string no longer signs anything; production still
refuses to start without SECRET_KEY and DATABASE_URL."""

from __future__ import annotations

import stat

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from compliance import create_app
from compliance.extensions import db
from compliance.runtime import InstanceFileError
from config import DevelopmentConfig, ProductionConfig

from .conftest import USERS, sign_in

PUBLIC_DEV_KEY = "dev-only-not-secret"


def development_app(url: str, instance) -> Flask:
    class Config(DevelopmentConfig):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = url
        INSTANCE_PATH = str(instance)
        WTF_CSRF_ENABLED = True

    return create_app(Config)


def resigned(cookie: str, by: Flask, key: str) -> str:
    """The same session, signed with another key (as an attacker who knows that key would)."""
    interface = SecureCookieSessionInterface()
    payload = interface.get_signing_serializer(by).loads(cookie)
    forger = Flask("forger")
    forger.secret_key = key
    return interface.get_signing_serializer(forger).dumps(payload)


def test_a_development_app_generates_a_private_key_and_reuses_it(tmp_path):
    first = development_app("sqlite://", tmp_path / "instance")
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) == 64 and first.secret_key != PUBLIC_DEV_KEY
    assert development_app("sqlite://", tmp_path / "instance").secret_key == first.secret_key
    assert development_app("sqlite://", tmp_path / "other").secret_key != first.secret_key


def test_a_key_file_others_can_read_is_refused(tmp_path):
    development_app("sqlite://", tmp_path)
    (tmp_path / "secret_key").chmod(0o644)
    with pytest.raises(InstanceFileError, match="chmod 600"):
        development_app("sqlite://", tmp_path)


def test_a_cookie_signed_with_the_old_development_key_opens_nothing(demo, database_url, tmp_path):
    app = development_app(database_url, tmp_path)
    client = app.test_client()
    assert sign_in(client, USERS["admin"]).status_code == 302
    genuine = client.get_cookie("session").value
    assert client.get("/admin/").status_code == 200  # the genuine session is an admin's

    forged = app.test_client()
    forged.set_cookie("session", resigned(genuine, app, PUBLIC_DEV_KEY))
    response = forged.get("/admin/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing, tmp_path):
    class Config(ProductionConfig):
        SECRET_KEY = None if missing == "SECRET_KEY" else "a-real-secret-from-the-environment"
        SQLALCHEMY_DATABASE_URI = None if missing == "DATABASE_URL" else "sqlite://"
        INSTANCE_PATH = str(tmp_path)

    with pytest.raises(RuntimeError, match=f"needs {missing}"):
        create_app(Config)
    assert not (tmp_path / "secret_key").exists()
