"""The home page, the accessibility statement, and the error pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from werkzeug.exceptions import Forbidden as HTTPForbidden
from werkzeug.exceptions import NotFound

from ..extensions import db
from ..labels import month_label
from ..models.enums import Role, SubjectType
from ..services import dashboard, finding_list, meetings, page_cache, records, reference
from ..services.access import Forbidden, NotVisible
from ..services.records import Archived
from .common import scope

bp = Blueprint("main", __name__)


@dataclass(frozen=True)
class NavItem:
    href: str
    text: str


def navigation_items() -> list[NavItem]:
    items = [
        NavItem(url_for("main.index"), "Dashboard"),
        NavItem(url_for("records.list_page", key="data_flows"), "Data flows"),
        NavItem(url_for("main.register"), "Register"),
        NavItem(url_for("meetings.index"), "Panel meetings"),
    ]
    if scope().can_read_audit:
        items.append(NavItem(url_for("audit.log"), "Audit trail"))
    items.append(NavItem(url_for("foi.index"), "FOI drafts"))
    items.append(NavItem(url_for("transfer.index"), "Reports and exports"))
    if scope().can_manage_users:
        items.append(NavItem(url_for("admin.index"), "Administration"))
    return items


def review_timeline(reviews: list[dashboard.Review], today: date) -> list[tuple[str, list[dashboard.Review]]]:
    """The reviews as a timeline: those overdue first, then each month of the next 90 days."""
    groups: dict[str, list[dashboard.Review]] = {}
    for review in reviews:
        name = "Overdue" if review.due < today else month_label(f"{review.due:%Y-%m}")
        groups.setdefault(name, []).append(review)
    return list(groups.items())


RECENT_MEETINGS = 6


@bp.get("/")
def index() -> ResponseReturnValue:
    """Each role lands on its work: a panel chair on their panels' meetings, others on the gaps.
    The gaps page is the same for every user of the same scope until the register changes, so its
    content is kept (services/page_cache.py); only the frame around it is rendered each time."""
    user_scope = scope()
    if user_scope.role == Role.PANEL_CHAIR:
        return chair_dashboard()
    at = page_cache.version()
    body = page_cache.kept("dashboard", (user_scope.role, user_scope.area_ids), lambda: _dashboard(at), at)
    return render_template("main/index.html", body=body)


def _dashboard(at: tuple) -> Markup:
    user_scope = scope()
    counts = dashboard.counts(user_scope, at)
    unrecorded_cases, unrecorded_meetings = meetings.cases_not_recorded(user_scope)
    today = date.today()
    return Markup(
        render_template(
            "main/dashboard.html",
            work=finding_list.open_by_rule(user_scope, rows=counts["rules"]),
            unrecorded_cases=unrecorded_cases,
            unrecorded_meetings=unrecorded_meetings,
            **counts,
            review_timeline=review_timeline(counts["reviews"], today),
            today=today,
            # The open findings were raised by the law of the register's evaluation date.
            rules_as_of=reference.rules_as_of(),
        )
    )


@bp.get("/register")
def register() -> ResponseReturnValue:
    """Every record type of the register, with how many of each the user can see."""
    return render_template("main/register.html", counts=records.counts(scope()), titles=records.TITLES)


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
        if code == 413:
            advice = f"Choose a file smaller than {app.config['MAX_CONTENT_LENGTH'] // 2**20} MB."
        return render_template("errors/error.html", title=title, advice=advice), code

    for code in ERRORS:
        app.register_error_handler(code, render_error)
    # Scoping in the services: a record outside the user's areas does not exist for them (404);
    # an action their role may not take is refused (403).
    app.register_error_handler(NotVisible, lambda error: render_error(NotFound()))
    app.register_error_handler(Forbidden, lambda error: render_error(HTTPForbidden()))
    app.register_error_handler(sa.exc.OperationalError, database_unavailable)
    # An archived record is read-only: a write that reaches it (a meeting of an archived panel,
    # a form opened before it was archived) is refused with why, and nothing is written.
    app.register_error_handler(
        Archived,
        lambda error: (render_template("errors/error.html", title="This record is archived", advice=str(error)), 409),
    )
    app.jinja_env.globals["navigation_items"] = navigation_items
    app.jinja_env.globals["link_to"] = link_to


_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")
_SLOT, _INT_SLOT = "zzslotzz", "987654321987654321"


def link_to(endpoint: str, varying: str, **fixed: Any) -> Callable[[Any], str]:
    """A link repeated down a page (per area, per finding), routed once: `link(value)` is
    url_for(endpoint, **fixed, varying=value). Routing is a tenth of a millisecond a link, and the
    national dashboard has some 900 of them. A value that needs quoting is routed as usual."""
    try:
        slot = _SLOT
        pattern = url_for(endpoint, **{varying: slot}, **fixed)
    except ValueError:  # an <int:...> part
        slot = _INT_SLOT
        pattern = url_for(endpoint, **{varying: int(slot)}, **fixed)
    head, _, tail = pattern.partition(slot)

    def link(value: Any) -> str:
        text = str(value)
        if _PLAIN.fullmatch(text) and slot not in text:
            return head + text + tail
        return url_for(endpoint, **{varying: value}, **fixed)

    return link


def database_unavailable(error: sa.exc.OperationalError) -> ResponseReturnValue:
    """The database went away mid-request (a dropped connection, a server restart, a deadlock):
    the transaction is rolled back, so nothing of the change was written. Say so, and to try again."""
    current_app.logger.warning("Database unavailable during %s %s: %s", request.method, request.path, error.orig)
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass  # the connection is gone; the session is discarded at the end of the request anyway
    if request.method == "POST":
        title, advice = "Sorry, the change was not saved", "Nothing was changed. Go back and try again."
    else:
        title, advice = "Sorry, the service is unavailable", "Try again in a moment."
    try:
        page = render_template("errors/error.html", title=title, advice=advice)
    except sa.exc.SQLAlchemyError:  # the page's navigation needs the database too
        page = f"<!DOCTYPE html><html lang=en><title>{title}</title><h1>{title}</h1><p>{advice}</p></html>"
    response = current_app.make_response((page, 503))
    response.headers["Retry-After"] = "5"
    return response


def chair_dashboard() -> ResponseReturnValue:
    """A panel chair's landing page: the meetings of the panels they record, the open findings of
    those meetings, and what to do next (start a meeting, complete a number of cases discussed)."""
    user_scope = scope()
    panels = [panel for panel in meetings.panels(user_scope) if user_scope.can_record_meetings_of(panel)]
    unrecorded_cases, unrecorded_meetings = meetings.cases_not_recorded(user_scope)
    return render_template(
        "main/chair.html",
        panels=panels,
        recent=RECENT_MEETINGS,
        meeting_findings=finding_list.open_counts(user_scope, SubjectType.PANEL_MEETING),
        findings_page=finding_list.search(
            user_scope, finding_list.Filters.from_args({"record_type": "panel_meeting", "status": "open"})
        ),
        unrecorded_cases=unrecorded_cases,
        unrecorded_meetings=unrecorded_meetings,
    )
