"""The data-flow map of an area: the picture (when Graphviz is installed) and the same flows as a table."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from ..reports import flow_map as drawing
from ..services import flow_map
from .common import scope

bp = Blueprint("flow_map", __name__)


def _link(key: str, ref: str) -> str:
    return url_for("records.detail", key=key, ref=ref)


@bp.get("/areas/<ref>/map")
def area_map(ref: str) -> ResponseReturnValue:
    the_map = flow_map.for_area(scope(), ref)  # 404 outside the user's areas
    picture = None
    if drawing.graphviz_available():
        # Safe to mark: dot writes every label as escaped XML, and svg() keeps only the <svg> element.
        picture = Markup(drawing.svg(the_map, _link))
    return render_template(
        "areas/map.html",
        the_map=the_map,
        picture=picture,
        names={org.ref: org.name for org in the_map.organisations},
        styles=drawing.STYLES,
        severities=drawing.SEVERITIES,
    )
