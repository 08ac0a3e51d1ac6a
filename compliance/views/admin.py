"""Administration: who uses the register, and whether everyone must use an authenticator app."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField

from ..services import auth, users
from .common import actor, require, scope
from .edge import Form

bp = Blueprint("admin", __name__, url_prefix="/admin")


class TwoFactorForm(Form):
    require_two_factor = BooleanField(
        "Everyone must sign in with a code from an authenticator app", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    require(scope().can_manage_users)
    form = TwoFactorForm(data={"require_two_factor": auth.two_factor_required_for_everyone()})
    if form.validate_on_submit():
        auth.require_two_factor_for_everyone(bool(form.require_two_factor.data), actor=actor())
        flash("Sign-in settings saved.")
        return redirect(url_for("admin.index"))
    return render_template("admin/index.html", form=form, people=users.everyone())
