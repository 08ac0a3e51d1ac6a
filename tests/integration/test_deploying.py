"""docs/deploying.md, run: build the wheel, install it alone into a new virtual environment,
then every command of the guide in order, from an empty working directory, with the guide's
paths and database URLs swapped for temporary ones. On SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (CI). The wheel is built and installed once per test run (shared by its workers).

Also: the demo loads from the installed wheel (db upgrade, seed demo, gaps), gunicorn serves the
sign-in page and its CSS, and nothing is written inside the installed package.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from compliance.services.backup import BackupError, pg_program
from tests.conftest import ROOT, skip_or_fail
from tests.integration.test_reminders import _SMTPHandler

GUIDE = ROOT / "docs" / "deploying.md"
BLOCK = re.compile(r"^```(sh|cron)\n(.*?)^```", re.M | re.S)
WHEEL = "prevent_compliance_register-0.1.0-py3-none-any.whl"
ADMIN_PASSWORD = "deploy-guide-admin-password"


def guide_blocks() -> list[tuple[str, list[str]]]:
    text = GUIDE.read_text(encoding="utf-8")
    return [(kind, [line for line in body.splitlines() if line.strip()]) for kind, body in BLOCK.findall(text)]


def run(command: str, env: dict[str, str], cwd: Path, ok=(0,)) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", "-c", command], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode in ok, f"{command}\nexit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


def files_under(path: Path) -> dict[str, int]:
    return {str(p.relative_to(path)): p.stat().st_mtime_ns for p in path.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Iterator[dict]:
    """The guide's first two blocks: the wheel built from this checkout, installed alone in a new
    virtual environment (pip's cache makes the dependencies quick after the first time). Built once
    per test run: the first xdist worker to get here builds it under a lock, the others wait and
    use it (the tests only run its commands; each checks nothing is written inside it)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this run's directory, shared by its workers
    base = root / "deploy"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    with (root / "deploy.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / "installed").is_file():
            _build_and_install(base, env)
            (base / "installed").write_text("ok\n")
    venv = base / "opt" / "venv"
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert (site / "compliance" / "bundled" / "migrations" / "env.py").is_file()
    yield {"base": base, "venv": venv, "site": site, "env": env}


def _build_and_install(base: Path, env: dict[str, str]) -> None:
    started = time.perf_counter()
    shutil.rmtree(base, ignore_errors=True)  # what a failed build on another worker left
    base.mkdir()
    build, install = guide_blocks()[:2]
    for line in build[1]:
        run(line.replace("-w dist", f"-w {base / 'dist'}"), env, ROOT)
    assert (base / "dist" / WHEEL).is_file()
    for line in install[1]:
        run(line.replace("/opt/register", str(base / "opt")).replace("dist/", f"{base / 'dist'}/"), env, base)
    print(f"\nwheel built and installed in {time.perf_counter() - started:.1f} s")


@pytest.fixture
def database(backend: str, database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Empty databases for the guide: the live one and the drill's (made by the guide's createdb)."""
    if backend == "sqlite":
        yield {"live": f"sqlite:///{tmp_path / 'live.sqlite3'}", "drill": f"sqlite:///{tmp_path / 'drill.sqlite3'}"}
        return
    try:
        createdb = pg_program("createdb", 0)
        pg_program("pg_dump", 15)
    except BackupError as error:
        skip_or_fail(str(error), "REQUIRE_POSTGRES")
    url = sa.make_url(database_url)
    name = f"deploy_{uuid.uuid4().hex[:10]}"
    server = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield {
            "live": url.set(database=name).render_as_string(hide_password=False),
            "drill": url.set(database=f"{name}_drill").render_as_string(hide_password=False),
            "createdb": f"{createdb} -h {url.host} -p {url.port or 5432} -U {url.username} {name}_drill",
        }
    finally:
        with server.connect() as connection:
            for db in (name, f"{name}_drill"):
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def smtp_port() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def serve_and_check(command: str, env: dict[str, str], cwd: Path) -> list[str]:
    """Start the guide's `compliance serve` (on a free port), fetch the sign-in page, its CSS and
    /healthz, stop it with SIGTERM; return its log lines."""
    port = free_port()
    log = cwd / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", "exec " + command.replace("--port 8000", f"--port {port}")],
            env=env, cwd=cwd, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(150):
                if process.poll() is not None:
                    pytest.fail(f"compliance serve exited {process.returncode}:\n{log.read_text()[-3000:]}")
                try:
                    status, page = get(f"{base}/sign-in")
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            else:
                pytest.fail(f"compliance serve did not answer within 30 s:\n{log.read_text()[-3000:]}")
            assert status == 200 and "Sign in" in page
            stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
            assert any("govuk-frontend" in href for href in stylesheets), stylesheets
            for href in stylesheets:
                assert get(base + href)[0] == 200, href
            assert get(f"{base}/healthz") == (200, "ok\n")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    assert process.returncode == 0, log.read_text()[-3000:]
    return log.read_text().splitlines()


def test_the_deployment_guide_runs_from_the_installed_wheel(installed, database, smtp_port, backend, tmp_path):
    started = time.perf_counter()
    work = tmp_path / "empty-working-directory"
    work.mkdir()
    paths = {
        "/var/backups/register": tmp_path / "backups",
        "/var/lib/register": tmp_path / "var-lib",
        "/etc/register/first-admin-password": tmp_path / "first-admin-password",
    }
    for path in (paths["/var/backups/register"], paths["/var/lib/register"]):
        path.mkdir()
    paths["/etc/register/first-admin-password"].write_text(ADMIN_PASSWORD + "\n")
    env = {
        **installed["env"],
        "PATH": f"{installed['venv'] / 'bin'}:{installed['env']['PATH']}",
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database["live"],
        "INSTANCE_PATH": str(paths["/var/lib/register"]),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
    }
    backup_name = f"register-{date.today().isoformat()}.tar.gz"

    def swapped(line: str) -> str:
        line = line.replace("postgresql+psycopg://register:PASSWORD@db.internal/register_drill", database["drill"])
        line = line.replace("register-2026-12-04.tar.gz", backup_name)
        for guide_path, real in paths.items():
            line = line.replace(guide_path, str(real))
        return line

    site_before = files_under(installed["site"])
    ran = []
    for kind, lines in guide_blocks()[2:]:
        for line in lines:
            if kind == "cron":
                line = line.split(None, 5)[5].replace("\\%", "%")
            line = swapped(line)
            if line.startswith("createdb"):
                if backend == "sqlite":
                    continue  # SQLite makes its database file on first use
                line = database["createdb"]
            if line.startswith("compliance serve"):
                logs = serve_and_check(line, env, work)
                assert logs and all(entry.startswith("{") for entry in logs), logs[:5]
            else:
                run(line, env, work, ok=(0, 1) if "--fail-on" in line else (0,))
            ran.append(line.split()[0] if not line.startswith("DATABASE_URL") else line.split()[1])
    assert ran.count("compliance") >= 8 and "cmp" in ran
    assert (paths["/var/backups/register"] / backup_name).is_file()
    assert list(work.iterdir()) == [work / "serve.log"]  # runtime files went to INSTANCE_PATH

    assert files_under(installed["site"]) == site_before, "something was written inside site-packages"
    print(f"\nguide run on {backend} in {time.perf_counter() - started:.1f} s")


def test_the_demo_loads_from_the_installed_wheel(installed, tmp_path):
    """db upgrade, seed demo and gaps from an empty working directory (development: production
    refuses demo accounts), with INSTANCE_PATH unset: runtime files go to instance/ there."""
    work = tmp_path / "empty-working-directory"
    work.mkdir()
    env = {**installed["env"], "PATH": f"{installed['venv'] / 'bin'}:{installed['env']['PATH']}"}
    for name in ("INSTANCE_PATH", "SECRET_KEY", "DEMO_PASSWORD"):
        env.pop(name, None)
    site_before = files_under(installed["site"])
    demo_env = {**env, "APP_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    run("compliance db upgrade", demo_env, work)
    assert "Demo password" in run("compliance seed demo", demo_env, work).stdout
    assert "HIGH   DPIA_MISSING" in run("compliance gaps", demo_env, work, ok=(0, 1)).stdout
    assert {p.name for p in (work / "instance").iterdir()} == {"secret_key", "demo-password.txt"}
    assert files_under(installed["site"]) == site_before, "something was written inside site-packages"
