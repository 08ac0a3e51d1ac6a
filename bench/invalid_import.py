"""How long, and how much memory, an import of a large invalid exchange file costs: from the CLI
(`compliance import`, under /usr/bin/time -v when it is installed) and from the browser (one
POST to /transfer/import through the test client, timed in process).

    python -m bench.invalid_import [--megabytes 24] [--keep DIR]

The file is the spec example with every data flow's fields of the wrong type (millions of schema
problems). Nothing is written: the databases are throwaway SQLite files.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def invalid_file(path: Path, megabytes: int) -> int:
    doc = json.loads((ROOT / "tests" / "fixtures" / "spec-example.json").read_text())
    flows, size = [], 0
    while size < megabytes * 1024 * 1024:
        flow = {"ref": f"Bad Ref {len(flows)}", "name": 1, "area": 2, "programme": 3, "sender": 4, "recipient": 5}
        flow.update(frequency=6, transfer_channel=7, relationship=8, status=9, data_categories=list(range(30)))
        flows.append(flow)
        size += len(json.dumps(flow)) + 2
    doc["data_flows"] = flows
    path.write_text(json.dumps(doc))
    return len(flows)


def cli_import(path: Path, folder: Path) -> str:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'cli.sqlite3'}")
    compliance = str(Path(sys.executable).parent / "compliance")
    subprocess.run([compliance, "db", "upgrade"], env=env, capture_output=True, check=True)
    timer = ["/usr/bin/time", "-v"] if shutil.which("/usr/bin/time") else []
    started = time.perf_counter()
    done = subprocess.run([*timer, compliance, "import", str(path)], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    memory = f", max RSS {int(rss.group(1)) / 1024:.0f} MB" if rss else " (no /usr/bin/time: memory not measured)"
    return f"exit {done.returncode}, {wall:.1f} s{memory}: {done.stderr.splitlines()[0][:120]}"


def browser_import(path: Path, folder: Path) -> str:
    from compliance import create_app
    from compliance.extensions import db
    from compliance.services import users
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'web.sqlite3'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        users.create_user("admin@bench.example", "admin", "bench-password-1", actor="bench", source="cli")
        db.session.commit()
        client = app.test_client()

        def token(page: str) -> str:
            return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(page).data.decode())[1]

        credentials = {"email": "admin@bench.example", "password": "bench-password-1"}
        client.post("/sign-in", data={**credentials, "csrf_token": token("/sign-in")})
        data = {"csrf_token": token("/transfer/"), "file": (io.BytesIO(path.read_bytes()), "register.json")}
        started = time.perf_counter()
        response = client.post("/transfer/import", data=data, content_type="multipart/form-data")
        wall = time.perf_counter() - started
        summary = re.search(r"[0-9,]+ problems? listed[^<]*", response.data.decode())
        return f"status {response.status_code}, {wall:.1f} s: {summary[0] if summary else '(no summary)'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=24)
    parser.add_argument("--keep", help="write the invalid file into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        path = folder / "invalid.json"
        flows = invalid_file(path, args.megabytes)
        print(f"{path.stat().st_size / 1e6:.1f} MB, {flows:,} invalid flows")
        print(f"compliance import: {cli_import(path, Path(scratch))}")
        print(f"browser import:    {browser_import(path, Path(scratch))}")


if __name__ == "__main__":
    main()
