"""Migration 0011 on a register that already holds data, on SQLite and PostgreSQL: evidence
documents, audit entries and findings are linked to the record that has their ref now, except
those the audit trail shows belonged to a record with that ref that was deleted after them; the
audit chain verifies after its rebuild; ids are never handed out twice (SQLite's tables are
AUTOINCREMENT, and stay so); and the migration goes down and up again."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from compliance.extensions import db
from compliance.models import Base
from compliance.models.base import NEVER_REUSED_IDS
from compliance.services import audit_chain
from tests.conftest import make_app

from .test_migration_0010 import _without_foreign_keys

NAME = "register_migration_0011"


@pytest.fixture
def migration_url(database_url: str, tmp_path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migration-0011.sqlite3'}"
        return
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {NAME}"))
        connection.execute(sa.text(f"CREATE DATABASE {NAME}"))
    yield database_url.rsplit("/", 1)[0] + "/" + NAME
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))
    admin.dispose()


ORG = (
    "INSERT INTO organisation (id, ref, name, partner_type, created_at, updated_at) "
    "VALUES ({}, '{}', 'x', 'other', '2026-01-01 09:00:00', '2026-01-01 09:00:00')"
)
EVENT = (
    "INSERT INTO audit_event (id, at, actor, source, action, record_type, record_ref, prev_hash, entry_hash) "
    "VALUES ({}, '{}', 'someone', 'web', '{}', '{}', '{}', 'x', 'x')"
)
DOCUMENT = (
    "INSERT INTO evidence_document (id, record_type, record_ref, title, filename, content_type, size, sha256, "
    "marking, uploaded_by, uploaded_at, content) VALUES ({}, 'organisation', '{}', 't', 'f.pdf', 'application/pdf', "
    "1, 'x', 'official', 'someone', '{}', {})"
)
FINDING = (
    "INSERT INTO finding (id, rule_code, subject_type, subject_ref, severity, message, status, first_raised_on, "
    "last_raised_on, updated_at) VALUES ({}, 'COMPLAINTS_PROCEDURE_MISSING', 'organisation', '{}', 'medium', 'm', "
    "'{}', '{}', '2026-03-01', '2026-03-01 09:00:00')"
)


def _register_at_0010(connection) -> None:
    """Organisation 'reused' was created, deleted and created again (now id 2); 'kept' is id 1."""
    blob = "X'00'" if connection.dialect.name == "sqlite" else "'\\x00'::bytea"
    statements = [
        ORG.format(1, "kept"),
        ORG.format(2, "reused"),
        EVENT.format(1, "2026-01-01 10:00:00", "create", "organisation", "reused"),
        EVENT.format(2, "2026-01-10 10:00:00", "delete", "organisation", "reused"),
        EVENT.format(3, "2026-02-01 10:00:00", "create", "organisation", "reused"),
        EVENT.format(4, "2026-02-02 10:00:00", "update", "organisation", "kept"),
        EVENT.format(5, "2026-02-03 10:00:00", "create", "evidence_document", "2"),
        DOCUMENT.format(1, "reused", "2026-01-05 10:00:00", blob),  # the deleted organisation's
        DOCUMENT.format(2, "reused", "2026-02-03 10:00:00", blob),  # the current one's
        DOCUMENT.format(3, "kept", "2026-02-03 10:00:00", blob),
        FINDING.format(1, "reused", "remediated", "2026-01-05"),  # first raised about the deleted one
        FINDING.format(2, "kept", "open", "2026-02-01"),
    ]
    _without_foreign_keys(connection)
    for statement in statements:
        connection.exec_driver_sql(statement)
    if connection.dialect.name == "postgresql":  # rows written with their ids, as a restore would
        connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('organisation', 'id'), 2)")


def _ids(connection, sql: str) -> dict[int, int | None]:
    return dict(connection.exec_driver_sql(sql).all())


def test_0011_links_rows_to_records_by_id_and_goes_down_and_up(migration_url):
    app = make_app(migration_url)
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            _register_at_0010(connection)
        upgrade(revision="0011")
        with db.engine.begin() as connection:
            assert _ids(connection, "SELECT id, record_id FROM audit_event") == {1: None, 2: None, 3: 2, 4: 1, 5: 2}
            assert _ids(connection, "SELECT id, record_id FROM evidence_document") == {1: None, 2: 2, 3: 1}
            assert _ids(connection, "SELECT id, subject_id FROM finding") == {1: None, 2: 1}
        result = audit_chain.verify()
        assert result.ok, result.problem
        assert result.checked["audit_event"] == 5
        db.session.remove()  # (its transaction would hold a lock the downgrade waits for)

        # A deleted record's id is never handed out again (SQLite reuses the largest rowid otherwise).
        with db.engine.begin() as connection:
            _without_foreign_keys(connection)
            connection.exec_driver_sql("DELETE FROM organisation WHERE id = 2")
            connection.exec_driver_sql(
                "INSERT INTO organisation (ref, name, partner_type, created_at, updated_at, record_version) "
                "VALUES ('new', 'x', 'other', '2026-03-01 09:00:00', '2026-03-01 09:00:00', 1)"
            )
            assert connection.exec_driver_sql("SELECT id FROM organisation WHERE ref = 'new'").scalar() > 2
        if db.engine.dialect.name == "sqlite":
            _assert_autoincrement()

        downgrade(revision="0010")
        assert "record_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("audit_event")}
        assert audit_chain_verifies_without_record_id()
        upgrade(revision="0011")
        assert audit_chain.verify().ok
        db.session.remove()
        if db.engine.dialect.name == "sqlite":
            _assert_autoincrement()
        db.engine.dispose()


def audit_chain_verifies_without_record_id() -> bool:
    """After the downgrade, the chain is hashed over the columns it has then."""
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT id, at, actor, source, action, record_type, record_ref, before, after, prev_hash, entry_hash "
            "FROM audit_event ORDER BY id"
        ).all()
    table = sa.table(
        "audit_event",
        *(sa.column(name) for name in ("id", "at", "actor", "source", "action", "record_type", "record_ref")),
        sa.column("before", sa.JSON),
        sa.column("after", sa.JSON),
    )
    previous = audit_chain.GENESIS
    with db.engine.connect() as connection:
        typed = connection.execute(
            sa.select(table, sa.column("prev_hash"), sa.column("entry_hash")).order_by(sa.column("id"))
        ).all()
    assert len(typed) == len(rows)
    for row in typed:
        content = {k: v for k, v in row._mapping.items() if k not in ("prev_hash", "entry_hash")}
        if isinstance(content["at"], str):
            from datetime import datetime

            content["at"] = datetime.fromisoformat(content["at"])
        if row.prev_hash != previous or audit_chain.link(previous, content) != row.entry_hash:
            return False
        previous = row.entry_hash
    return True


def _assert_autoincrement() -> None:
    """Every table whose ids must never be reused is AUTOINCREMENT, in the models and the database."""
    names = [t.name for t in Base.metadata.sorted_tables if t.kwargs.get("sqlite_autoincrement")]
    assert len(names) == 13 and NEVER_REUSED_IDS == {"sqlite_autoincrement": True}
    with db.engine.connect() as connection:
        for name in names:
            sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).scalar()
            assert re.search(r"\bid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", sql), f"{name} is not AUTOINCREMENT"
            # the CHECK constraints survived the rebuild
            if name == "organisation":
                assert "CHECK (partner_type IN" in sql
