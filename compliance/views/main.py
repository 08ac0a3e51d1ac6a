"""The home page. A placeholder until the web pages are built on top of the services."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from ..services import gaps

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    summary = gaps.summary_of_open_findings()
    return render_template("main/index.html", summary=summary)
