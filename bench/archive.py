"""What archiving and restoring cost from the browser, and how many SQL statements the pages
around them make, on the demo register in a throwaway SQLite file (issue 20).

    python -m bench.archive [--repeat 5]

Each archive and restore is one POST through the test client: the scope checks, the version
check, the import, the audit entry and the findings refresh, in one transaction.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

PAGES = ("/", "/records/data_flows/council-to-police-referrals", "/records/storage_systems/pcm/archive")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from compliance import create_app
    from compliance.extensions import db
    from compliance.services import seeding
    from config import TestingConfig

    with tempfile.TemporaryDirectory() as scratch:

        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"

        app = create_app(Config)
        with app.app_context():
            db.create_all()
            os.environ["DEMO_PASSWORD"] = "bench-password-1"
            seeding.seed_demo("bench")
            db.session.commit()
            client = app.test_client()

            def token(page: str) -> str:
                html = client.get(page).data.decode()
                found = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
                return found[1]

            credentials = {"email": "dpo@riverford.example.gov.uk", "password": "bench-password-1"}
            client.post("/sign-in", data={**credentials, "csrf_token": token("/sign-in")})
            statements = []
            sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
            for page in PAGES:
                statements.clear()
                client.get(page)
                print(f"GET {page}: {len(statements)} SQL statements")
            timings = {"archive": [], "restore": []}
            for key, ref in (("storage_systems", "pcm"), ("data_flows", "council-to-police-referrals")):
                for _ in range(args.repeat):
                    path = f"/records/{key}/{ref}/archive"
                    data = {"csrf_token": token(path), "reason": "bench"}
                    started = time.perf_counter()
                    assert client.post(path, data=data).status_code == 302
                    timings["archive"].append(time.perf_counter() - started)
                    html = client.get(f"/records/{key}/{ref}").data.decode()
                    version = re.search(r'name="record_version" value="(\d+)"', html)[1]
                    data = {"csrf_token": token("/"), "record_version": version}
                    started = time.perf_counter()
                    assert client.post(f"/records/{key}/{ref}/restore", data=data).status_code == 302
                    timings["restore"].append(time.perf_counter() - started)
            for action, values in timings.items():
                print(f"{action}: median {statistics.median(values) * 1000:.0f} ms over {len(values)} POSTs")


if __name__ == "__main__":
    main()
