"""`make bench-gaps`: `compliance gaps` on the national register, timed from the shell.

Builds the synthetic register once (`compliance synth`, 200 areas by default) into a SQLite file,
and into PostgreSQL when a server URL is given (--postgres, else BENCH_POSTGRES_URL or
TEST_DATABASE_URL: a database named after the register is created there and kept for the next
run). Then runs each command several times in a new process and prints the median wall time and
the median CPU time (user + system) of the process: the machine may be shared, and CPU time is
what the command itself costs.

    python -m bench.gaps_cli [--areas 200] [--seed 1] [--runs 5] [--work DIR] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPLIANCE = str(Path(sys.executable).parent / "compliance")

COMMANDS = {
    "compliance --help": ["--help"],
    "compliance gaps --help": ["gaps", "--help"],
    "compliance gaps --format json (stored findings)": ["gaps", "--format", "json"],
    "compliance gaps --format json --recompute": ["gaps", "--format", "json", "--recompute"],
}


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `args` in a new process (its output thrown away)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    samples = [timed(args, env) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def build(url: str, env: dict[str, str], areas: int, seed: int) -> None:
    """The schema and the synthetic register, unless the database already holds it."""
    subprocess.run([COMPLIANCE, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    probe = (
        "import sqlalchemy as sa, sys; e = sa.create_engine(sys.argv[1]);"
        "print(e.connect().execute(sa.text('SELECT count(*) FROM area')).scalar())"
    )
    held = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, check=True)
    if int(held.stdout.strip()) == 0:
        print(f"  building the register: compliance synth --areas {areas} --seed {seed}", flush=True)
        subprocess.run([COMPLIANCE, "synth", "--areas", str(areas), "--seed", str(seed)], env=env, cwd=ROOT, check=True)


def in_process(url: str) -> None:
    """Run as a child: time a full recomputation (every rule over the whole register, stored) in
    process, after one run that leaves the stored findings as the register stands."""
    from compliance import create_app
    from compliance.extensions import db
    from compliance.services import findings
    from config import ProductionConfig

    class BenchConfig(ProductionConfig):
        SECRET_KEY = "bench-only"
        SQLALCHEMY_DATABASE_URI = url

    with create_app(BenchConfig, web=False).app_context():
        findings.refresh(actor="bench")
        db.session.commit()
        walls, cpus = [], []
        for _ in range(3):
            cpu, start = time.process_time(), time.perf_counter()
            findings.refresh(actor="bench")
            db.session.commit()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
    print(json.dumps({"wall": statistics.median(walls), "cpu": statistics.median(cpus)}))


def postgres_database(server_url: str, name: str) -> str:
    import sqlalchemy as sa

    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def bench(backend: str, url: str, args, work: Path) -> list[tuple[str, float, float]]:
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(work / "instance"), "APP_ENV": "development"}
    print(f"[{backend}] {url.split('@')[-1]}", flush=True)
    build(url, env, args.areas, args.seed)
    subprocess.run([COMPLIANCE, "gaps", "--format", "json"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    rows = []
    for name, command in COMMANDS.items():
        wall, cpu = medians([COMPLIANCE, *command], env, args.runs)
        rows.append((name, wall, cpu))
        print(f"  {name:52} {wall:6.2f} s wall {cpu:6.2f} s CPU", flush=True)
    child = subprocess.run(
        [sys.executable, "-m", "bench.gaps_cli", "--in-process", url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    name = "full recomputation, in process (findings.refresh)"
    rows.append((name, figures["wall"], figures["cpu"]))
    print(f"  {name:52} {figures['wall']:6.2f} s wall {figures['cpu']:6.2f} s CPU", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (the median is printed)")
    parser.add_argument("--work", type=Path, help="where the SQLite register is kept (default: the temp dir)")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL")
    )
    parser.add_argument("--in-process", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        in_process(args.in_process)
        return
    work = args.work or Path(tempfile.gettempdir()) / f"gaps-bench-{args.areas}-{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    print(f"compliance gaps on a synthetic register of {args.areas} areas (seed {args.seed}), median of {args.runs}")
    bench("sqlite", f"sqlite:///{work / 'register.sqlite3'}", args, work)
    if args.postgres and args.postgres.startswith("postgresql"):
        bench("postgresql", postgres_database(args.postgres, f"gaps_bench_{args.areas}_{args.seed}"), args, work)


if __name__ == "__main__":
    main()
