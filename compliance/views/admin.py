"""Administration: who uses the register, and whether everyone must use an authenticator app."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from ..models.enums import Role
from ..services import auth, sign_in_mappings, sso, throttle, users
from .common import actor, require, scope
from .edge import Form

bp = Blueprint("admin", __name__, url_prefix="/admin")


class TwoFactorForm(Form):
    require_two_factor = BooleanField(
        "Everyone must sign in with a code from an authenticator app", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class MappingForm(Form):
    group = StringField(
        "Group or app role",
        description="The group's object id or the app role's value, exactly as the council's sign-in service sends it",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the group or app role"), Length(max=255)],
    )
    role = SelectField(
        "Role in this service",
        choices=[SelectChoice(role.value, role.value.replace("_", " ")) for role in Role],
        widget=GovSelect(),
    )
    areas = StringField(
        "Areas",
        description="Area references separated by commas (not needed for admin)",
        widget=GovTextInput(),
    )
    panels = StringField(
        "Panels", description="Panel references separated by commas (for a panel chair)", widget=GovTextInput()
    )
    submit = SubmitField("Save mapping", widget=GovSubmitInput())


def _refs(text: str | None) -> list[str]:
    return [ref.strip() for ref in (text or "").split(",") if ref.strip()]


def _page(form: TwoFactorForm, mapping_form: MappingForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "admin/index.html",
        form=form,
        mapping_form=mapping_form,
        error_form=mapping_form,
        mappings=sign_in_mappings.every_mapping(),
        single_sign_on=sso.configured(),
        people=users.everyone(),
        locked=throttle.locked_accounts(),
        action_form=ActionForm(),
    ), status


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    require(scope().can_manage_users)
    form = TwoFactorForm(data={"require_two_factor": auth.two_factor_required_for_everyone()})
    if form.validate_on_submit():
        auth.require_two_factor_for_everyone(bool(form.require_two_factor.data), actor=actor())
        flash("Sign-in settings saved.")
        return redirect(url_for("admin.index"))
    return _page(form, MappingForm(formdata=None))


@bp.post("/sign-in-mappings")
def save_mapping() -> ResponseReturnValue:
    """Map a provider group or app role to a role, areas and panels (audited, applied at once)."""
    require(scope().can_manage_users)
    mapping_form = MappingForm()
    if mapping_form.validate_on_submit():
        try:
            sign_in_mappings.save_mapping(
                mapping_form.group.data,
                mapping_form.role.data,
                _refs(mapping_form.areas.data),
                _refs(mapping_form.panels.data),
                actor=actor(),
            )
        except sign_in_mappings.MappingError as error:
            mapping_form.group.errors.append(f"Mapping not saved: {error}")
        else:
            flash(f"People with {mapping_form.group.data.strip()} now get the role {mapping_form.role.data}.")
            return redirect(url_for("admin.index"))
    form = TwoFactorForm(formdata=None, data={"require_two_factor": auth.two_factor_required_for_everyone()})
    return _page(form, mapping_form, 400)


@bp.post("/sign-in-mappings/<int:mapping_id>/remove")
def remove_mapping(mapping_id: int) -> ResponseReturnValue:
    require(scope().can_manage_users)
    if not ActionForm().validate_on_submit():
        abort(400)
    removed = sign_in_mappings.remove_mapping(mapping_id, actor=actor())
    if removed is None:
        abort(404)
    flash(f"Mapping for {removed.group} removed: whoever it alone gave access has lost it.")
    return redirect(url_for("admin.index"))


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
