"""Security by default: a nonce-based Content-Security-Policy and the other response headers."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request


def csp_nonce() -> str:
    """This request's nonce, for the few inline scripts GOV.UK Frontend's template needs."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str, form_origins: tuple[str, ...] = ()) -> str:
    """`form_origins`: other origins a form's POST may end up at (sign-out redirects to the
    single sign-on provider, and Chromium applies form-action to a form's redirects too)."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            " ".join(("form-action 'self'", *form_origins)),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


# Values cached on `g` for one request. Cleared when a request starts, so that they never leak
# between requests that share an application context (as the tests' requests do).
PER_REQUEST = ("csp_nonce", "scope", "csrf_token", "_login_user")


def _provider_origins(app: Flask) -> tuple[str, ...]:
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return ()
    parts = urlsplit(issuer)
    return (f"{parts.scheme}://{parts.netloc}",)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def fresh_request_state() -> None:
        for name in PER_REQUEST:
            g.pop(name, None)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), _provider_origins(app))
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not request.path.startswith(app.static_url_path or "/assets"):
            # Pages hold OFFICIAL-SENSITIVE information: never kept by the browser or a proxy.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
