"""After a large import PostgreSQL's statistics are refreshed at once, not whenever autovacuum gets
to them: a query planned on the statistics of an empty table once ran for forty minutes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from compliance import synthetic
from compliance.extensions import db
from compliance.models import DataFlow
from compliance.services import exchange


def _estimated_rows(table: str) -> float:
    return db.session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table})


def _analyse_now() -> None:
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE data_flow")


def test_a_large_import_leaves_postgresql_knowing_the_tables_size(app, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL's planner statistics; SQLite plans without them")
    _analyse_now()  # the statistics of the empty table, as after a test or a fresh install
    assert _estimated_rows("data_flow") <= 0
    db.session.remove()
    result = exchange.import_text(synthetic.register(8, seed=5), actor="test")
    assert sum(result.created.values()) >= exchange.ANALYZE_AFTER
    flows = db.session.scalar(sa.select(sa.func.count()).select_from(DataFlow))
    assert _estimated_rows("data_flow") == flows
