"""A small but real OpenID Connect provider for the tests, served over HTTP on 127.0.0.1 in a
thread: discovery, JWKS, authorize (code flow with PKCE S256), token (client_secret_basic or
_post, codes used once) and end_session. Its ID tokens look like Entra ID's (`tid`, `oid`,
`preferred_username`, `roles`, `groups`) and it signs them with RS256 keys from joserfc.

It signs in whoever `person` names without showing a page (as a provider does for someone who is
already signed in there), and `tamper` makes it misbehave the ways the tests need: a wrong
audience, an expired token, a bad signature, a wrong nonce.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TENANT = "8a1b2c3d-0000-4000-8000-000000000001"


@dataclass
class Person:
    oid: str
    preferred_username: str
    name: str = "Test Person"
    roles: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


class Provider:
    def __init__(self, client_id: str = "register-test-client", client_secret: str = "test-secret"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris: set[str] = set()
        self.post_logout_redirect_uris: set[str] = set()
        self.person: Person | None = None
        self.tamper: dict = {}
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig", "alg": "RS256"})]
        self.codes: dict[str, dict] = {}
        self.logouts: list[dict] = []
        self.jwks_requests = 0
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.port = self._server.server_port
        self.base = f"http://127.0.0.1:{self.port}"
        # Entra ID's issuer names the tenant: https://login.microsoftonline.com/{tid}/v2.0
        self.issuer = f"{self.base}/{TENANT}/v2.0"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def rotate_keys(self) -> None:
        """A new signing key, with a kid never used before (the provider outlives a test); the old
        one is withdrawn from the JWKS."""
        self._rotations = getattr(self, "_rotations", 1) + 1
        kid = f"key-{self._rotations}"
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})]

    # -- HTTP --------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        request = Request(environ)
        prefix = f"/{TENANT}/v2.0"
        routes = {
            f"{prefix}/.well-known/openid-configuration": self.discovery,
            f"{prefix}/keys": self.jwks,
            f"{prefix}/authorize": self.authorize,
            f"{prefix}/token": self.token,
            f"{prefix}/logout": self.end_session,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _json(self, data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, mimetype="application/json")

    def discovery(self, request: Request) -> Response:
        return self._json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/keys",
                "end_session_endpoint": f"{self.issuer}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": ["openid", "profile", "email"],
            }
        )

    def jwks(self, request: Request) -> Response:
        self.jwks_requests += 1
        return self._json(KeySet(self.keys).as_dict(private=False))

    def authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != self.client_id or args.get("redirect_uri") not in self.redirect_uris:
            return Response("unknown client or redirect_uri", status=400)
        if args.get("response_type") != "code" or args.get("code_challenge_method") != "S256":
            return Response("code flow with PKCE S256 only", status=400)
        if "openid" not in args.get("scope", "").split() or not args.get("code_challenge"):
            return Response("openid scope and a code_challenge are required", status=400)
        if self.person is None:
            return Response("nobody is signed in at the provider", status=401)
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "person": self.person,
            "nonce": args.get("nonce"),
            "challenge": args["code_challenge"],
            "redirect_uri": args["redirect_uri"],
        }
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _client_authenticated(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
        return client_id == self.client_id and secrets.compare_digest(secret or "", self.client_secret)

    def token(self, request: Request) -> Response:
        if not self._client_authenticated(request):
            return self._json({"error": "invalid_client"}, 401)
        grant = self.codes.pop(request.form.get("code", ""), None)  # a code is used once
        if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json({"error": "invalid_grant"}, 400)
        verifier = request.form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return self._json({"error": "invalid_grant", "error_description": "PKCE verifier"}, 400)
        return self._json(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 3600,
                "id_token": self.id_token(grant["person"], grant["nonce"]),
            }
        )

    def id_token(self, person: Person, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.tamper.get("aud", self.client_id),
            "sub": f"pairwise-{person.oid}",
            "oid": person.oid,
            "tid": TENANT,
            "iat": now,
            "nbf": now,
            "exp": now + self.tamper.get("expires_in", 3600),
            "nonce": self.tamper.get("nonce", nonce),
            "preferred_username": person.preferred_username,
            "name": person.name,
            "ver": "2.0",
        }
        if person.roles:
            claims["roles"] = person.roles
        if person.groups:
            claims["groups"] = person.groups
        if self.tamper.get("groups_overage"):
            claims.pop("groups", None)
            claims["_claim_names"] = {"groups": "src1"}
        key = self.keys[0]
        if self.tamper.get("bad_signature"):  # the same key id, another key
            key = RSAKey.generate_key(2048, parameters={"kid": key.kid})
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)

    def end_session(self, request: Request) -> Response:
        self.logouts.append(dict(request.args))
        target = request.args.get("post_logout_redirect_uri")
        if target not in self.post_logout_redirect_uris:
            return Response("<p>You have signed out.</p>", mimetype="text/html")
        state = request.args.get("state")
        return Response(status=302, headers={"Location": target + (f"?{urlencode({'state': state})}" if state else "")})
