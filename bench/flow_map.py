"""How long Graphviz takes to draw one area's data-flow map: the SVG for the page and the layout the
PDF draws, for synthetic areas (compliance/synthetic.py) of 15 to 40 organisations.

    .venv/bin/python -m bench.flow_map

Builds the maps straight from the synthetic document (no database: the service's part is four
queries, tests/web/test_flow_map.py), with made-up worst findings, and prints seconds per area."""

from __future__ import annotations

import random
import time

from compliance import synthetic
from compliance.reports import flow_map as drawing

WORST = (
    None,
    drawing.Worst("high", "No DPIA for a high-risk flow", 1),
    drawing.Worst("medium", "Routine sharing with no data sharing agreement", 2),
    drawing.Worst("low", "Flow missing from the record of processing activities", 1),
)


def area_map(doc: dict, area: str, rnd: random.Random) -> drawing.FlowMap:
    by_ref = {o["ref"]: o for o in doc["organisations"]}
    flows = [f for f in doc["data_flows"] if f["area"] == area and f["status"] in ("live", "planned")]
    refs = {o["ref"] for o in doc["organisations"] if area in o.get("areas", [])}
    refs |= {f["sender"] for f in flows} | {f["recipient"] for f in flows}
    orgs = [drawing.Organisation(r, by_ref[r]["name"], by_ref[r]["partner_type"]) for r in sorted(refs)]
    return drawing.FlowMap(
        area,
        area,
        orgs,
        [drawing.Flow(f["ref"], f["name"], f["sender"], f["recipient"], "x", None, rnd.choice(WORST)) for f in flows],
    )


def main() -> None:
    if not drawing.graphviz_available():
        raise SystemExit("Graphviz (dot and the graphviz Python package) is not installed")
    rnd = random.Random(1)
    doc = synthetic.register(6, seed=31)
    for area in sorted(a["ref"] for a in doc["areas"]):
        the_map = area_map(doc, area, rnd)
        start = time.perf_counter()
        svg = drawing.svg(the_map, lambda key, ref: f"/records/{key}/{ref}")
        middle = time.perf_counter()
        drawing.drawing(the_map, 493, 600)
        end = time.perf_counter()
        print(
            f"{area}: {len(the_map.organisations)} organisations, {len(the_map.flows)} flows, "
            f"{len(the_map.arrows)} arrows: SVG {middle - start:.3f} s ({len(svg) // 1024} KiB), "
            f"PDF layout and drawing {end - middle:.3f} s"
        )


if __name__ == "__main__":
    main()
