"""The audit trail for admins, auditors and DPOs (their areas'): a filterable log, and the same as
CSV. Read-only: nothing edits an entry."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from ..services import audit_chain, audit_trail
from .common import page_number, require, scope
from .edge import attachment

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filters() -> audit_trail.Filters:
    values = {name: request.args.get(name, "").strip()[:200] for name in ("record_type", "record_ref", "actor")}
    if values["record_type"] not in audit_trail.TYPES:
        values["record_type"] = ""
    return audit_trail.Filters(**values)


@bp.get("/")
def log() -> ResponseReturnValue:
    require(scope().can_read_audit)
    filters = _filters()
    page = audit_trail.page(scope(), filters, page_number())
    chain = audit_chain.status(fresh=request.args.get("verify") == "now")
    return render_template(
        "audit/log.html",
        page=page,
        filters=filters,
        record_types=audit_trail.TYPES,
        chain=chain,
        personal=audit_trail.sees_personal_data(scope()),
    )


@bp.get("/trail.csv")
def download() -> ResponseReturnValue:
    require(scope().can_read_audit)
    text = "".join(audit_trail.csv_text(scope(), _filters()))
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(f"audit-trail-{date.today().isoformat()}.csv")},
    )
