"""A finding's page: what is wrong, what to do, its history; accept the risk or mark it remediated."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from markupsafe import Markup
from wtforms import DateField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from ..exchange import fields as f
from ..labels import label, long_date
from ..models.enums import SubjectType
from ..services import finding_list, findings, page_cache, reference
from . import finding_actions
from .common import actor, page_number, posted_version, require, scope
from .edge import Form, attachment
from .kept import kept_content
from .widgets import DateInput

bp = Blueprint("findings", __name__, url_prefix="/findings")


def _future(form, field) -> None:
    if field.data and field.data <= date.today():
        raise ValidationError("The date to review the risk again must be in the future")


class AcceptRiskForm(Form):
    reason = TextAreaField(
        "Why is the risk accepted?",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter why the risk is accepted"), Length(max=4000)],
    )
    review_on = DateField(
        "Date to look at it again",
        format="%d %m %Y",
        widget=DateInput(),
        validators=[InputRequired(message="Enter the date to look at the risk again"), _future],
    )
    submit = SubmitField("Accept the risk", widget=GovSubmitInput())


class RemediatedForm(Form):
    submit = SubmitField("Mark as remediated", widget=GovSubmitInput())


RECORD_KEYS = {kind.subject: kind.key for kind in f.RECORD_TYPES}
FINDING_ID = re.compile(r"[0-9]{1,9}")


class BulkAcceptForm(AcceptRiskForm):
    """Accept the risk of several findings at once: those ticked, or every open one the filters match."""

    which = RadioField(
        "Which findings?",
        choices=[
            SelectChoice("selected", "The findings I ticked"),
            SelectChoice("matching", "Every open finding that matches the filters"),
        ],
        default="selected",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose which findings")],
    )
    submit = SubmitField("Accept the risk of these findings", widget=GovSubmitInput())


def _list(form: BulkAcceptForm | None = None, status: int = 200) -> ResponseReturnValue:
    """The findings page; with the bulk-acceptance form as posted (its errors) after a refused write.
    As opened (no form posted) its content is the same for every user of the same scope, filters,
    sort and page until the register changes, so it is kept (views/kept.py)."""
    filters = finding_list.Filters.from_args(request.args)
    sort = request.args.get("sort", "")[:20]
    page = page_number()
    if form is None:
        asked = (tuple(sorted(filters.chosen.items())), sort, page)
        body = kept_content("findings page", asked, lambda: _content(filters, sort, page, BulkAcceptForm()))
    else:
        body = _content(filters, sort, page, form)
    return render_template("findings/index.html", body=body, form=form), status


def _content(filters: finding_list.Filters, sort: str, page: int, form: BulkAcceptForm) -> Markup:
    return Markup(  # rendered from templates (autoescaped)
        render_template(
            "findings/list_body.html",
            page=finding_list.search(scope(), filters, sort=sort, page=page),
            filters=filters,
            sort=sort,
            filters_form=_filters_form(filters, sort),
            record_keys=RECORD_KEYS,
            form=form,
            can_edit=scope().can_edit_register,
            ticked={int(i) for i in request.form.getlist("finding") if FINDING_ID.fullmatch(i)},
        )
    )


def _filters_form(filters: finding_list.Filters, sort: str) -> Markup:
    """The filters' select boxes (every rule, area and panel the user's findings fall in), kept
    per scope and choice until the register changes."""
    user_scope = scope()

    def render() -> Markup:
        return Markup(
            render_template(
                "findings/filters.html",
                choices=finding_list.choices(user_scope),
                filters=filters,
                sort=sort,
                record_types=[(subject.value, label(subject)) for subject in SubjectType],
            )
        )

    chosen = tuple(sorted(filters.chosen.items()))
    return page_cache.kept("findings filters", (user_scope.role, user_scope.area_ids, chosen, sort), render)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Every finding the user may see, filtered, sorted and paginated."""
    return _list()


@bp.post("/")
def accept_several() -> ResponseReturnValue:
    """Accept the risk of the ticked findings, or of every open finding the filters match (for
    example every CONFIDENTIALITY_VERBAL_ONLY finding of a panel whose policy is a minuted statement)."""
    require(scope().can_edit_register)
    form = BulkAcceptForm()
    if not form.validate_on_submit():
        return _list(form, 400)
    if form.which.data == "matching":
        found = finding_list.open_ones(scope(), filters=finding_list.Filters.from_args(request.args))
    else:
        ids = [int(i) for i in request.form.getlist("finding")[:1000] if FINDING_ID.fullmatch(i)]
        found = finding_list.open_ones(scope(), ids=ids)
    try:
        count = findings.accept_risks(found, actor=actor(), reason=form.reason.data, review_on=form.review_on.data)
    except findings.FindingError as error:
        form.which.errors = [str(error)]
        return _list(form, 400)
    noun = "finding" if count == 1 else "findings"
    flash(f"The risk of {count} {noun} is accepted until {long_date(form.review_on.data)}.")
    return redirect(url_for("findings.index", **request.args))


@bp.get("/findings.csv")
def download() -> ResponseReturnValue:
    filters = finding_list.Filters.from_args(request.args)
    found = finding_list.every(scope(), filters, sort=request.args.get("sort", "")[:20])
    return Response(
        "".join(finding_list.as_csv(found)),
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(f"findings-{date.today().isoformat()}.csv")},
    )


def _render(finding, accept_form, remediated_form, status=200, conflict=None):
    rule = reference.rules_by_code()[finding.rule_code]
    key = next((k.key for k in f.RECORD_TYPES if k.subject == finding.subject_type.value), None)
    if key and not findings.subject_is_current(finding):
        key = None  # the record is gone: its ref may name another record now
    return render_template(
        "findings/detail.html",
        finding=finding,
        rule=rule,
        record_key=key,
        form=accept_form,
        remediated_form=remediated_form,
        can_edit=scope().can_edit_register,
        conflict=conflict,
        actions=finding_actions.for_finding(finding, scope()),
    ), status


@bp.get("/<int:finding_id>")
def detail(finding_id: int) -> ResponseReturnValue:
    return _render(findings.get(finding_id, scope()), AcceptRiskForm(), RemediatedForm())


@bp.post("/<int:finding_id>/accept")
def accept(finding_id: int) -> ResponseReturnValue:
    require(scope().can_edit_register)
    finding = findings.get(finding_id, scope())
    form = AcceptRiskForm()
    if form.validate_on_submit():
        try:
            findings.accept_risk(
                finding,
                actor=actor(),
                reason=form.reason.data,
                review_on=form.review_on.data,
                version=posted_version(),
            )
        except findings.FindingError as error:
            form.reason.errors = [str(error)]
        except findings.Conflict as error:
            return _render(finding, form, RemediatedForm(), 409, conflict=error)
        else:
            flash(f"The risk of {finding.rule_code} on {finding.subject_ref} is accepted.")
            return redirect(url_for("findings.detail", finding_id=finding.id))
    return _render(finding, form, RemediatedForm(), 400)


@bp.post("/<int:finding_id>/remediated")
def remediated(finding_id: int) -> ResponseReturnValue:
    require(scope().can_edit_register)
    finding = findings.get(finding_id, scope())
    form = RemediatedForm()
    if form.validate_on_submit():
        try:
            findings.mark_remediated(finding, actor=actor(), version=posted_version())
        except findings.FindingError as error:
            flash(str(error))
        except findings.Conflict:
            flash("The finding changed after you opened it (see its history below). Check it and try again.")
        else:
            flash(f"{finding.rule_code} on {finding.subject_ref} is closed.")
    return redirect(url_for("findings.detail", finding_id=finding.id))
