"""Shared fixtures. Every test that touches the database runs on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL (postgresql+psycopg://...; `.ci/pg-cluster.sh start DIR`
makes a throwaway one). Without it those tests skip with the reason, unless REQUIRE_POSTGRES=1,
which turns the skip into a failure (CI sets it).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from compliance import create_app
from compliance.extensions import db
from compliance.models import Base
from config import TestingConfig

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BACKENDS = ("sqlite", "postgresql")


def _required(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0", "false", "no")


def skip_or_fail(reason: str, required_by: str) -> None:
    if _required(required_by):
        pytest.fail(f"{reason}, and {required_by}=1 requires it", pytrace=False)
    pytest.skip(reason)


def _worker() -> str:
    """The pytest-xdist worker running this process ("gw0", "gw1", ...), or "" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def _create_database(server_url: str, name: str) -> str:
    """A new empty PostgreSQL database on the server of server_url (any old one of that name dropped)."""
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with the schema built, once per backend per test session (and per xdist worker:
    each worker has its own PostgreSQL database, so workers never see each other's rows)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'register.sqlite3'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            skip_or_fail(
                "PostgreSQL is not available (set TEST_DATABASE_URL=postgresql+psycopg://...)", "REQUIRE_POSTGRES"
            )
        if _worker():
            url = _create_database(url, f"{sa.make_url(url).database}_{_worker()}")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        Base.metadata.create_all(connection)
    engine.dispose()
    yield url


@pytest.fixture
def scratch_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind for one test (a new SQLite file, or a new
    PostgreSQL database with a unique name, dropped afterwards): for migrations, restores, deploys."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    url = _create_database(database_url, name)
    try:
        yield url
    finally:
        drop_database(database_url, name)


def make_app(url: str) -> Flask:
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(Config)


def empty_database() -> None:
    """Remove every row, leaving the schema (faster than rebuilding it for every test)."""
    tables = Base.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            empty_database()
            db.engine.dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture
def cli(app: Flask):
    """Run a `compliance` command in-process: cli(["gaps", "--format", "json"], input=...)."""
    runner = app.test_cli_runner()

    def run(args: list[str], input: str | bytes | None = None):
        result = runner.invoke(args=args, input=input, catch_exceptions=False)
        db.session.remove()
        return result

    return run


def fixture_path(name: str) -> Path:
    return FIXTURES / name
