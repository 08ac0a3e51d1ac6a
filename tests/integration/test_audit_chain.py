"""The hash chains over the audit trail and the findings' history: written by every path (bulk
import, ORM saves, findings refresh), safe under concurrent writers, built by the migration for
entries already there, and `compliance audit verify` names the first entry that was tampered with."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from compliance.extensions import db
from compliance.models import AuditEvent, Finding, FindingEvent
from compliance.services import audit_chain, findings
from tests.conftest import make_app
from tests.integration.test_exchange import import_doc, load_fixture


def verify(cli):
    return cli(["audit", "verify"])


def imported(cli) -> None:
    assert import_doc(cli, load_fixture("full-register.json")).exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FindingEvent)) > 4


def ids(table: str) -> list[int]:
    return list(db.session.scalars(sa.text(f"SELECT id FROM {table} ORDER BY id")))


def test_an_import_and_later_saves_chain_every_entry(cli):
    imported(cli)
    finding = db.session.scalar(sa.select(Finding).limit(1))
    findings.accept_risk(
        finding, actor="dpo@example.org", reason="Agreed at board", review_on=date.today() + timedelta(days=30)
    )
    doc = load_fixture("full-register.json")
    doc["organisations"][0]["name"] += " (renamed)"
    assert import_doc(cli, doc).exit_code == 0

    result = verify(cli)
    assert result.exit_code == 0, result.stderr
    audit_entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    events = db.session.scalar(sa.select(sa.func.count()).select_from(FindingEvent))
    assert f"{audit_entries + events} entries checked" in result.stdout
    assert audit_entries > 1 and events > 1
    # The first entry of each chain starts from 64 zeros; each next one names the one before.
    for model in (AuditEvent, FindingEvent):
        rows = db.session.execute(sa.select(model.prev_hash, model.entry_hash).order_by(model.id)).all()
        assert rows[0].prev_hash == audit_chain.GENESIS
        assert all(row.prev_hash == before.entry_hash for before, row in pairwise(rows))


def _edit(table: str, entry_id: int) -> None:
    column = "actor"
    db.session.execute(sa.text(f"UPDATE {table} SET {column} = 'mallory' WHERE id = :id"), {"id": entry_id})


def _delete(table: str, entry_id: int) -> None:
    db.session.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": entry_id})


def _swap(table: str, entry_id: int) -> None:
    """Move an entry one place later (and the next one place earlier): ids are the chain's order."""
    for old, new in ((entry_id, -1), (entry_id + 1, entry_id), (-1, entry_id + 1)):
        db.session.execute(sa.text(f"UPDATE {table} SET id = :new WHERE id = :old"), {"old": old, "new": new})


def _insert(table: str, entry_id: int) -> None:
    """A forged entry before the first, with a hash that matches its own content."""
    source = sa.Table(table, sa.MetaData(), autoload_with=db.session.connection())
    row = dict(db.session.execute(sa.select(source).where(source.c.id == ids(table)[0])).one()._mapping)
    content = {k: v for k, v in row.items() if k not in audit_chain.HASH_COLUMNS} | {"id": 0, "actor": "mallory"}
    forged = content | {"prev_hash": audit_chain.GENESIS, "entry_hash": audit_chain.link(audit_chain.GENESIS, content)}
    db.session.execute(source.insert(), forged)


TAMPERING = {
    "edited": (_edit, 2, "its content does not match its hash"),
    "deleted": (_delete, 2, "does not follow"),
    "reordered": (_swap, 2, "does not follow"),
    "inserted": (_insert, 0, "does not follow"),
}


@pytest.mark.parametrize("table", ["audit_event", "finding_event"])
@pytest.mark.parametrize("how", TAMPERING)
def test_verify_names_the_first_entry_that_was_tampered_with(cli, table, how):
    imported(cli)
    assert verify(cli).exit_code == 0
    tamper, offset, problem = TAMPERING[how]
    first = ids(table)[0]
    tamper(table, first + offset)
    db.session.commit()

    result = verify(cli)
    assert result.exit_code == 1
    label = audit_chain.LABELS[table]
    # Where the chain first fails: the edited entry; the one after a deleted, inserted or moved one.
    expected = {"edited": first + 2, "deleted": first + 3, "reordered": first + 2, "inserted": first}[how]
    assert f"{label} {expected} ({table})" in result.stderr
    assert problem in result.stderr


def test_a_head_printed_earlier_must_still_be_in_the_chain(cli):
    imported(cli)
    head = audit_chain.heads()["audit_event"]
    assert cli(["audit", "verify", "--head", head]).exit_code == 0
    last = ids("audit_event")[-1]
    _delete("audit_event", last)  # removing the newest entries leaves a chain that links up
    db.session.commit()
    assert verify(cli).exit_code == 0
    result = cli(["audit", "verify", "--head", head])
    assert result.exit_code == 1 and head in result.stderr


def test_concurrent_writers_never_fork_the_chain(app, cli, backend):
    imported(cli)
    engine = db.engine
    table = AuditEvent.__table__
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for n in range(15):
                with engine.begin() as connection:
                    rows = [
                        {
                            "actor": name,
                            "source": "test",
                            "action": "create",
                            "record_type": "area",
                            "record_ref": f"{name}-{n}-{i}",
                            "before": None,
                            "after": {"n": n},
                        }
                        for i in range(3)
                    ]
                    connection.execute(table.insert(), audit_chain.chain_rows(connection, table, rows))
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"writer{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(cli)
    assert result.exit_code == 0, result.stderr
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.source == "test")) == 135
    )


def test_the_audit_log_page_says_whether_the_chain_verifies(cli):
    from compliance.services import audit_chain as chain

    imported(cli)
    assert chain.status(fresh=True).ok
    _edit("audit_event", ids("audit_event")[1])
    db.session.commit()
    broken = chain.status(fresh=True)
    assert not broken.ok and "audit entry" in broken.problem


def test_the_migration_chains_the_entries_already_there(scratch_database_url):
    """A register at revision 0005 with entries, then `db upgrade`: every entry is chained."""
    app = make_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    'INSERT INTO audit_event (at, actor, source, action, record_type, record_ref, "before", "after") '
                    "VALUES (:at, 'cli:dpo', 'cli', 'create', 'area', :ref, NULL, :after)"
                ),
                [
                    {
                        "at": f"2025-01-0{n} 10:00:00.123456",
                        "ref": f"AREA-{n}",
                        "after": f'{{"ref": "AREA-{n}", "name": "Café"}}',
                    }
                    for n in range(1, 4)
                ],
            )
            connection.execute(
                sa.text(
                    "INSERT INTO rule (code, gnn, title, subject_type, severity, why, remediation, created_at, "
                    "updated_at) VALUES ('R1', 'G01', 'A rule', 'area', 'high', 'w', 'r', :at, :at)"
                ),
                {"at": "2025-01-01 10:00:00"},
            )
            finding_id = connection.scalar(
                sa.text(
                    "INSERT INTO finding (rule_code, subject_type, subject_ref, severity, message, status, "
                    "first_raised_on, last_raised_on, updated_at) VALUES ('R1', 'area', 'AREA-1', 'high', 'm', "
                    "'open', '2025-01-01', '2025-01-01', '2025-01-01 10:00:00') RETURNING id"
                )
            )
            connection.execute(
                sa.text(
                    'INSERT INTO finding_event (finding_id, at, "on", kind, severity, status, actor, note) '
                    "VALUES (:finding, :at, '2025-01-01', :kind, 'high', 'open', 'system', :note)"
                ),
                [
                    {"finding": finding_id, "at": "2025-01-01 10:00:00.5", "kind": "raised", "note": None},
                    {"finding": finding_id, "at": "2025-01-02 10:00:00", "kind": "risk_accepted", "note": "<b>ok</b>"},
                ],
            )
        upgrade()
        result = audit_chain.verify()
        assert result.ok, result.problem
        assert result.checked == {"audit_event": 3, "finding_event": 2}
        # New entries chain on from the migrated ones.
        from compliance.services import audit

        audit.record_change(
            actor="a", source="test", record_type="area", record_ref="AREA-9", before=None, after={"x": 1}
        )
        db.session.commit()
        assert audit_chain.verify().checked["audit_event"] == 4
        db.session.remove()
        db.engine.dispose()
