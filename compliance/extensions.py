"""Extension instances, created once and bound to the app in create_app. `migrate` and `csrf`
are created when first imported: a command that needs neither (compliance gaps) does not import
Alembic or WTForms."""

import sqlite3
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .models.base import Base

db = SQLAlchemy(model_class=Base)


def __getattr__(name: str) -> Any:
    if name == "migrate":
        from flask_migrate import Migrate

        globals()["migrate"] = Migrate()
    elif name == "csrf":
        from flask_wtf.csrf import CSRFProtect

        globals()["csrf"] = CSRFProtect()
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return globals()[name]


@event.listens_for(Engine, "connect")
def _enforce_sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores foreign keys unless asked; the register's integrity depends on them. A
    writer waits up to 30 s for another's lock (Python's default is 5 s): a burst of sign-ins on a
    busy server queues for the lock instead of failing with "database is locked"."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
