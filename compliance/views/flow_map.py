"""The data-flow map of an area: the picture (when Graphviz is installed) and the same flows as a table."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from ..reports import flow_map as drawing
from ..services import flow_map, page_cache
from .common import scope

bp = Blueprint("flow_map", __name__)


def _link(key: str, ref: str) -> str:
    return url_for("records.detail", key=key, ref=ref)


@bp.get("/areas/<ref>/map")
def area_map(ref: str) -> ResponseReturnValue:
    """The same for every user of the same scope until the register changes: Graphviz's drawing
    and the table are kept (services/page_cache.py), only the frame is rendered each time."""
    user_scope = scope()
    name, body = page_cache.kept("area map", (user_scope.role, user_scope.area_ids, ref), lambda: _map(ref))
    return render_template("areas/map.html", area_ref=ref, area_name=name, body=body)


def _map(ref: str) -> tuple[str, Markup]:
    the_map = flow_map.for_area(scope(), ref)  # 404 outside the user's areas (and nothing kept)
    picture = None
    if drawing.graphviz_available():
        # Safe to mark: dot writes every label as escaped XML, and svg() keeps only the <svg> element.
        picture = Markup(drawing.svg(the_map, _link))
    body = render_template(
        "areas/map_body.html",
        the_map=the_map,
        picture=picture,
        names={org.ref: org.name for org in the_map.organisations},
        styles=drawing.STYLES,
        severities=drawing.SEVERITIES,
    )
    return the_map.area_name, Markup(body)
