"""The exchange workbook against the JSON exchange file for a national register: the 200-area
synthetic register exported both ways, then each imported by `compliance import` into an empty
SQLite database (wall time, and max RSS under /usr/bin/time -v when it is installed).

    python -m bench.workbook_import [--areas 200] [--keep DIR]

The target (issue 14): the workbook imports within 2x the time of the JSON, in under 1.5 GB.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str], database: Path, measure: bool = False) -> tuple[float, float | None, str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}")
    compliance = str(Path(sys.executable).parent / "compliance")
    timer = ["/usr/bin/time", "-v"] if measure and shutil.which("/usr/bin/time") else []
    started = time.perf_counter()
    done = subprocess.run([*timer, compliance, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"compliance {' '.join(args)} failed: {done.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return wall, (int(rss.group(1)) / 1024 if rss else None), done.stdout.strip().splitlines()[0] if done.stdout else ""


def fresh(folder: Path, name: str) -> Path:
    database = folder / f"{name}.sqlite3"
    run(["db", "upgrade"], database)
    return database


def shown(wall: float, rss: float | None) -> str:
    return f"{wall:.1f} s, " + (
        f"max RSS {rss:.0f} MB" if rss is not None else "memory not measured (no /usr/bin/time)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=200)
    parser.add_argument("--keep", help="keep the exported files in this folder")
    parser.add_argument("--reuse", help="import register.json and register.xlsx from this folder (kept by --keep)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.reuse or args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        as_json, as_xlsx = folder / "register.json", folder / "register.xlsx"
        if not args.reuse:
            source = fresh(Path(scratch), "source")
            wall, _, _ = run(["synth", "--areas", str(args.areas)], source)
            print(f"synth --areas {args.areas}: {wall:.1f} s")
            wall, rss, _ = run(["export", str(as_json)], source, measure=True)
            print(f"export JSON: {shown(wall, rss)}, {as_json.stat().st_size / 1e6:.1f} MB")
            wall, rss, _ = run(["export", str(as_xlsx)], source, measure=True)
            print(f"export workbook: {shown(wall, rss)}, {as_xlsx.stat().st_size / 1e6:.1f} MB")
        json_wall, json_rss, summary = run(["import", str(as_json)], fresh(Path(scratch), "json"), measure=True)
        print(f"import JSON: {shown(json_wall, json_rss)}: {summary[:100]}")
        xlsx_wall, xlsx_rss, summary = run(["import", str(as_xlsx)], fresh(Path(scratch), "xlsx"), measure=True)
        print(f"import workbook: {shown(xlsx_wall, xlsx_rss)}: {summary[:100]}")
        print(f"workbook / JSON import time: {xlsx_wall / json_wall:.2f}x (target <= 2x; memory target < 1,536 MB)")


if __name__ == "__main__":
    main()
