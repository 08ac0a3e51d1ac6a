"""A finding's page: what is wrong, what to do, its history; accept the risk or mark it remediated."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import DateField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from ..exchange import fields as f
from ..services import findings, reference
from .common import actor, posted_version, require, scope
from .edge import Form
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
