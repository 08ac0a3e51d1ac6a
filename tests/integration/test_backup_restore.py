"""`compliance backup` and `compliance restore`, on SQLite and PostgreSQL: a backup restored into
a fresh database gives the same export byte for byte, the same users (who can sign in), the
whole audit trail and finding history; a backup taken while imports run holds each import whole
or not at all."""

from __future__ import annotations

import io
import json
import socket
import tarfile
import threading

import pytest
import sqlalchemy as sa
from flask import Flask

from compliance.extensions import db
from compliance.services import backup, exchange
from tests.conftest import fixture_path, make_app, skip_or_fail
from tests.web.conftest import USERS, sign_in

PASSWORD = "backup-tests-password"
HISTORY = ("audit_event", "finding_event", "finding", "user_account")


@pytest.fixture(autouse=True)
def postgresql_client(request):
    """PostgreSQL's backups need its client programs: skip with the reason when they are absent."""
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "postgresql":
        for program in ("pg_dump", "pg_restore"):
            try:
                backup.pg_program(program, 15)
            except backup.BackupError as error:
                skip_or_fail(str(error), "REQUIRE_POSTGRES")


def run(app: Flask, *args: str):
    """A `compliance` command against this app's database (its own app context, not the one the
    `app` fixture pushed)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
        db.session.remove()
    return result


def rows(app: Flask, table: str) -> list[tuple]:
    with app.app_context():
        with db.engine.connect() as connection:
            return [tuple(r) for r in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))]


@pytest.fixture
def demo_with_history(app, cli, monkeypatch):
    """The demo register, then a change that closes findings: audit entries and finding events."""
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    assert cli(["seed", "demo"]).exit_code == 0
    assert cli(["gaps", "--format", "json"]).exit_code in (0, 1)
    assert cli(["import", str(fixture_path("spec-example.json"))]).exit_code == 0
    return app


def test_backup_then_restore_into_a_fresh_database_gives_the_same_register(
    demo_with_history, scratch_database_url, tmp_path, backend
):
    source = demo_with_history
    out = tmp_path / "register-backup.tar.gz"
    result = run(source, "backup", str(out))
    assert result.exit_code == 0, result.output
    with tarfile.open(out) as archive:
        assert sorted(archive.getnames()) == sorted(["manifest.json", backup.DUMP_NAME[backend]])
        manifest = json.loads(archive.extractfile("manifest.json").read())
    assert manifest["backend"] == backend and manifest["tables"]["audit_event"] > 0
    assert manifest["tables"]["finding_event"] > 0 and len(manifest["dump"]["sha256"]) == 64

    target = make_app(scratch_database_url)
    result = run(target, "restore", str(out))
    assert result.exit_code == 0, result.output
    assert "match the manifest" in result.output

    assert run(source, "export", str(tmp_path / "before.json")).exit_code == 0
    assert run(target, "export", str(tmp_path / "after.json")).exit_code == 0
    assert (tmp_path / "before.json").read_bytes() == (tmp_path / "after.json").read_bytes()
    for table in HISTORY:
        assert rows(target, table) == rows(source, table), table
    if backend == "postgresql":  # the planner has the restored columns' statistics at once
        with target.app_context():
            statement = sa.text("SELECT count(*) FROM pg_stats WHERE tablename = 'data_flow'")
            assert db.session.scalar(statement) > 0
            db.session.remove()

    with target.app_context():
        client = target.test_client()
        assert sign_in(client, USERS["dpo"], PASSWORD).status_code == 302
        assert client.get("/").status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_database_that_holds_rows_unless_forced(demo_with_history, tmp_path, backend):
    out = tmp_path / "b.tar"
    assert run(demo_with_history, "backup", str(out)).exit_code == 0
    result = run(demo_with_history, "restore", str(out))
    assert result.exit_code == 2
    assert "not empty" in result.stderr and "--force" in result.stderr and "audit_event" in result.stderr
    result = run(demo_with_history, "restore", "--force", str(out))
    assert result.exit_code == 0, result.output


def test_a_damaged_backup_is_refused_and_nothing_is_written(demo_with_history, scratch_database_url, tmp_path, backend):
    out = tmp_path / "b.tar"
    assert run(demo_with_history, "backup", str(out)).exit_code == 0
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(out) as original, tarfile.open(damaged, "w") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name != "manifest.json":
                data = data[:-1] + bytes([data[-1] ^ 1])
            copy.addfile(member, io.BytesIO(data))
    target = make_app(scratch_database_url)
    result = run(target, "restore", str(damaged))
    assert result.exit_code == 2 and "SHA-256" in result.stderr
    result = run(target, "restore", str(tmp_path / "nothing-here.tar"))
    assert result.exit_code == 2 and "not a backup" in result.stderr
    with target.app_context():
        assert backup.rows_present() == {}
        db.engine.dispose()


def _renamed(doc: dict, suffix: str) -> dict:
    """The document with every ref (and every mention of one) made unique by `suffix`."""
    refs: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, dict):
            refs.update([value["ref"]] if "ref" in value else [])
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    collect(doc)

    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return f"{value}-{suffix}" if isinstance(value, str) and value in refs else value

    return walk(doc)


def test_a_backup_taken_while_imports_run_holds_each_import_whole_or_not_at_all(
    app, scratch_database_url, tmp_path, backend
):
    doc = json.loads(fixture_path("spec-example.json").read_text(encoding="utf-8"))
    per_import = {key: len(records) for key, records in doc.items() if isinstance(records, list)}
    imported: list[int] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with app.app_context():
                for n in range(6):
                    exchange.import_text(json.dumps(_renamed(doc, f"w{n}")), actor="test", source="import")
                    imported.append(n)
                db.session.remove()
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    outs = []
    while writer.is_alive() or not outs:
        out = tmp_path / f"b{len(outs)}.tar"
        assert run(app, "backup", str(out)).exit_code == 0
        outs.append(out)
    writer.join()
    assert not errors and imported == list(range(6))

    target = make_app(scratch_database_url)
    for out in outs:  # each into the same database, replacing the one before
        result = run(target, "restore", "--force", str(out))
        assert result.exit_code == 0, result.output
        with target.app_context():
            restored = exchange.export_document(None, redact=False)
            db.session.remove()
        for n in range(6):
            counts = {key: sum(r["ref"].endswith(f"-w{n}") for r in restored.get(key, [])) for key in per_import}
            assert counts in ({key: 0 for key in per_import}, per_import), (out.name, n, counts)
    with target.app_context():
        db.engine.dispose()


def test_pg_dump_missing_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(backup, "PG_BIN_DIRS", str(tmp_path / "nowhere" / "*"))
    with pytest.raises(backup.BackupError, match=r"pg_dump is not installed .*version 15 or later"):
        backup.pg_program("pg_dump", 15)


def test_a_database_that_does_not_answer_is_named_not_a_traceback(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = make_app(f"postgresql+psycopg://register@127.0.0.1:{port}/register")
    result = run(app, "backup", str(tmp_path / "b.tar.gz"))
    assert result.exit_code == 2 and "the database did not answer" in result.stderr
    assert not list(tmp_path.iterdir())
