"""PostgreSQL plans each query on its tables' statistics, which autovacuum refreshes only some time
after a large write. Until then a table just filled is planned as if empty: a query of the scoped
findings refresh planned that way ran for forty minutes in testing. So after writing many rows at
once (a large import, a restore) the statistics are refreshed at once. SQLite plans without them."""

from __future__ import annotations

from ..extensions import db


def refresh() -> None:
    """ANALYZE every table (about a second on the national register); nothing on SQLite. Outside
    any transaction of the session: call it after the write is committed."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
