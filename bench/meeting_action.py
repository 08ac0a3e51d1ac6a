"""What one meeting action costs as a panel's history grows (issue 15 item 4): one attendee added
and one attendee's confidentiality changed, on a panel with 36 and with 360 meetings of eight
attendees, on SQLite (a throwaway file) and on PostgreSQL (a throwaway database in the cluster
named by --postgres or TEST_DATABASE_URL; skipped without one).

    python -m bench.meeting_action [--repeat 10] [--postgres postgresql+psycopg://...]

Each action is the service call a POST makes (scope, version check, write, audit entry, findings
refresh, commit): the median of --repeat. A meeting action writes that meeting only, so the cost
at 360 meetings should be about the cost at 36.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

PANEL = "riverford-channel"
ORGANISATIONS = ["riverford-city-council", "eastshire-police", "riverford-nhs-trust", "riverford-college"]


def _grow(meetings: int) -> None:
    """The demo panel with `meetings` meetings of eight attendees (one import)."""
    from compliance.extensions import db
    from compliance.services import exchange

    panel = next(p for p in exchange.export_document()["panels"] if p["ref"] == PANEL)
    start = date(2000, 1, 5)
    for n in range(meetings - len(panel["meetings"])):
        panel["meetings"].append(
            {
                "ref": f"{PANEL}-history-{n:04d}",
                "held_on": (start + timedelta(days=14 * n)).isoformat(),
                "minutes_ref": f"RCP/H/{n}",
                "cases_discussed": 2,
                "resident_area_police_present": True,
                "attendees": [
                    {
                        "role": f"Member {a + 1}",
                        "organisation": ORGANISATIONS[a % len(ORGANISATIONS)],
                        "membership": "core",
                        "confidentiality": {"method": "verbal_recorded_in_minutes", "minutes_ref": f"RCP/H/{n} item 1"},
                    }
                    for a in range(8)
                ],
            }
        )
    doc = {"format": "prevent-compliance-register", "version": 1, "panels": [panel]}
    exchange.import_text(json.dumps(doc), actor="bench", source="import")
    db.session.remove()


def _time(url: str, meetings: int, repeat: int) -> dict[str, float]:
    from compliance import create_app
    from compliance.extensions import db
    from compliance.models import User
    from compliance.services import meetings as service
    from compliance.services import seeding
    from compliance.services.access import Scope
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    timings: dict[str, list[float]] = {"add an attendee": [], "change a confidentiality": []}
    with app.app_context():
        db.drop_all()
        db.create_all()
        os.environ["DEMO_PASSWORD"] = "bench-password-1"
        seeding.seed_demo("bench")
        db.session.commit()
        _grow(meetings)
        ref = "riverford-channel-2026-11"

        def scope() -> Scope:
            return Scope.of(db.session.scalar(sa.select(User).where(User.email.like("admin@%"))))

        for n in range(repeat):
            meeting = service.get_meeting(scope(), ref)
            started = time.perf_counter()
            service.add_attendee(
                scope(),
                meeting,
                {"role": f"Visitor {n}", "organisation": "riverford-college", "confidentiality": {"method": "none"}},
                "bench",
                meeting.record_version,
            )
            timings["add an attendee"].append(time.perf_counter() - started)
            db.session.remove()
            meeting = service.get_meeting(scope(), ref)
            attendee_id = meeting.attendees[-1].id
            started = time.perf_counter()
            service.set_confidentiality(
                scope(),
                meeting,
                attendee_id,
                {"method": "verbal_recorded_in_minutes", "minutes_ref": f"RCP/2026/11 item {n}"},
                "bench",
                meeting.record_version,
            )
            timings["change a confidentiality"].append(time.perf_counter() - started)
            db.session.remove()
        db.drop_all()
        db.session.remove()
        db.engine.dispose()
    return {action: statistics.median(values) for action, values in timings.items()}


def _postgres_database(base: str) -> tuple[str, sa.Engine, str]:
    name = f"bench_meeting_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return sa.make_url(base).set(database=name).render_as_string(hide_password=False), engine, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--meetings", type=int, nargs="+", default=[36, 360])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        backends = [("SQLite", lambda n: f"sqlite:///{Path(scratch) / f'bench-{n}.sqlite3'}", None)]
        cleanup = None
        if args.postgres:
            url, engine, name = _postgres_database(args.postgres)
            backends.append(("PostgreSQL", lambda n: url, None))
            cleanup = (engine, name)
        else:
            print("PostgreSQL: skipped (give --postgres or TEST_DATABASE_URL)")
        try:
            for backend, url_for, _ in backends:
                for meetings in args.meetings:
                    medians = _time(url_for(meetings), meetings, args.repeat)
                    figures = ", ".join(f"{action} {ms * 1000:.0f} ms" for action, ms in medians.items())
                    print(f"{backend}, panel of {meetings} meetings: {figures} (median of {args.repeat})", flush=True)
        finally:
            if cleanup:
                engine, name = cleanup
                with engine.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
                engine.dispose()


if __name__ == "__main__":
    main()
