"""Migration 0010 on a register that already holds data, on SQLite and PostgreSQL: the new art6
values and Annex 1 conditions are accepted, anything else is still refused by the CHECK
constraints (those of the other enum columns too, which SQLite's table rebuild must keep), rows
survive, and the migration goes down and up again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from compliance.extensions import db
from tests.conftest import make_app


def _without_foreign_keys(connection) -> None:
    """The rows below stand alone (no flow or organisation behind them): only the column checks matter."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    else:
        connection.exec_driver_sql("SET session_replication_role = replica")


def _refused(statement: str) -> bool:
    try:
        with db.engine.begin() as connection:
            _without_foreign_keys(connection)
            connection.exec_driver_sql(statement)
    except (sa.exc.IntegrityError, sa.exc.DataError):  # a CHECK constraint, or (PostgreSQL) the column's length
        return True
    return False


def test_0010_keeps_rows_and_checks_and_goes_down_and_up(scratch_database_url):
    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as connection:
            _without_foreign_keys(connection)
            connection.exec_driver_sql(
                "INSERT INTO lawful_basis (id, data_flow_id, position, party_id, regime, art6, art9) "
                "VALUES (1, 1, 0, 1, 'uk_gdpr', 'e_public_task', 'other')"
            )
        upgrade(revision="0010")
        with db.engine.begin() as connection:
            _without_foreign_keys(connection)
            kept = connection.exec_driver_sql("SELECT regime, art6, art9, annex1_condition FROM lawful_basis").all()
            connection.exec_driver_sql(
                "INSERT INTO lawful_basis (id, data_flow_id, position, party_id, regime, art6, annex1_condition) "
                "VALUES (2, 2, 0, 1, 'uk_gdpr', 'ea_recognised_legitimate_interest', 'crime')"
            )
            connection.exec_driver_sql("UPDATE lawful_basis SET art6 = 'f_legitimate_interests' WHERE id = 1")
        assert kept == [("uk_gdpr", "e_public_task", "other", None)]
        for column in ("art6", "annex1_condition", "regime", "art9", "art10", "part3"):
            assert _refused(f"UPDATE lawful_basis SET {column} = 'nonsense' WHERE id = 1"), column
        downgrade(revision="0009")
        with db.engine.begin() as connection:
            art6 = connection.exec_driver_sql("SELECT id, art6 FROM lawful_basis ORDER BY id").all()
        assert art6 == [(1, "other"), (2, "other")]  # values the old schema cannot hold become "other"
        assert _refused("UPDATE lawful_basis SET art6 = 'f_legitimate_interests' WHERE id = 1")
        upgrade()
        db.engine.dispose()
