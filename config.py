"""Configuration classes, chosen by APP_ENV (development, testing, production).

Values come from the environment. Production refuses to start without SECRET_KEY and
DATABASE_URL (see compliance.create_app). Elsewhere, outside tests, a missing SECRET_KEY is
generated once into INSTANCE_PATH and reused: there is no public default key.

The product's folders (migrations/, templates/, seeds/) sit beside this file in a checkout; an
installed wheel carries them inside the package, in compliance/bundled/ (see setup.py).
BASE_DIR is wherever they are.
"""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_BUNDLED = _HERE / "compliance" / "bundled"
BASE_DIR = _BUNDLED if _BUNDLED.is_dir() else _HERE


def instance_dir() -> Path:
    """Where runtime files go (the embedded SQLite database, the generated secret key and demo
    password): INSTANCE_PATH, else instance/ in the working directory. Never inside the package."""
    return Path(os.environ.get("INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def _sqlite_default() -> str:
    return f"sqlite:///{instance_dir() / 'register.sqlite3'}"


class Config:
    APP_ENV = "base"
    INSTANCE_PATH = str(instance_dir())
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_default()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_ENABLED = True
    # Signed-cookie sessions; a user idle for this long is signed out.
    IDLE_TIMEOUT_SECONDS = int(os.environ.get("IDLE_TIMEOUT_SECONDS", 30 * 60))
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    # Review reminders (compliance reminders send).
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "").lower() in ("1", "true", "yes")
    MAIL_FROM = os.environ.get("MAIL_FROM", "prevent-compliance-register@localhost")
    # "json" in production: one JSON object per log line, for a log shipper (compliance/applog.py).
    LOG_FORMAT = "text"
    SERVICE_NAME = "Prevent Compliance Register"
    PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"
    # How many reverse proxies in front of the app to trust for X-Forwarded-For, -Proto and -Host
    # (werkzeug's ProxyFix). 0: none, and the client's address is the connection's.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # The key that encrypts authenticator-app secrets at rest (default: derived from SECRET_KEY).
    TOTP_ENCRYPTION_KEY = os.environ.get("TOTP_ENCRYPTION_KEY")
    # Single sign-on with the council's own accounts (OpenID Connect): on when OIDC_ISSUER and
    # OIDC_CLIENT_ID are set. See README, "Single sign-on".
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/") or None
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile email")
    # The claims whose values are the groups or app roles an admin maps to a role (in this order).
    OIDC_GROUPS_CLAIMS = os.environ.get("OIDC_GROUPS_CLAIMS", "roles groups")
    # The claim that identifies a person for good, with the issuer: `sub`, or `oid` for Entra ID.
    OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM", "sub")
    # What the sign-in button calls the provider ("Sign in with ...").
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your council account")
    # How long to wait for the provider (discovery, keys, token) before saying it is not answering.
    OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS", "10"))
    # "disabled": no one signs in with a password except break-glass accounts.
    PASSWORD_SIGN_IN = os.environ.get("PASSWORD_SIGN_IN", "enabled").strip().lower()
    # How passwords are hashed (werkzeug's generate_password_hash): scrypt with N=2**15, r=8, p=1.
    # A hash names its own method, so changing this never locks anyone out.
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"


class DevelopmentConfig(Config):
    APP_ENV = "development"
    # The development server speaks plain HTTP on 127.0.0.1.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # The same algorithm and code, at a 32nd of the work: the suite signs in over a thousand
    # times, at about 0.1 s of CPU each with the full factor. tests/unit/test_config.py checks
    # that every other configuration keeps the full factor.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"


class ProductionConfig(Config):
    APP_ENV = "production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    LOG_FORMAT = "json"


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(app_env: str | None) -> type[Config]:
    """The configuration class for APP_ENV; development when unset."""
    name = (app_env or "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}; got {app_env!r}") from None
