"""Where a full recomputation's CPU goes: the snapshot load, the rules, the findings store and the
rest (releasing the snapshot), each step's process time, the least of several runs in one process
after one run that stores the findings (on a shared machine the least is the steadiest figure).

    python -m bench.recompute_steps sqlite:///FILE [--runs 7]

Build the register once with `python -m bench.tasks synth sqlite:///FILE 200 1`.
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from compliance import create_app
    from compliance.extensions import db
    from compliance.rules.engine import evaluate
    from compliance.services import finding_store, findings, reference, register, snapshot
    from config import ProductionConfig

    class BenchConfig(ProductionConfig):
        SECRET_KEY = "bench-only"
        SQLALCHEMY_DATABASE_URI = args.url

    steps: dict[str, list[float]] = {"load": [], "rules": [], "store": [], "rest": [], "total": []}
    with create_app(BenchConfig, web=False).app_context():
        findings.refresh(actor="bench")  # as findings.refresh does it, step by step below
        db.session.commit()
        as_of = register.default_as_of()
        for _ in range(args.runs):
            start = time.process_time()
            with snapshot.gc_paused():
                reference.ensure_loaded()
                ctx = register.rule_context(as_of, rules_only=True)
                loaded = time.process_time()
                raised = evaluate(ctx)
                evaluated = time.process_time()
                finding_store.store(raised, as_of=as_of, actor="bench")
                db.session.commit()
                stored = time.process_time()
                del ctx
            end = time.process_time()
            for name, seconds in (
                ("load", loaded - start),
                ("rules", evaluated - loaded),
                ("store", stored - evaluated),
                ("rest", end - stored),
                ("total", end - start),
            ):
                steps[name].append(seconds)
    print(json.dumps({name: round(min(values), 3) for name, values in steps.items()} | {"findings": len(raised)}))


if __name__ == "__main__":
    main()
