"""FOI draft answers for an area, each beside the records it rests on."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectChoice, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..exchange import fields as f
from ..reports.foi import QUESTIONS
from ..services import foi, records, register
from .common import actor, require, scope
from .edge import Form

bp = Blueprint("foi", __name__, url_prefix="/foi")


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template(
        "foi/index.html",
        areas=records.choices(scope(), "areas"),
        holder=foi.holder_name(),
        can_set_holder=scope().can_manage_users,
    )


EACH_AREA = "Each area's responsible authority"


class HolderForm(Form):
    holder = SelectField(
        "Which organisation answers FOI requests from this register?",
        widget=GovSelect(),
        description="Its name is given as the answering organisation in every draft. Leave it to each "
        "area's responsible authority when the register is shared by several councils.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.route("/holder", methods=["GET", "POST"])
def holder() -> ResponseReturnValue:
    require(scope().can_manage_users)
    form = HolderForm(data={"holder": register.holder_ref() or ""})
    form.holder.choices = [("", EACH_AREA), *records.choices(scope(), "organisations")]
    if form.validate_on_submit():
        foi.set_holder(scope(), form.holder.data or None, actor=actor())
        flash(f"FOI requests are answered by: {foi.holder_name() or EACH_AREA}.")
        return redirect(url_for("foi.index"))
    return render_template("foi/holder.html", form=form), (400 if request.method == "POST" else 200)


class WithholdForm(Form):
    exemptions = SelectMultipleField(
        "Exemptions",
        widget=GovCheckboxesInput(),
        choices=[
            SelectChoice("s24", "Section 24: national security"),
            SelectChoice("s31", "Section 31: law enforcement"),
        ],
        validators=[InputRequired(message="Select the exemption the answer is withheld under")],
    )
    public_interest = TextAreaField(
        "The public interest test",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter why the public interest favours withholding"), Length(max=6000)],
    )
    submit = SubmitField("Withhold this answer", widget=GovSubmitInput())


@bp.get("/<area>")
def show(area: str) -> ResponseReturnValue:
    result = foi.draft(area, scope=scope())
    keys = {kind.subject: kind.key for kind in f.RECORD_TYPES}
    return render_template(
        "foi/show.html",
        draft=result,
        questions=QUESTIONS,
        keys=keys,
        can_edit=scope().can_edit_register,
        released=foi.released(area, result),
    )


@bp.get("/<area>/response.<any(txt, docx):kind>")
def download(area: str, kind: str) -> ResponseReturnValue:
    name, media_type, content = foi.document(area, kind, scope())
    return Response(content, mimetype=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/<area>/final")
def mark_final(area: str) -> ResponseReturnValue:
    require(scope().can_edit_register)
    final = request.form.get("final") == "yes"
    try:
        foi.mark_final(scope(), area, actor=actor(), final=final)
    except foi.NotReady as problem:
        flash(f"The draft cannot be marked final: {problem}.")
        return redirect(url_for("foi.show", area=area))
    flash("The draft is marked final for release." if final else "The draft is no longer marked final.")
    return redirect(url_for("foi.show", area=area))


@bp.route("/<area>/<int:question>/withhold", methods=["GET", "POST"])
def withhold(area: str, question: int) -> ResponseReturnValue:
    require(scope().can_edit_register)
    result = foi.draft(area, scope=scope())
    if not 1 <= question <= 14:
        abort(404)
    answer = result.answers[question - 1]
    form = WithholdForm()
    if question == 14:  # always withheld under s40(2) and s38: the DPO records the s38 public interest test
        form.exemptions.choices = [SelectChoice("s38", "Section 38: health and safety")]
    if request.method == "POST" and request.form.get("stop") == "yes":
        foi.set_withholding(scope(), area, question, [], "", actor=actor())
        flash(f"Question {question} is no longer withheld.")
        return redirect(url_for("foi.show", area=area) + f"#question-{question}")
    if form.validate_on_submit():
        foi.set_withholding(scope(), area, question, form.exemptions.data, form.public_interest.data, actor=actor())
        flash(f"Question {question} is withheld.")
        return redirect(url_for("foi.show", area=area) + f"#question-{question}")
    return render_template(
        "foi/withhold.html", form=form, draft=result, answer=answer, question=question, text=QUESTIONS[question]
    ), (400 if request.method == "POST" else 200)
