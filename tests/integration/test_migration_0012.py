"""Migration 0012 (archive never deletes) on a register that already holds rows, on SQLite and
PostgreSQL: every record table gains archived_on, archived_reason and archived_by, rows stay
unarchived, and the migration goes down and up again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from compliance.extensions import db
from tests.conftest import make_app

TABLES = (
    "area",
    "organisation",
    "storage_system",
    "privacy_notice",
    "data_flow",
    "dsa",
    "dpia",
    "processing_contract",
    "mou",
    "joint_controller_arrangement",
    "panel",
)
COLUMNS = {"archived_on", "archived_reason", "archived_by"}


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def test_0012_adds_the_archive_columns_keeps_rows_and_goes_down_and_up(scratch_database_url):
    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO organisation (id, ref, name, partner_type, record_version, created_at, updated_at) "
                "VALUES (1, 'council', 'The Council', 'local_authority', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        upgrade(revision="0012")
        for table in TABLES:
            assert COLUMNS <= _columns(table), table
        with db.engine.begin() as connection:
            row = connection.exec_driver_sql(
                "SELECT name, archived_on, archived_reason, archived_by FROM organisation WHERE id = 1"
            ).one()
        assert tuple(row) == ("The Council", None, None, None)
        downgrade(revision="0010")
        for table in TABLES:
            assert not COLUMNS & _columns(table), table
        with db.engine.begin() as connection:
            assert connection.exec_driver_sql("SELECT name FROM organisation WHERE id = 1").scalar() == "The Council"
        upgrade(revision="0012")
        assert COLUMNS <= _columns("organisation")
        db.engine.dispose()
