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
from flask import Flask, current_app

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


def make_app(url: str, instance: Path | None = None) -> Flask:
    """The app on `url`; its runtime files (kept uploads, previews) in `instance` when given, so
    that tests running at once (xdist workers) do not share them."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        if instance is not None:
            INSTANCE_PATH = str(instance)

    return create_app(Config)


def empty_database() -> None:
    """Remove every row, leaving the schema (faster than rebuilding it for every test). DELETE,
    not TRUNCATE, on PostgreSQL too: a test leaves a few thousand rows at most, and TRUNCATE of
    46 tables cost 0.3-0.5 s per test against 0.04 s; the id sequences start again at 1."""
    tables = Base.metadata.sorted_tables
    with db.engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )


# Rows a fixture wrote, per database and fixture, kept in memory after its first run (per xdist
# worker) and written back for every later test: much quicker than building them again.
_KEPT_ROWS: dict[tuple[str, str], dict[str, list[dict]]] = {}


def build_once(name: str, build) -> None:
    """Write what `build()` writes into the (empty) database. The first time on this database it
    runs `build()` and keeps every row; after that it inserts the kept rows as they were (ids,
    hashes and timestamps included), so the database is exactly as `build()` left it the first
    time. Only for builds that are the same every time (the demo register: its file and users).

    Kept only when the database was empty before the build, and written back only into an empty
    one: a test that wrote rows first (a user of its own, say) gets a plain build, and its rows
    never reach another test. The key holds the app's settings and DEMO_PASSWORD, so a test with
    other settings (single sign-on, two-factor) gets its own build too."""
    settings = sorted((k, repr(v)) for k, v in current_app.config.items() if isinstance(v, str | int | bool | None))
    key = (db.engine.url.render_as_string(hide_password=False), name, os.environ.get("DEMO_PASSWORD"), str(settings))
    tables = Base.metadata.sorted_tables
    if not _empty(tables):
        build()
        return
    if key not in _KEPT_ROWS:
        build()
        db.session.remove()
        with db.engine.connect() as connection:
            _KEPT_ROWS[key] = {
                table.name: [dict(row._mapping) for row in connection.execute(table.select())] for table in tables
            }
        _analyze(_KEPT_ROWS[key])
        return
    rows = _KEPT_ROWS[key]
    with db.engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        # The rows were consistent when kept: foreign keys are not checked, so no table order matters.
        if not postgresql:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # outside a transaction, as SQLite needs
            connection.commit()
        with connection.begin():
            if postgresql:
                connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for table in tables:
                if rows[table.name]:
                    connection.execute(table.insert(), rows[table.name])
            if postgresql:
                _follow_sequences(connection, tables, rows)
        if not postgresql:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()
    _analyze(rows)


def _analyze(rows: dict[str, list[dict]]) -> None:
    """PostgreSQL: fresh statistics after writing a large register. Autovacuum may last have
    analysed the tables when a test had just emptied them; planning on "no rows" once chose a plan
    for a scope query that ran for forty minutes on a twelve-area register."""
    if db.engine.dialect.name != "postgresql" or sum(map(len, rows.values())) < 1000:
        return
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def _empty(tables) -> bool:
    """No table has a row (one query)."""
    statement = sa.select(sa.or_(*(sa.exists().select_from(table) for table in tables)))
    with db.engine.connect() as connection:
        return not connection.scalar(statement)


def _follow_sequences(connection, tables, rows) -> None:
    """PostgreSQL: each id sequence goes on from the highest id written back."""
    for table in tables:
        columns = list(table.primary_key.columns)
        if rows[table.name] and len(columns) == 1 and columns[0].type.python_type is int:
            name = columns[0].name
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{name}'), "
                f'(SELECT max("{name}") FROM "{table.name}"))'
            )


@pytest.fixture
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
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
