"""Administration: who uses the register, and whether everyone must use an authenticator app."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField

from ..services import auth, throttle, users
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
    return render_template(
        "admin/index.html",
        form=form,
        people=users.everyone(),
        locked=throttle.locked_accounts(),
        action_form=ActionForm(),
    )


class ActionForm(Form):
    """A button that acts on one person (CSRF-protected)."""


def _person(user_id: int):
    person = users.by_id(user_id)
    if person is None:
        abort(404)
    return person


@bp.post("/people/<int:user_id>/lift-lock")
def lift_lock(user_id: int) -> ResponseReturnValue:
    """Lift the sign-in limits on an account that guessing from many addresses has locked."""
    require(scope().can_manage_users)
    person = _person(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    throttle.lift(person.email, actor=actor())
    flash(f"{person.email} can sign in again.")
    return redirect(url_for("admin.index"))


@bp.post("/people/<int:user_id>/access")
def set_active(user_id: int) -> ResponseReturnValue:
    """Disable a person (every session of theirs ends at once) or enable them again."""
    require(scope().can_manage_users)
    person = _person(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if person.email == current_user.email:
        flash("You cannot disable your own account.")
        return redirect(url_for("admin.index"))
    active = not person.is_active
    users.set_active(person.email, active, actor=actor(), source="web")
    flash(f"{person.email} is {'enabled' if active else 'disabled'}.")
    return redirect(url_for("admin.index"))
