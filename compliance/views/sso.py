"""Signing in with the council's own accounts (OpenID Connect): off to the provider, and back."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user

from ..services import auth, sign_in_mappings, sso
from .auth import ID_TOKEN, safe_next

bp = Blueprint("sso", __name__)
log = logging.getLogger(__name__)

# A cookie holds about 4 KB: an ID token carrying many groups is not kept (sign-out then names
# only the client, which Entra ID and the OpenID spec accept).
MAX_KEPT_ID_TOKEN = 2000


def _unavailable(error: Exception) -> ResponseReturnValue:
    log.warning("single sign-on: provider unavailable: %s", error)
    return render_template("auth/provider_unavailable.html", provider_name=_provider_name()), 503


def _provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"]


@bp.get("/sign-in/council")
def start() -> ResponseReturnValue:
    if not sso.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    try:
        return sso.start(url_for("sso.callback", _external=True))
    except sso.ProviderUnavailable as error:
        return _unavailable(error)


@bp.get("/sign-in/council/callback")
def callback() -> ResponseReturnValue:
    if not sso.configured():
        abort(404)
    try:
        identity = sso.finish()
    except sso.ProviderUnavailable as error:
        return _unavailable(error)
    except sso.SignInRefused as error:
        log.warning("single sign-on: sign-in refused: %s", error.reason)
        return render_template("auth/sign_in_refused.html", provider_name=_provider_name()), 400
    outcome = sign_in_mappings.sign_on(identity)
    if outcome.user is None:
        return render_template(
            "auth/no_access.html",
            reason=outcome.refused,
            identity=identity,
            admins=sign_in_mappings.admins_to_ask(),
        ), 403
    next_url = safe_next(session.pop("next", None))
    login_user(outcome.user)
    session["last_seen"] = int(time.time())
    if len(identity.id_token) <= MAX_KEPT_ID_TOKEN:
        session[ID_TOKEN] = identity.id_token
    auth.signed_in(outcome.user)
    return redirect(next_url)
