"""Reports for auditors: the PDF audit report and the Excel workbook."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..files import sha256
from ..models import Area, Finding
from ..models.enums import FindingStatus
from ..rules.context import RuleContext
from . import audit, audit_chain, exchange, findings, flow_map, gaps, reference, register, snapshot


def workbook(path: str, *, area: str | None = None, actor: str) -> dict[str, int]:
    from ..reports import workbook as builder

    result = gaps.report(actor=actor, area=area)  # also refreshes the stored findings
    # Plain rows, not ORM objects (snapshot.py): without people's names, which the workbook leaves out.
    loaded = register.LoadedRegister(snapshot.load().records)
    if area is None:
        records, scope_text = loaded.records, "All areas"
    else:
        target = next(a for a in loaded["areas"] if a.ref == area)
        records, scope_text = exchange.area_records(loaded, target), f"Area {target.name} ({area})"
    counts = builder.build(
        path,
        records,
        result.gaps,
        as_of=result.as_of,
        scope_text=scope_text,
        generated_by=actor,
        law=reference.rules_as_of(result.as_of),
        public_authority_defaults={
            info.code.value: info.public_authority_by_default for info in register.partner_types().values()
        },
    )
    audit.record_report(
        kind="workbook",
        area_ref=area,
        sha256=sha256(path),
        details={"as_of": result.as_of.isoformat()},
        actor=actor,
        source="report",
    )
    return counts


def pdf(
    path: str, *, area: str | None = None, as_of: date | None = None, actor: str, generated_at: datetime | None = None
) -> dict[str, Any]:
    """Write the PDF audit report, record its generation (with the file's SHA-256) in the audit
    trail, and return what was written."""
    from ..reports import flow_map as flow_map_drawing
    from ..reports import pdf as builder

    names = dict(db.session.execute(sa.select(Area.ref, Area.name).order_by(Area.id)).all())
    area_refs = [area] if area else sorted(names)
    if as_of is None or as_of == register.default_as_of():
        # Each area's section from its own records (and what they rest on) and its own findings,
        # loaded as it is drawn; the findings of all of them counted by the database: a national
        # report holds an area or two at a time, not the whole register.
        evaluated = gaps.up_to_date(actor=actor, area=area)
        counts = gaps.stored_counts(area)

        def area_context(ref: str) -> RuleContext:
            return findings.area_context(ref, evaluated)

        def area_gaps(ref: str) -> list[gaps.Gap]:
            return gaps.stored(ref)
    else:
        result = gaps.report(actor=actor, area=area, as_of=as_of)
        evaluated, counts, whole = result.as_of, gaps.Counts.of(result.gaps), register.rule_context(as_of)
        by_area: dict[str, list[gaps.Gap]] = {ref: [] for ref in area_refs}
        for gap in result.gaps:
            for ref in gap.areas:
                if ref in by_area:
                    by_area[ref].append(gap)

        def area_context(ref: str) -> RuleContext:
            return whole

        def area_gaps(ref: str) -> list[gaps.Gap]:
            return by_area[ref]

    # Accepted risks are few: all of them, looked up by the findings each section shows.
    accepted = {
        (f.rule_code, f.subject_type.value, f.subject_ref): {
            "reason": f.accepted_reason,
            "by": f.accepted_by,
            "review_on": f.review_on,
        }
        for f in db.session.scalars(sa.select(Finding).where(Finding.status == FindingStatus.ACCEPTED_RISK))
    }
    drawn = None
    if flow_map_drawing.graphviz_available():  # without Graphviz the report leaves the maps out
        drawn = flow_map.from_report
    generated_at = (generated_at or datetime.now(UTC)).replace(microsecond=0)
    filters = ", ".join(
        part
        for part in (f"area {area}" if area else "all areas", f"as of {as_of.isoformat()}" if as_of else "")
        if part
    )
    pages = builder.build(
        path,
        builder.ReportInput(
            as_of=evaluated,
            area_names=names,
            area_context=area_context,
            area_refs=area_refs,
            area_gaps=area_gaps,
            counts=counts,
            accepted=accepted,
            rules=reference.rules_by_code(),
            generated_by=actor,
            generated_at=generated_at,
            filters=filters,
            chain_heads=audit_chain.heads(),
            law=reference.rules_as_of(evaluated),
            flow_map=drawn,
        ),
    )
    digest = sha256(path)
    audit.record_report(
        kind="pdf",
        area_ref=area,
        sha256=digest,
        details={
            "filters": filters,
            "as_of": evaluated.isoformat(),
            "generated_at": generated_at.isoformat(),
            "pages": pages,
        },
        actor=actor,
        source="report",
    )
    return {"pages": pages, "sha256": digest, "as_of": evaluated}
