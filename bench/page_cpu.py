"""Server CPU per page, in process: each page the load test measures (bench/run.py), requested through
Flask's test client by a signed-in user, timed with time.process_time (plus the CPU of any child
process, e.g. Graphviz's dot for the map) after a warm-up. On a shared, loaded machine this says
what a page costs when wall-clock latency under load cannot; the bare GOV.UK page (the load
test's floor) is measured the same way and every page is given as a multiple of it.

    .venv/bin/python -m bench.page_cpu [--db /tmp/speed-200.db] [--areas 200] [--requests 30]
        [--only "dashboard;findings"] [--profile "meeting page"] [--nothing-kept]

The register is built once into --db (a SQLite file: migrate, synth, the two bench users) and
reused by later runs. --profile prints cProfile's top functions for one page instead.
--nothing-kept empties the page cache (services/page_cache.py) before every request: what the
first request after a write costs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import resource
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from . import tasks

PASSWORD = "bench-page-cpu"
WORKBOOK_AREA = "a001"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(db: Path, areas: int) -> None:
    url = f"sqlite:///{db}"
    print(f"building {db}: {areas} synthetic areas (once)", flush=True)
    tasks.migrate(url)
    tasks.synth(url, str(areas))
    tasks.users(url, PASSWORD)


def sign_in(client, email: str) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"sign-in as {email} failed"


def area_workbook(area: str) -> bytes:
    """One area's records as the exchange workbook (what a DPO downloads, edits and uploads)."""
    import tempfile

    from compliance.exchange import workbook_out
    from compliance.services import exchange

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "area.xlsx"
        workbook_out.write(exchange.export_document(area), path)
        return path.read_bytes()


def pages(meeting: str, preview: str) -> dict[str, tuple[str, str, str]]:
    """{name: (who, method, path)}, the load test's names (bench/run.py)."""
    return {
        "floor: minimal GOV.UK page": ("admin", "GET", "/accessibility"),
        "dashboard, national admin": ("admin", "GET", "/"),
        "dashboard, one area's DPO": ("dpo", "GET", "/"),
        "list page (data flows)": ("admin", "GET", "/records/data_flows"),
        "detail page (a data flow)": ("admin", "GET", "/records/data_flows/a001-flow-001"),
        "meeting page": ("admin", "GET", f"/meetings/{meeting}"),
        "data-flow map (an area)": ("admin", "GET", "/areas/a001/map"),
        "findings page": ("admin", "GET", "/findings/"),
        "import preview (an area's workbook)": ("admin", "GET", preview),
        "import upload, checked (an area's workbook; an action)": ("admin", "POST", "/transfer/import"),
    }


def measure(request, requests: int, warmup: int) -> tuple[float, float, float]:
    """Median and p95 of the CPU per request (this process and its children), median wall time."""
    for _ in range(warmup):
        request()
    cpu, wall = [], []
    for _ in range(requests):
        start, start_children, start_wall = time.process_time(), children_cpu(), time.perf_counter()
        request()
        cpu.append(time.process_time() - start + children_cpu() - start_children)
        wall.append(time.perf_counter() - start_wall)
    cpu.sort()
    return statistics.median(cpu), cpu[max(0, round(0.95 * len(cpu)) - 1)], statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="/tmp/speed-200.db")
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--only", default="", help="pages whose names hold one of these words, ';' between (and the floor)"
    )
    parser.add_argument("--profile", default="", help="a page name: print its cProfile instead")
    parser.add_argument("--nothing-kept", action="store_true", help="empty the page cache before every request")
    parser.add_argument("--sort", default="cumulative", help="the order of --profile's functions (cumulative, tottime)")
    args = parser.parse_args()
    db = Path(args.db)
    if not db.exists():
        build(db, args.areas)
    from compliance.extensions import db as database
    from compliance.models import AuditEvent, PanelMeeting

    with tasks.app_context(f"sqlite:///{db}") as app:
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
        meeting = database.session.scalar(sa.select(PanelMeeting.ref).where(PanelMeeting.ref.like("a001-%")).limit(1))
        workbook = area_workbook(WORKBOOK_AREA)
        audit_head = database.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        database.session.remove()
        clients = {}
        for who in ("admin", "dpo"):
            clients[who] = app.test_client()
            sign_in(clients[who], f"{who}@bench.example")
        csrf = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"',
            clients["admin"].get("/transfer/").get_data(as_text=True),
        ).group(1)

        def request(who: str, method: str, path: str):
            client = clients[who]
            if args.nothing_kept:
                app.extensions.pop("page_cache", None)
            if method == "POST":
                data = {"csrf_token": csrf, "file": (io.BytesIO(workbook), f"{WORKBOOK_AREA}.xlsx")}
                response = client.post(path, data=data, content_type="multipart/form-data")
            else:
                response = client.get(path)
            response.get_data()
            database.session.remove()
            expected = 303 if method == "POST" else 200  # an upload redirects to its preview
            assert response.status_code == expected, (path, response.status_code, response.get_data(as_text=True)[:300])
            return response

        chosen = pages(meeting, request("admin", "POST", "/transfer/import").headers["Location"])
        if args.profile:
            who, method, path = chosen[args.profile]
            for _ in range(args.warmup):
                request(who, method, path)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                request(who, method, path)
            profile.disable()
            pstats.Stats(profile).sort_stats(args.sort).print_stats(45)
            return
        wanted = [word.strip() for word in args.only.split(";") if word.strip()]
        results = {
            name: measure(lambda page=page: request(*page), args.requests, args.warmup)
            for name, page in chosen.items()
            if not wanted or name.startswith("floor") or any(word in name for word in wanted)
        }
        floor = results["floor: minimal GOV.UK page"][1]
        kept = ", nothing kept" if args.nothing_kept else ""
        print(f"server CPU per request, in process{kept}, {args.requests} requests after {args.warmup} ({db})")
        for name, (median, p95, wall) in results.items():
            print(
                f"  {name:40} median {median * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"
                f"  ({p95 / floor:4.1f}x floor)  wall median {wall * 1000:6.1f} ms"
            )
        after = database.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        assert after == audit_head, "a measured page wrote to the audit trail"


if __name__ == "__main__":
    main()
