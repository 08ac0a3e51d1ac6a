"""Reports for auditors: the PDF audit report and the Excel workbook."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..extensions import db
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
        sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest(),
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

    result = gaps.report(actor=actor, area=area, as_of=as_of)
    names = dict(db.session.execute(sa.select(Area.ref, Area.name).order_by(Area.id)).all())
    area_refs = [area] if area else sorted(names)
    if result.as_of == register.default_as_of():
        # Each area's section from its own records (and what they rest on), loaded as it is drawn:
        # a national report holds an area or two at a time, not the whole register.
        def area_context(ref: str) -> RuleContext:
            return findings.area_context(ref, result.as_of)
    else:
        whole = register.rule_context(result.as_of)

        def area_context(ref: str) -> RuleContext:
            return whole

    keys = {(g.rule, g.subject_type, g.subject_ref) for g in result.gaps if g.status.value == "accepted_risk"}
    accepted = {
        (f.rule_code, f.subject_type.value, f.subject_ref): {
            "reason": f.accepted_reason,
            "by": f.accepted_by,
            "review_on": f.review_on,
        }
        for f in db.session.scalars(sa.select(Finding).where(Finding.status == FindingStatus.ACCEPTED_RISK))
        if (f.rule_code, f.subject_type.value, f.subject_ref) in keys
    }
    drawn = None
    if flow_map_drawing.graphviz_available():  # without Graphviz the report leaves the maps out

        def drawn(ctx: RuleContext, ref: str) -> Any:
            return flow_map.from_report(ctx, result.gaps, ref)

    generated_at = (generated_at or datetime.now(UTC)).replace(microsecond=0)
    filters = ", ".join(
        part
        for part in (f"area {area}" if area else "all areas", f"as of {as_of.isoformat()}" if as_of else "")
        if part
    )
    pages = builder.build(
        path,
        builder.ReportInput(
            as_of=result.as_of,
            area_names=names,
            area_context=area_context,
            area_refs=area_refs,
            gaps=result.gaps,
            accepted=accepted,
            rules=reference.rules_by_code(),
            generated_by=actor,
            generated_at=generated_at,
            filters=filters,
            chain_heads=audit_chain.heads(),
            law=reference.rules_as_of(result.as_of),
            flow_map=drawn,
        ),
    )
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    audit.record_report(
        kind="pdf",
        area_ref=area,
        sha256=digest,
        details={
            "filters": filters,
            "as_of": result.as_of.isoformat(),
            "generated_at": generated_at.isoformat(),
            "pages": pages,
        },
        actor=actor,
        source="report",
    )
    return {"pages": pages, "sha256": digest, "as_of": result.as_of}
