"""Serve the app under gunicorn on loopback, for the load generator (bench/load.py).

with serve("sqlite:////tmp/register.db", workers=2) as base_url:
    ...  # base_url is "http://127.0.0.1:PORT"
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A port that was free on 127.0.0.1 a moment ago (the kernel's choice for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: IO[bytes], lines: int = 40) -> str:
    log.flush()
    log.seek(0)
    return "\n".join(log.read().decode("utf-8", "replace").splitlines()[-lines:])


def _ready(port: int) -> bool:
    """Whether GET /sign-in answers 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/sign-in")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _wait_ready(process: subprocess.Popen[bytes], port: int, log: IO[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}:\n{_tail(log)}")
        if _ready(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer GET /sign-in within {READY_TIMEOUT:.0f} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful shutdown), then SIGKILL after STOP_TIMEOUT seconds."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serve(database_url: str, *, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `compliance:create_app()` under gunicorn (APP_ENV=production) on DATABASE_URL; yield its base URL.

    `env` overrides the environment gunicorn gets. Raises RuntimeError, with the tail of gunicorn's
    stderr, if the app does not answer GET /sign-in with 200 within a minute.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "compliance:create_app()",
    ]  # fmt: skip
    environment = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        **(env or {}),
    }
    with tempfile.TemporaryFile(prefix="gunicorn-log-") as log:  # a file, not a pipe: never blocks gunicorn
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            _wait_ready(process, port, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(process)
