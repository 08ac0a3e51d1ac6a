"""The home page, the accessibility statement, and the error pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, render_template, url_for
from flask.typing import ResponseReturnValue

from ..services import gaps

bp = Blueprint("main", __name__)


@dataclass(frozen=True)
class NavItem:
    href: str
    text: str


def navigation_items() -> list[NavItem]:
    return [NavItem(url_for("main.index"), "Dashboard")]


@bp.get("/")
def index() -> ResponseReturnValue:
    summary = gaps.summary_of_open_findings()
    return render_template("main/index.html", summary=summary)


@bp.get("/accessibility")
def accessibility() -> ResponseReturnValue:
    return render_template("main/accessibility.html")


ERRORS = {
    400: ("Sorry, there is a problem with the request", "Go back and try again."),
    403: ("You do not have permission to do this", "If you think you should, ask your administrator."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Sorry, there is a problem with the request", "Go back and try again."),
    413: ("The file is too large", "Choose a smaller file."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def register_error_pages(app: Flask) -> None:
    def render_error(error) -> ResponseReturnValue:
        code = getattr(error, "code", 500) or 500
        title, advice = ERRORS.get(code, ERRORS[500])
        return render_template("errors/error.html", title=title, advice=advice), code

    for code in ERRORS:
        app.register_error_handler(code, render_error)
    app.jinja_env.globals["navigation_items"] = navigation_items
