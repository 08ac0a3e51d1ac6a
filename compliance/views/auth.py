"""Signing in and out, with an authenticator-app code when the user has one or an admin requires it."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from ..services import auth
from .edge import Form

bp = Blueprint("auth", __name__)

PENDING = "pending_user_id"
PENDING_SECRET = "pending_totp_secret"


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
    return redirect(next_url)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if request.method == "GET" and request.args.get("next"):
        session["next"] = safe_next(request.args["next"])
    form = SignInForm()
    throttled = False
    if form.validate_on_submit():
        outcome = auth.check_password(form.email.data, form.password.data, _client_address())
        if outcome.throttled:
            throttled = True
        elif not outcome.ok:
            form.email.errors.append("Enter a correct email address and password")
        elif auth.two_factor_required(outcome.user):
            session[PENDING] = outcome.user.id
            return redirect(url_for("auth.two_factor"))
        else:
            return _complete_sign_in(outcome.user)
    return render_template("auth/sign_in.html", form=form, throttled=throttled)


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
            return render_template("auth/sign_in.html", form=SignInForm(), throttled=True)
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
    auth.sign_out(current_user)
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.sign_in"))
