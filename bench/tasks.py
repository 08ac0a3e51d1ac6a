"""The measured tasks. Each runs in a child process of bench.run (`python -m bench.tasks NAME URL
[ARGS]`), so that its peak memory is its own; it prints one line of JSON with its figures, timed in
process (the interpreter's start-up is not part of any target)."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

TASKS: dict[str, Callable[..., dict[str, Any]]] = {}


def task(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    TASKS[fn.__name__] = fn
    return fn


@contextmanager
def app_context(url: str):
    from compliance import create_app
    from config import ProductionConfig

    class BenchConfig(ProductionConfig):
        SECRET_KEY = "bench-only"
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        yield app


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


@task
def migrate(url: str) -> dict[str, Any]:
    from flask_migrate import upgrade

    with app_context(url):
        seconds, _ = timed(lambda: upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations")))
    return {"seconds": seconds}


@task
def synth(url: str, areas: str, seed: str = "1") -> dict[str, Any]:
    from compliance.extensions import db
    from compliance.models import DataFlow, MeetingAttendee, PanelMeeting
    from compliance.services import synth as service

    with app_context(url):
        seconds, result = timed(lambda: service.generate(int(areas), seed=int(seed), actor="bench"))
        count = {
            m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (DataFlow, PanelMeeting, MeetingAttendee)
        }
    return {"seconds": seconds, "findings": len(result.refreshed.raised), **count}


@task
def refresh(url: str) -> dict[str, Any]:
    from compliance.extensions import db
    from compliance.services import findings

    with app_context(url):
        findings.refresh(actor="bench")  # a first run stores the register's findings as they stand
        db.session.commit()
        seconds, result = timed(lambda: (findings.refresh(actor="bench"), db.session.commit())[0])
    return {"seconds": seconds, "findings": len(result.raised)}


@task
def export(url: str, path: str) -> dict[str, Any]:
    from compliance.services import exchange

    def run():
        doc = exchange.export_document()
        with open(path, "w", encoding="utf-8") as stream:  # the same bytes as json.dumps, written as encoded
            json.dump(doc, stream, ensure_ascii=False, indent=1)

    with app_context(url):
        seconds, _ = timed(run)
    return {"seconds": seconds, "megabytes": Path(path).stat().st_size / 1e6}


@task
def import_file(url: str, path: str) -> dict[str, Any]:
    from compliance.services import exchange

    with app_context(url):
        seconds, result = timed(lambda: exchange.import_text(Path(path).read_bytes(), actor="bench", source="import"))
    return {"seconds": seconds, "created": sum(result.created.values())}


@task
def edit(url: str, edits: str = "10") -> dict[str, Any]:
    """Save flows one at a time as the web app does, and time the findings refresh each save runs
    (and the whole save), by the clock and by this process's CPU time (the clock alone misleads on
    a shared machine), with the SQL statements each sends. Half the flows go to a school's council,
    half involve the police force, whose other areas the refresh must then take in.

    Two kinds of edit: first each flow's transfer channel, one of its own fields (rules.engine.
    OWN_FIELDS), whose refresh decides that flow alone; then each flow's start date moved a day
    ("general_" figures), which rules about other subjects read too (a DPIA completed after the
    flow started, a lawful basis recorded after it), so its refresh decides the flow's areas."""
    from compliance.exchange import fields as f
    from compliance.exchange import serialise
    from compliance.extensions import db
    from compliance.models import DataFlow
    from compliance.models.enums import Role
    from compliance.services import access, findings, records

    names = [f"{kind}{name}" for kind in ("", "general_") for name in ("refresh", "save")]
    times: dict[str, list[float]] = {name: [] for base in names for name in (base, f"{base}_cpu")}
    counts: dict[str, list[int]] = {name: [] for name in names}
    statements: list[str] = []
    original = findings.refresh_after_change
    kind = [""]  # the prefix of the figures the saves now under way count towards

    def measured(name: str, fn: Callable[[], Any]) -> Any:
        name = kind[0] + name
        before, cpu, start = len(statements), time.process_time(), time.perf_counter()
        result = fn()
        times[name].append(time.perf_counter() - start)
        times[f"{name}_cpu"].append(time.process_time() - cpu)
        counts[name].append(len(statements) - before)
        return result

    def channel(record: dict[str, Any], n: int) -> None:
        record["transfer_channel"] = "unsecure_email" if n % 2 == 0 else "encrypted_portal"

    def start_date(record: dict[str, Any], n: int) -> None:
        started = date.fromisoformat(record["started_on"]) if record.get("started_on") else date(2024, 4, 1)
        record["started_on"] = (started + timedelta(days=1)).isoformat()

    findings.refresh_after_change = lambda *args, **kwargs: measured("refresh", lambda: original(*args, **kwargs))
    with app_context(url):
        scope = access.Scope(Role.ADMIN, "bench@bench.example", None, frozenset())
        refs = list(db.session.scalars(sa.select(DataFlow.ref).order_by(DataFlow.id).limit(int(edits) * 40)))[::40]
        sa.event.listen(db.engine, "before_cursor_execute", statements_recorder(statements))
        for kind[0], change in (("", channel), ("general_", start_date)):
            for n, ref in enumerate(refs):
                flow = db.session.scalar(sa.select(DataFlow).where(DataFlow.ref == ref))
                record = serialise.record(f.BY_KEY["data_flows"], flow)
                change(record, n)
                db.session.remove()
                measured("save", lambda record=record: records.save(scope, "data_flows", record, actor="bench"))
    median = statistics.median
    figures: dict[str, Any] = {"edits": len(times["save"])}
    for prefix in ("", "general_"):
        figures |= {
            f"{prefix}refresh_median": median(times[f"{prefix}refresh"]),
            f"{prefix}refresh_max": max(times[f"{prefix}refresh"]),
            f"{prefix}refresh_cpu_median": median(times[f"{prefix}refresh_cpu"]),
            f"{prefix}save_median": median(times[f"{prefix}save"]),
            f"{prefix}save_cpu_median": median(times[f"{prefix}save_cpu"]),
            f"{prefix}refresh_statements_median": median(counts[f"{prefix}refresh"]),
            f"{prefix}save_statements_median": median(counts[f"{prefix}save"]),
        }
    return figures


@task
def pdf(url: str, path: str, area: str = "") -> dict[str, Any]:
    from compliance.services import reports

    with app_context(url):
        seconds, result = timed(lambda: reports.pdf(path, area=area or None, actor="bench"))
    return {"seconds": seconds, "pages": result.get("pages"), "megabytes": Path(path).stat().st_size / 1e6}


@task
def workbook(url: str, path: str) -> dict[str, Any]:
    from compliance.services import reports

    with app_context(url):
        seconds, _ = timed(lambda: reports.workbook(path, actor="bench"))
    return {"seconds": seconds, "megabytes": Path(path).stat().st_size / 1e6}


@task
def exchange_workbook(url: str, path: str) -> dict[str, Any]:
    """The whole register as the exchange workbook, as an admin downloads it (/transfer/export?format=xlsx)."""
    from compliance.exchange import workbook_out
    from compliance.services import exchange

    with app_context(url):
        seconds, _ = timed(lambda: workbook_out.write(exchange.export_document(None), path))
    return {"seconds": seconds, "megabytes": Path(path).stat().st_size / 1e6}


@task
def users(url: str, password: str) -> dict[str, Any]:
    """The two users the load test signs in as: a national admin and one area's DPO."""
    from compliance.extensions import db
    from compliance.models import PanelMeeting
    from compliance.services import users as service

    with app_context(url):
        service.create_user("admin@bench.example", "admin", password, actor="bench", source="cli")
        service.create_user("dpo@bench.example", "dpo", password, area_refs=["a001"], actor="bench", source="cli")
        db.session.commit()
        meeting = db.session.scalar(sa.select(PanelMeeting.ref).where(PanelMeeting.ref.like("a001-%")).limit(1))
    return {"meeting": meeting}


@task
def area_workbook(url: str, path: str, area: str = "a001") -> dict[str, Any]:
    """One area's records as the exchange workbook, for the load test to upload to the import
    preview (what a DPO downloads, edits and uploads)."""
    from compliance.exchange import workbook_out
    from compliance.services import exchange

    with app_context(url):
        seconds, _ = timed(lambda: workbook_out.write(exchange.export_document(area), path))
    return {"seconds": seconds, "megabytes": Path(path).stat().st_size / 1e6}


PAGES = {
    "dashboard": "/",
    "list": "/records/data_flows",
    "list, searched and sorted": "/records/data_flows?q=school&sort=-status",
    "detail (flow)": "/records/data_flows/a001-flow-001",
    "detail (DSA)": "/records/dsas/a001-dsa-prevent",
    "detail (panel)": "/records/panels/a001-channel",
    "meeting": "/meetings/{meeting}",
    "audit log": "/audit/",
    "register": "/register",
}


@task
def query_counts(small_url: str, large_url: str, password: str) -> dict[str, Any]:
    """SQL statements per page for the national admin, on a 20-area register and on the large one
    (which bench.run has filled, with its users). Each request starts with an empty session."""
    synth(small_url, "20")
    users(small_url, password)
    return {"small": _count_pages(small_url, password), "large": _count_pages(large_url, password)}


def statements_recorder(statements: list[str]):
    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    return record


def _count_pages(url: str, password: str) -> dict[str, int]:
    import re

    from compliance.extensions import db
    from compliance.models import PanelMeeting

    with app_context(url) as app:
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
        meeting = db.session.scalar(sa.select(PanelMeeting.ref).where(PanelMeeting.ref.like("a001-%")).limit(1))
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/sign-in", data={"email": "admin@bench.example", "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, "bench sign-in failed"
        counts = {}
        for name, path in PAGES.items():
            path = path.format(meeting=meeting)
            client.get(path)
            db.session.remove()
            statements: list[str] = []
            listener = statements_recorder(statements)
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            try:
                status = client.get(path).status_code
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
            assert status == 200, (path, status)
            counts[name] = len(statements)
    return counts


def main() -> None:
    name, *args = sys.argv[1:]
    print(json.dumps(TASKS[name](*args)))


if __name__ == "__main__":
    main()
