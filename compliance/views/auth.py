"""Signing in and out, with an authenticator-app code when the user has one or an admin requires it."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from ..extensions import db
from ..services import auth, sso, users
from .edge import Form

bp = Blueprint("auth", __name__)

PENDING = "pending_user_id"
PENDING_SECRET = "pending_totp_secret"
# The ID token of a person who signed on, for the provider's sign-out (when small enough for the cookie).
ID_TOKEN = "id_token"


class SignInForm(Form):
    email = StringField(
        "Email address", widget=GovTextInput(), validators=[InputRequired(message="Enter your email address")]
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(Form):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the 6-digit code from your authenticator app"),
            Length(min=6, max=8, message="Enter the 6-digit code from your authenticator app"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ChangePasswordForm(Form):
    """Every check is the service's (users.change_own_password), each shown against its field."""

    current_password = PasswordField("Current password", widget=GovPasswordInput())
    new_password = PasswordField(
        "New password",
        description=f"At least {users.MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy to "
        "remember and hard to guess.",
        widget=GovPasswordInput(),
    )
    confirm_password = PasswordField("Confirm your new password", widget=GovPasswordInput())
    submit = SubmitField("Change password", widget=GovSubmitInput())


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, a scheme, or a protocol-relative URL."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("main.index")
    return target


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _complete_sign_in(user) -> ResponseReturnValue:
    next_url = safe_next(session.pop("next", None))
    session.pop(PENDING, None)
    session.pop(PENDING_SECRET, None)
    login_user(user)
    session["last_seen"] = int(time.time())
    auth.signed_in(user)
    if user.break_glass:
        auth.record_break_glass_use(user, _client_address())
    return redirect(next_url)


def _sign_in_page(form, *, throttled: bool = False, passwords_off: bool = False) -> ResponseReturnValue:
    return render_template(
        "auth/sign_in.html",
        form=form,
        throttled=throttled,
        passwords_off=passwords_off,
        single_sign_on=sso.configured(),
        provider_name=current_app.config["OIDC_PROVIDER_NAME"],
        password_sign_in=auth.password_sign_in_enabled(),
    )


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if request.method == "GET" and request.args.get("next"):
        session["next"] = safe_next(request.args["next"])
    form = SignInForm()
    throttled = passwords_off = False
    if form.validate_on_submit():
        outcome = auth.check_password(form.email.data, form.password.data, _client_address())
        if outcome.throttled:
            throttled = True
        elif outcome.passwords_off:
            passwords_off = True
        elif not outcome.ok:
            form.email.errors.append("Enter a correct email address and password")
        elif auth.two_factor_required(outcome.user):
            session[PENDING] = outcome.user.id
            return redirect(url_for("auth.two_factor"))
        else:
            return _complete_sign_in(outcome.user)
    return _sign_in_page(form, throttled=throttled, passwords_off=passwords_off)


@bp.route("/sign-in/code", methods=["GET", "POST"])
def two_factor() -> ResponseReturnValue:
    user = auth.pending_user(str(session.get(PENDING, "")))
    if user is None:
        return redirect(url_for("auth.sign_in"))
    setting_up = not user.has_two_factor
    if setting_up and PENDING_SECRET not in session:
        session[PENDING_SECRET] = auth.new_totp_secret()
    pending_secret = session.get(PENDING_SECRET) if setting_up else None
    form = CodeForm()
    if form.validate_on_submit():
        outcome = auth.check_code(user, form.code.data, _client_address(), secret=pending_secret)
        if outcome.throttled:
            return _sign_in_page(SignInForm(), throttled=True)
        if outcome.ok:
            if setting_up:
                auth.set_totp_secret(user, pending_secret, actor=user.email)
            return _complete_sign_in(user)
        form.code.errors.append("The code is not right: enter the current code from your authenticator app")
    uri = auth.provisioning_uri(user, pending_secret, current_app.config["SERVICE_NAME"]) if setting_up else None
    return render_template("auth/two_factor.html", form=form, setting_up=setting_up, secret=pending_secret, uri=uri)


@bp.post("/sign-out")
@login_required
def sign_out() -> ResponseReturnValue:
    """End every session here; a person who signed on is then sent to the provider to sign out
    there too (RP-initiated logout), which returns them to the signed-out page."""
    signed_on = current_user.signs_on_with_provider and sso.configured()
    id_token = session.get(ID_TOKEN)
    auth.sign_out(current_user)
    logout_user()
    session.clear()
    if signed_on:
        url = sso.end_session_url(url_for("auth.signed_out", _external=True), id_token)
        if url:
            return redirect(url)
    return redirect(url_for("auth.signed_out"))


@bp.get("/signed-out")
def signed_out() -> ResponseReturnValue:
    return render_template("auth/signed_out.html", single_sign_on=sso.configured())


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """A person chooses their own password: at once after signing in with a temporary one (the
    guard in login.py sends them here from every other page), or whenever they like. Not for a
    person who signs in with the council's accounts: they have no password here."""
    if current_user.signs_on_with_provider or not current_user.has_password:
        abort(404)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = users.change_own_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                form.confirm_password.data,
                source="web",
                address=_client_address(),
            )
        except users.PasswordChangeError as error:
            db.session.rollback()
            for name, problem in error.problems.items():
                form[name].errors = [*form[name].errors, problem]
        else:
            # Every other session of theirs has ended (a new session generation): this one goes on
            # under the new generation.
            login_user(user)
            session["last_seen"] = int(time.time())
            flash("Your password has been changed.")
            return redirect(url_for("main.index"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "auth/change_password.html", form=form, must_change=current_user.password_must_change
    ), status
