"""FOI draft answers for an area, each beside the records it rests on."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from ..exchange import fields as f
from ..reports.foi import QUESTIONS
from ..services import foi, records
from .common import scope

bp = Blueprint("foi", __name__, url_prefix="/foi")


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("foi/index.html", areas=records.choices(scope(), "areas"))


@bp.get("/<area>")
def show(area: str) -> ResponseReturnValue:
    result = foi.draft(area, scope=scope())
    keys = {kind.subject: kind.key for kind in f.RECORD_TYPES}
    return render_template("foi/show.html", draft=result, questions=QUESTIONS, keys=keys)
