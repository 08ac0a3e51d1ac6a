"""The audit trail for admins and auditors: a filterable log. Read-only: nothing edits an entry."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from ..services import audit, audit_chain
from .common import page_number, require, scope

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
def log() -> ResponseReturnValue:
    require(scope().can_read_audit)
    filters = {name: request.args.get(name, "").strip()[:200] for name in ("record_type", "record_ref", "actor")}
    page = audit.log(scope(), page=page_number(), **filters)
    chain = audit_chain.status(fresh=request.args.get("verify") == "now")
    return render_template("audit/log.html", page=page, filters=filters, record_types=audit.RECORD_TYPES, chain=chain)
