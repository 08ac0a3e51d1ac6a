"""Every page needs a signed-in user, except the few that must not: sign-in, the accessibility
statement and the assets. Sessions end after a period of inactivity. A person who signed in with
a temporary password sees only "Choose a new password" (and can sign out) until they have chosen one."""

from __future__ import annotations

import time

from flask import Flask, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user

from .services import auth

login_manager = LoginManager()

PUBLIC_ENDPOINTS = frozenset(
    {
        "auth.sign_in",
        "auth.two_factor",
        "auth.signed_out",
        "sso.start",
        "sso.callback",
        "main.accessibility",
        "static",
        "health.healthz",
    }
)

# What a person who must change their temporary password may still reach (besides PUBLIC_ENDPOINTS).
WHILE_PASSWORD_MUST_CHANGE = frozenset({"auth.change_password", "auth.sign_out"})


@login_manager.user_loader
def _load_user(user_id: str):
    return auth.load_user(user_id)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see this page."
    # "basic": a session whose client identifier changes is marked not fresh. ("strong" would
    # also wipe an anonymous session, losing the messages shown on the sign-in page.)
    login_manager.session_protection = "basic"

    @app.before_request
    def require_sign_in():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        now = int(time.time())
        idle = now - int(session.get("last_seen", 0))
        if idle > app.config["IDLE_TIMEOUT_SECONDS"]:
            logout_user()
            session.clear()
            flash("You were signed out because you had not done anything for a while. Sign in again.")
            return redirect(url_for("auth.sign_in"))
        session["last_seen"] = now
        if current_user.password_must_change and request.endpoint not in WHILE_PASSWORD_MUST_CHANGE:
            # 303: a refused POST becomes a GET of the page, and nothing it carried is written.
            return redirect(url_for("auth.change_password"), code=303)
        return None
