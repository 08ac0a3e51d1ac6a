"""Reports for auditors: the Excel workbook (and, later, the PDF)."""

from __future__ import annotations

from . import exchange, gaps, register


def workbook(path: str, *, area: str | None = None, actor: str) -> dict[str, int]:
    from ..reports import workbook as builder

    result = gaps.report(actor=actor, area=area)  # also refreshes the stored findings
    loaded = register.load()
    if area is None:
        records, scope_text = loaded.records, "All areas"
    else:
        target = next(a for a in loaded["areas"] if a.ref == area)
        records, scope_text = exchange.area_records(loaded, target), f"Area {target.name} ({area})"
    return builder.build(path, records, result.gaps, as_of=result.as_of, scope_text=scope_text, generated_by=actor)
