"""Single sign-on with the council's own accounts: the OpenID Connect relying party.

Authlib does the protocol: the authorization code flow with PKCE (S256), `state` kept in the
session and used once, a `nonce` per sign-in, the provider's discovery document, and the ID
token's signature checked against its JWKS (fetched again when a token names a key it has not
seen: the provider rotated its keys). This module adds what Authlib leaves to the application:
the audience and expiry are required claims (Authlib checks `aud` only when told to), timeouts,
and every failure turned into one of two errors a page can explain without leaking anything.

Authlib is imported only here, and only when a sign-in or sign-out runs: the CLI never loads it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import Flask, current_app

log = logging.getLogger(__name__)

CLIENT = "council"
# Discovery is read again after this long, so a provider's changed endpoints are picked up.
METADATA_MAX_AGE_SECONDS = 24 * 60 * 60
# Clock difference allowed between the provider and us when checking exp, iat and nbf.
LEEWAY_SECONDS = 60


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered with something that is not OpenID Connect."""


class SignInRefused(Exception):
    """The provider's answer failed a check (state, nonce, signature, issuer, audience, expiry)
    or reported an error. `reason` is for the log; the person sees a general message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, and the groups/app roles it says they have."""

    issuer: str
    subject: str
    username: str
    name: str
    groups: tuple[str, ...]
    groups_overflowed: bool
    id_token: str


def configured(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def _client():
    """Authlib's client for the provider, made once per app (it caches discovery and the keys)."""
    app = current_app
    oauth = app.extensions.get("compliance.oidc")
    if oauth is None:
        from authlib.integrations.flask_client import OAuth

        config = app.config
        oauth = OAuth(app)
        oauth.register(
            CLIENT,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=f"{config['OIDC_ISSUER']}/.well-known/openid-configuration",
            client_kwargs={
                "scope": config["OIDC_SCOPES"],
                "code_challenge_method": "S256",
                "default_timeout": config["OIDC_TIMEOUT_SECONDS"],
            },
        )
        app.extensions["compliance.oidc"] = oauth
    client = oauth.create_client(CLIENT)
    loaded_at = client.server_metadata.get("_loaded_at")
    if loaded_at is not None and time.time() - loaded_at > METADATA_MAX_AGE_SECONDS:
        client.server_metadata.clear()
    return client


def _metadata(client) -> dict:
    """The discovery document, checked: its issuer must be the configured one exactly."""
    try:
        metadata = client.load_server_metadata()
    except Exception as error:  # requests' connection errors, HTTP errors, a body that is not JSON
        client.server_metadata.clear()
        raise ProviderUnavailable(f"discovery failed: {type(error).__name__}") from error
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        client.server_metadata.clear()
        raise ProviderUnavailable(f"discovery names issuer {metadata.get('issuer')!r}, not the configured one")
    return metadata


def start(redirect_uri: str):
    """The redirect to the provider's sign-in page (state, nonce and PKCE verifier kept in the session)."""
    client = _client()
    _metadata(client)
    try:
        return client.authorize_redirect(redirect_uri)
    except Exception as error:
        raise ProviderUnavailable(f"authorization request failed: {type(error).__name__}") from error


def _claims_options() -> dict:
    config = current_app.config
    return {
        "iss": {"essential": True, "value": config["OIDC_ISSUER"]},
        "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }


def finish() -> Identity:
    """Check the provider's answer on the callback and return who signed in."""
    import requests
    from authlib.integrations.base_client import MismatchingStateError, OAuthError
    from joserfc.errors import JoseError

    client = _client()
    _metadata(client)
    try:
        token = client.authorize_access_token(claims_options=_claims_options(), leeway=LEEWAY_SECONDS)
    except MismatchingStateError as error:
        raise SignInRefused("state is unknown or already used") from error
    except OAuthError as error:
        raise SignInRefused(f"the provider answered {error.error}") from error
    except JoseError as error:
        raise SignInRefused(f"ID token refused: {type(error).__name__} {error}") from error
    except (requests.ConnectionError, requests.Timeout) as error:
        raise ProviderUnavailable(f"token request failed: {type(error).__name__}") from error
    except requests.HTTPError as error:
        raise ProviderUnavailable(f"keys or token request failed: {error.response.status_code}") from error
    except ValueError as error:  # a key set or token answer that is not JSON or not a key set
        raise ProviderUnavailable(f"unreadable answer: {type(error).__name__}") from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused("the token answer held no ID token")
    return _identity(dict(claims), token["id_token"])


def _identity(claims: dict, id_token: str) -> Identity:
    config = current_app.config
    subject_claim = config["OIDC_SUBJECT_CLAIM"]
    subject = claims.get(subject_claim)
    if not isinstance(subject, str) or not subject:
        raise SignInRefused(f"the ID token has no {subject_claim!r} claim")
    groups: list[str] = []
    for claim in config["OIDC_GROUPS_CLAIMS"].replace(",", " ").split():
        values = claims.get(claim) or []
        groups += [value for value in ([values] if isinstance(values, str) else values) if isinstance(value, str)]
    # Entra ID leaves `groups` out when a person is in more than 200 and names a Graph query in
    # `_claim_names` instead ("overage"): we say so rather than treat them as having no groups.
    overflowed = "groups" in (claims.get("_claim_names") or {})
    username = claims.get("preferred_username") or claims.get("email") or claims.get("upn") or subject
    return Identity(
        issuer=config["OIDC_ISSUER"],
        subject=subject,
        username=str(username)[:320],
        name=str(claims.get("name") or username)[:300],
        groups=tuple(dict.fromkeys(value[:255] for value in groups)),
        groups_overflowed=overflowed,
        id_token=id_token,
    )


def end_session_url(post_logout_redirect_uri: str, id_token: str | None) -> str | None:
    """Where to send the browser to sign out at the provider too (RP-initiated logout), or None
    when the provider has no end_session_endpoint or does not answer."""
    try:
        client = _client()
        metadata = _metadata(client)
    except ProviderUnavailable as error:
        log.warning("single sign-on: no sign-out at the provider: %s", error)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    extra = {"client_id": current_app.config["OIDC_CLIENT_ID"]}
    return client.create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token, **extra)[
        "url"
    ]
