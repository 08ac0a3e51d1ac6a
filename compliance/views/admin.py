"""Administration: who uses the register, and whether everyone must use an authenticator app."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField

from ..extensions import db
from ..models import User
from ..services import audit, register
from .common import actor, require, scope

bp = Blueprint("admin", __name__, url_prefix="/admin")


class TwoFactorForm(FlaskForm):
    require_two_factor = BooleanField(
        "Everyone must sign in with a code from an authenticator app", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    require(scope().can_manage_users)
    info = register.register_info()
    form = TwoFactorForm(data={"require_two_factor": info.require_two_factor})
    if form.validate_on_submit():
        before = {"require_two_factor": info.require_two_factor}
        info.require_two_factor = bool(form.require_two_factor.data)
        audit.record_change(
            actor=actor(),
            source="web",
            record_type="setting",
            record_ref="sign-in",
            before=before,
            after={"require_two_factor": info.require_two_factor},
        )
        db.session.commit()
        flash("Sign-in settings saved.")
        return redirect(url_for("admin.index"))
    people = list(db.session.scalars(sa.select(User).order_by(User.email)))
    return render_template("admin/index.html", form=form, people=people)
