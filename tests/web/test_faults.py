"""A database connection lost in the middle of a save: the user gets a clear "not saved, try again"
page (503, not a traceback) and nothing of the change is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, DataFlow, FindingEvent
from compliance.services import audit_chain
from tests.web.conftest import csrf
from tests.web.test_journeys import FLOW, _form_values


def _state() -> tuple:
    name = db.session.scalar(sa.select(DataFlow.name).where(DataFlow.ref == FLOW))
    counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (AuditEvent, FindingEvent))
    db.session.remove()
    return name, counts


def _save_with_fault(client, fault: Callable[[sa.Connection], None]):
    """Post an edit of FLOW whose first audit entry INSERT meets `fault` (on the request's connection)."""
    path = f"/records/data_flows/{FLOW}/edit"
    fields = _form_values(client.get(path).data.decode())
    fields.update({"name": "Renamed while the database went away", "csrf_token": csrf(client, path)})

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO audit_event"):
            fault(conn)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        return client.post(path, data=fields)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


def _raise(conn: sa.Connection) -> None:
    raise sa.exc.OperationalError("INSERT INTO audit_event ...", {}, Exception("server closed the connection"))


def test_a_connection_lost_mid_save_gives_a_503_page_and_writes_nothing(client_for):
    client = client_for("dpo")
    before = _state()
    response = _save_with_fault(client, _raise)
    page = response.data.decode()
    assert response.status_code == 503
    assert "Sorry, the change was not saved" in page and "try again" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert _state() == before
    assert audit_chain.verify().ok
    # The next save goes through.
    path = f"/records/data_flows/{FLOW}/edit"
    fields = _form_values(client.get(path).data.decode()) | {"csrf_token": csrf(client, path), "name": "Renamed"}
    assert client.post(path, data=fields).status_code == 302


def test_a_backend_terminated_mid_save_on_postgresql(client_for, backend, database_url):
    """The real thing: pg_terminate_backend from another connection while the save runs."""
    if backend != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")

    def terminate(conn: sa.Connection) -> None:
        pid = conn.connection.dbapi_connection.info.backend_pid
        with admin.connect() as other:
            assert other.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    client = client_for("dpo")
    before = _state()
    try:
        response = _save_with_fault(client, terminate)
    finally:
        admin.dispose()
    assert response.status_code == 503 and "Sorry, the change was not saved" in response.data.decode()
    assert _state() == before
    assert audit_chain.verify().ok
