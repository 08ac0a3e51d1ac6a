"""Administration: who uses the register, and whether everyone must use an authenticator app."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..extensions import db
from ..labels import label
from ..models.enums import Role
from ..services import auth, records, sign_in_mappings, sso, throttle, users
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
    try:
        users.set_active(person.email, active, actor=actor(), source="web")
    except users.UserError as error:
        db.session.rollback()
        flash(f"{person.email} is not disabled: {error}.")
        return redirect(url_for("admin.index"))
    flash(f"{person.email} is {'enabled' if active else 'disabled'}.")
    return redirect(url_for("admin.index"))


ROLE_HINT = (
    "Admin: everything, in every area, and this page. DPO: reads and changes the register of their areas. "
    "Panel chair: records the meetings of their panels. Auditor: reads their areas and the audit trail, "
    "changes nothing."
)


class PersonForm(Form):
    """A person who uses the register: who they are, their role, and what they can see."""

    name = StringField("Full name", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    email = StringField(
        "Email address",
        description="Their work email address: they sign in with it, for example sam.jones@riverford.gov.uk",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter their email address"),
            Length(max=320, message="The email address must be 320 characters or fewer"),
            Regexp(
                users.EMAIL_PATTERN.pattern,
                message="Enter an email address in the correct format, like sam.jones@riverford.gov.uk",
            ),
        ],
    )
    role = RadioField(
        "Role",
        choices=[SelectChoice(role.value, label(role)) for role in Role],
        description=ROLE_HINT,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose their role")],
    )
    areas = SelectMultipleField(
        "Areas",
        description="The areas whose register they can see (and, as a DPO, change). An admin sees every area.",
        widget=GovCheckboxesInput(),
    )
    panels = SelectMultipleField(
        "Panels", description="For a panel chair: the panels whose meetings they record", widget=GovCheckboxesInput()
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


def _person_form(**kwargs) -> PersonForm:
    form = PersonForm(**kwargs)
    form.areas.choices = [SelectChoice(ref, text) for ref, text in records.choices(scope(), "areas")]
    form.panels.choices = [SelectChoice(ref, text) for ref, text in records.choices(scope(), "panels")]
    return form


def _service_problem(form: PersonForm, error: users.UserError) -> None:
    """A service's refusal shown against the field it is about."""
    for problem in str(error).split("; "):
        field = next(
            (form[name] for name in ("email", "role", "areas", "panels", "name") if name.rstrip("s") in problem),
            form.email,
        )
        field.errors = [*field.errors, problem[0].upper() + problem[1:]]


@bp.route("/people/new", methods=["GET", "POST"])
def new_person() -> ResponseReturnValue:
    """Create a person with a temporary password, shown once on the next page (never stored)."""
    require(scope().can_manage_users)
    form = _person_form()
    if form.validate_on_submit():
        if users.find_by_email(form.email.data) is not None:
            form.email.errors.append(
                f"There is already a user with the email {form.email.data.strip().lower()}: "
                "change their role or areas from the list of people instead"
            )
        else:
            password = users.temporary_password()
            try:
                person = users.create_user(
                    form.email.data,
                    form.role.data,
                    password,
                    area_refs=list(form.areas.data or ()),
                    panel_refs=list(form.panels.data or ()),
                    name=form.name.data,
                    temporary=True,
                    actor=actor(),
                    source="web",
                )
            except users.UserError as error:
                db.session.rollback()
                _service_problem(form, error)
            else:
                db.session.commit()
                return render_template("admin/person_created.html", person=person, password=password)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/person.html", form=form, person=None, error_form=form), status


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
def edit_person(user_id: int) -> ResponseReturnValue:
    """Change a person's name, role, areas and panels (their sessions end; audited)."""
    require(scope().can_manage_users)
    person = _person(user_id)
    data = {
        "name": person.name,
        "email": person.email,
        "role": person.role.value,
        "areas": [area.ref for area in person.areas],
        "panels": [panel.ref for panel in person.panels],
    }
    form = _person_form(data=data if request.method == "GET" else None)
    form.email.validators = ()  # the email names the person: it is not changed here
    form.email.data = person.email
    if form.validate_on_submit():
        if person.email == current_user.email and form.role.data != person.role.value:
            form.role.errors.append("You cannot change your own role: ask another admin to")
        else:
            try:
                users.set_access(
                    person.email,
                    role=form.role.data,
                    area_refs=list(form.areas.data or ()),
                    panel_refs=list(form.panels.data or ()),
                    name=form.name.data or "",
                    actor=actor(),
                    source="web",
                )
            except users.UserError as error:
                db.session.rollback()
                _service_problem(form, error)
            else:
                flash(f"{person.email}'s access is saved. They have been signed out everywhere.")
                return redirect(url_for("admin.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/person.html", form=form, person=person, error_form=form), status
