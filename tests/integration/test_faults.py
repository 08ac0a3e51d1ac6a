"""Nothing half-written under faults: `compliance import` killed (SIGKILL) midway leaves the register,
the audit chain and the findings exactly as they were, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from compliance import synthetic
from compliance.extensions import db
from compliance.models import Finding, FindingEvent
from tests.integration.test_exchange import import_doc, load_fixture

COMPLIANCE = str(Path(sys.executable).parent / "compliance")


def _snapshot(cli) -> dict:
    """What must not change: the register as exported, the audit chain as verified, the findings."""
    export = cli(["export", "-"])
    verify = cli(["audit", "verify"])
    assert export.exit_code == 0 and verify.exit_code == 0, verify.stderr
    finding_rows = db.session.execute(sa.select(Finding.__table__).order_by(Finding.id)).all()
    events = db.session.scalar(sa.select(sa.func.count()).select_from(FindingEvent))
    db.session.remove()
    return {
        "register": json.loads(export.stdout),
        "audit": verify.stdout,
        "findings": [tuple(row) for row in finding_rows],
        "finding events": events,
    }


def _writing(url: str, database: Path | None, engine: sa.Engine) -> bool:
    """Has the import started writing (and not yet committed)?"""
    if database is not None:  # SQLite's rollback journal exists while a write transaction is open
        return Path(f"{database}-journal").exists()
    with engine.connect() as connection:  # the audit chain's lock: records written, audit entries next
        return bool(
            connection.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
                )
            )
        )


def test_an_import_killed_midway_writes_nothing(cli, database_url, tmp_path):
    assert import_doc(cli, load_fixture("full-register.json")).exit_code == 0
    before = _snapshot(cli)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(synthetic.register(12, seed=3)), encoding="utf-8")

    database = Path(database_url.removeprefix("sqlite:///")) if database_url.startswith("sqlite") else None
    environment = {key: value for key, value in os.environ.items() if key not in ("TEST_DATABASE_URL", "APP_ENV")} | {
        "DATABASE_URL": database_url,
        "APP_ENV": "development",
    }
    db.engine.dispose()
    watcher = sa.create_engine(database_url)
    output = tmp_path / "import.log"
    with output.open("wb") as log:
        process = subprocess.Popen([COMPLIANCE, "import", str(big)], env=environment, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while not _writing(database_url, database, watcher):
            assert process.poll() is None, f"the import ended before it could be killed: {output.read_text()}"
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        watcher.dispose()
    assert process.returncode == -signal.SIGKILL

    assert _snapshot(cli) == before
    # And the register takes the same import once nothing kills it.
    assert cli(["import", str(big)]).exit_code == 0
    assert cli(["audit", "verify"]).exit_code == 0
    assert _snapshot(cli)["register"] != before["register"]  # so the killed one had something to write
