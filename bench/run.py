"""`make bench`: the national-scale benchmark, on SQLite and on PostgreSQL.

Each measure runs in its own process (bench/tasks.py), so its peak memory is its own; pages are
measured under gunicorn (2 workers) with a load generator on loopback at 8 connections
(bench/serve.py, bench/load.py). Prints a table and writes it, with the machine, to BENCHMARKS.md,
beside the previous run's figures (kept in BENCHMARKS.json, which each run rewrites).

    python -m bench.run [--areas 200] [--seed 1] [--backends sqlite,postgresql] [--requests 300] [--only pages]

--only pages: build the register and measure the pages only (no refresh, export, import, edit or
reports); the table is printed, and written only with an explicit --out.

PostgreSQL: BENCH_POSTGRES_URL (a server where the benchmark may create and drop its databases),
else a throwaway cluster started with .ci/pg-cluster.sh when PostgreSQL's binaries are installed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import load, serve

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-" + secrets.token_hex(8)


@dataclass
class Figures:
    backend: str
    rows: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


def child(name: str, *args: str) -> dict[str, Any]:
    """Run one task in a new process; its JSON figures plus its peak resident memory (MB)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.tasks", name, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"bench task {name} failed (exit {process.returncode})")
    figures = json.loads(output.strip().splitlines()[-1])
    figures["peak_mb"] = usage.ru_maxrss / 1024
    return figures


def seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def run_backend(backend: str, url: str, import_url: str, args, work: Path) -> Figures:
    out = Figures(backend)
    log = lambda text: print(f"[{backend}] {text}", flush=True)  # noqa: E731
    child("migrate", url)
    log(f"synth --areas {args.areas}")
    synth = out.raw["synth"] = child("synth", url, str(args.areas), str(args.seed))
    out.rows["synth"] = f"{seconds(synth['seconds'])}, {synth['peak_mb']:.0f} MB"
    if args.only == "pages":
        measure_pages(out, url, args, log, work)
        return out
    log("full refresh, export")
    refresh = out.raw["refresh"] = child("refresh", url)
    export_file = work / f"{backend}-national.json"
    export = out.raw["export"] = child("export", url, str(export_file))
    ratio = refresh["seconds"] / export["seconds"]
    out.rows["full findings refresh"] = f"{seconds(refresh['seconds'])} ({ratio:.2f}x the export)"
    out.rows["export"] = f"{seconds(export['seconds'])}, {export['megabytes']:.0f} MB file"
    log("import of the national export into an empty database")
    child("migrate", import_url)
    imported = out.raw["import"] = child("import_file", import_url, str(export_file))
    out.rows["import of the national export"] = f"{seconds(imported['seconds'])}, {imported['peak_mb']:.0f} MB peak"
    log("refresh after one edit")
    edit = out.raw["edit"] = child("edit", url, "10")
    for row, prefix in ((EDIT, ""), (GENERAL_EDIT, "general_")):
        figure = {name[len(prefix) :]: value for name, value in edit.items() if name.startswith(prefix)}
        out.rows[row] = (
            f"median {seconds(figure['refresh_median'])} ({seconds(figure['refresh_cpu_median'])} CPU, "
            f"{figure['refresh_statements_median']:.0f} statements), max {seconds(figure['refresh_max'])} "
            f"(whole save: median {seconds(figure['save_median'])})"
        )
    log("reports")
    for label, name, task_args in (
        ("one area's PDF", "pdf", (str(work / f"{backend}-area.pdf"), "a001")),
        ("national PDF", "pdf", (str(work / f"{backend}-national.pdf"),)),
        ("national workbook", "workbook", (str(work / f"{backend}-national.xlsx"),)),
        ("national exchange workbook", "exchange_workbook", (str(work / f"{backend}-exchange.xlsx"),)),
    ):
        figures = out.raw[label] = child(name, url, *task_args)
        count = f", {figures['pages']} pages" if figures.get("pages") else ""
        out.rows[label] = f"{seconds(figures['seconds'])}, {figures['peak_mb']:.0f} MB peak{count}"
    measure_pages(out, url, args, log, work)
    return out


def measure_pages(out: Figures, url: str, args, log, work: Path) -> None:
    users = child("users", url, PASSWORD)
    workbook = work / "area-a001.xlsx"
    child("area_workbook", url, str(workbook), "a001")
    paths = {
        "floor: minimal GOV.UK page": ("admin", "/accessibility"),
        "dashboard, national admin": ("admin", "/"),
        "dashboard, one area's DPO": ("dpo", "/"),
        "list page (data flows)": ("admin", "/records/data_flows"),
        "detail page (a data flow)": ("admin", "/records/data_flows/a001-flow-001"),
        "meeting page": ("admin", f"/meetings/{users['meeting']}"),
        "data-flow map (an area)": ("admin", "/areas/a001/map"),
        "findings page": ("admin", "/findings/"),
        # An area's workbook, uploaded and checked once: the page showing what importing it would
        # change (nothing written), read from the preview kept beside the workbook.
        PREVIEW: ("admin", None),
        # The upload itself, an action like a save: the workbook read and the whole import checked.
        UPLOAD: ("admin", None),
    }
    log(f"pages under gunicorn, 2 workers, {args.connections} connections")
    with serve.serve(url, workers=2) as base:
        cookies = {who: load.sign_in(base, f"{who}@bench.example", PASSWORD) for who in ("admin", "dpo")}
        token, cookies["admin"] = load.form_token(base, "/transfer/", cookies["admin"])
        fields = {"csrf_token": token}
        upload = load.Upload("/transfer/import", fields, "file", workbook.name, workbook.read_bytes(), expect=303)
        paths[PREVIEW] = ("admin", load.post_once(base, upload, cookies["admin"]))
        paths[UPLOAD] = ("admin", upload)
        results = {}
        for name, (who, path) in paths.items():
            # An upload reads a workbook and checks a whole import: seconds, not milliseconds, so
            # fewer requests (the percentiles are rougher).
            requests, warmup = (min(args.requests, 24), 8) if name == UPLOAD else (args.requests, 40)
            results[name] = load.measure(
                base, {name: path}, cookie=cookies[who], connections=args.connections, requests=requests, warmup=warmup
            )[name]
    floor = results["floor: minimal GOV.UK page"].p95_ms
    for name, result in results.items():
        out.raw[name] = result.__dict__
        errors = f", {result.errors} errors" if result.errors else ""
        out.rows[name] = (
            f"p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms ({result.p95_ms / floor:.1f}x floor){errors}"
        )


PREVIEW = "import preview (an area's workbook)"
UPLOAD = "import upload, checked (an area's workbook; an action)"
# A flow's transfer channel is read by its own rules alone (rules.engine.OWN_FIELDS), its start date
# by rules about other records too: the two refreshes take different paths, each measured.
EDIT = "refresh after one edit"
GENERAL_EDIT = "refresh after one edit (a flow's start date)"
TARGETS = {
    "synth": "<= 60 s",
    "full findings refresh": "<= 5 s and <= 3x export",
    "export": "",
    "import of the national export": "<= 60 s, <= 1.5 GB",
    EDIT: "median <= 30 ms (SQLite), <= 60 ms (PostgreSQL)",
    GENERAL_EDIT: "median <= 30 ms (SQLite), <= 60 ms (PostgreSQL)",
    "one area's PDF": "<= 2 s",
    "national PDF": "<= 60 s, <= 1 GB",
    "national workbook": "<= 60 s, <= 1 GB",
    "national exchange workbook": "",
    "floor: minimal GOV.UK page": "",
    "dashboard, national admin": "p95 <= 150 ms",
    "dashboard, one area's DPO": "p95 <= 150 ms",
    "list page (data flows)": "p95 <= 150 ms",
    "detail page (a data flow)": "p95 <= 150 ms",
    "meeting page": "p95 <= 150 ms",
    "data-flow map (an area)": "p95 <= 150 ms",
    "findings page": "p95 <= 150 ms",
    PREVIEW: "",
    UPLOAD: "",
}


def table(results: list[Figures], counts: str, previous: dict[str, dict[str, str]] | None = None) -> str:
    """The figures of each backend; with `previous` (rows by backend, from the last run's
    BENCHMARKS.json), the last run's figure beside each one."""
    previous = previous or {}
    columns = [
        *((f"{r.backend}, previous", previous.get(r.backend, {})) for r in results if previous),
        *((r.backend, r.rows) for r in results),
    ]
    columns.sort(key=lambda column: [r.backend for r in results].index(column[0].split(",")[0]))
    lines = [
        "| measure | target | " + " | ".join(name for name, _ in columns) + " |",
        "|" + "---|" * (2 + len(columns)),
    ]
    for measure in TARGETS | {m: "" for r in results for m in r.rows}:
        target = TARGETS.get(measure, "")
        lines.append(f"| {measure} | {target} | " + " | ".join(rows.get(measure, "-") for _, rows in columns) + " |")
    lines.append(f"| SQL queries per page | the same at 20 and at {counts} |")
    return "\n".join(lines)


def notes(path: Path) -> str:
    """The sections written by hand after the generated part (from the first "## " heading on)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    start = text.find("\n## ")
    return "" if start < 0 else text[start + 1 :]


def previous_figures(path: Path) -> dict[str, Any]:
    """The last run's figures (BENCHMARKS.json beside BENCHMARKS.md), or nothing on a first run."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    import sqlite3

    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores",
        f"- Memory: {int(memory) / 1024 / 1024:.1f} GiB",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {postgres_version()}",
        f"- Commit: {git('rev-parse', '--short', 'HEAD')}{dirty}",
    ]


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def postgres_version() -> str:
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not binaries:
        return "PostgreSQL not installed"
    return subprocess.run([str(binaries[-1]), "--version"], capture_output=True, text=True).stdout.strip()


@contextmanager
def postgres(work: Path) -> Iterator[tuple[str, str] | None]:
    """Two empty databases (the register, and one to import into), or None without PostgreSQL."""
    admin_url = os.environ.get("BENCH_POSTGRES_URL")
    cluster = None
    if not admin_url:
        if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
            yield None
            return
        cluster = work / "pg"
        admin_url = subprocess.run(
            [str(ROOT / ".ci/pg-cluster.sh"), "start", str(cluster)], check=True, capture_output=True, text=True
        ).stdout.strip()
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    names = ("bench_register", "bench_import")
    try:
        with psycopg.connect(plain, autocommit=True) as connection:
            for name in names:
                connection.execute(f"DROP DATABASE IF EXISTS {name}")
                connection.execute(f"CREATE DATABASE {name}")
        base = admin_url.rsplit("/", 1)[0]
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        if cluster is not None:
            subprocess.run([str(ROOT / ".ci/pg-cluster.sh"), "stop", str(cluster)], check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", choices=("pages",), help="measure the pages only")
    parser.add_argument("--out", help="where the report goes (BENCHMARKS.md, except with --only)")
    args = parser.parse_args()
    if args.out is None and not args.only:
        args.out = str(ROOT / "BENCHMARKS.md")
    started = datetime.now(UTC)
    results: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                urls = (f"sqlite:///{work}/register.db", f"sqlite:///{work}/import.db")
                results.append(run_backend("SQLite", *urls, args, work))
            elif backend == "postgresql":
                with postgres(work) as urls:
                    if urls is None:
                        print("PostgreSQL is not installed and BENCH_POSTGRES_URL is not set: skipped")
                        continue
                    results.append(run_backend("PostgreSQL", *urls, args, work))
        child("migrate", f"sqlite:///{work}/counts.db")
        counts = child("query_counts", f"sqlite:///{work}/counts.db", f"sqlite:///{work}/register.db", PASSWORD)
    report(results, counts, args, started)


def report(results: list[Figures], counts: dict[str, Any], args, started: datetime) -> None:
    if args.out is None:
        counted = ", ".join(f"{page}: {n}" for page, n in counts["large"].items())
        print(table(results, f"{args.areas} areas: {counts['large'] == counts['small']}"))
        print(f"SQL queries per page at {args.areas} areas: {counted}")
        return
    figures_file = Path(args.out).with_suffix(".json")
    before = previous_figures(figures_file)
    previous = before.get("rows", {})
    counted = ", ".join(f"{page}: {n}" for page, n in counts["large"].items())
    same = "yes" if counts["large"] == counts["small"] else f"NO (at 20: {counts['small']})"
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            f"`make bench` ({' '.join(sys.argv[1:]) or 'defaults'}) on {started:%Y-%m-%d %H:%M} UTC:"
            f" {args.areas} synthetic areas (seed {args.seed}), pages at {args.connections} connections,"
            f" {args.requests} measured requests each.",
            "",
            *machine(),
            "",
            *([f"Previous run: {before.get('date', '?')}, commit {before.get('commit', '?')}.", ""] if before else []),
            table(results, f"{args.areas} areas: {same}", previous),
            "",
            f"SQL queries per page at {args.areas} areas (SQLite, in-process): {counted}.",
            "",
            "Times are measured in the process that does the work (not the interpreter's start-up);",
            "peak memory is that process's maximum resident set size. Figures from one run: expect a few",
            "per cent of noise, more on a machine shared with other work.",
            "",
            "<details><summary>Raw figures</summary>",
            "",
            "```json",
            json.dumps({r.backend: r.raw for r in results} | {"query_counts": counts}, indent=1, default=str),
            "```",
            "</details>",
            "",
        ]
    )
    print(table(results, f"{args.areas} areas: {same}", previous))
    Path(args.out).write_text(text + notes(Path(args.out)), encoding="utf-8")
    # This run's figures become the next run's "previous" column.
    now = {
        "date": f"{started:%Y-%m-%d %H:%M} UTC",
        "commit": git("rev-parse", "--short", "HEAD"),
        "rows": {r.backend: r.rows for r in results},
        "raw": {r.backend: r.raw for r in results},
    }
    figures_file.write_text(json.dumps(now, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"Written to {args.out}")


if __name__ == "__main__":
    main()
