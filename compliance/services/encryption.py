"""Secrets the register keeps at rest, encrypted: the users' authenticator-app (TOTP) secrets.

The key comes from the environment: TOTP_ENCRYPTION_KEY (any long random string; set it so that
SECRET_KEY can be rotated on its own). Without it, a key is derived from SECRET_KEY, and rotating
SECRET_KEY then means everyone sets up their authenticator app again. Fernet (AES-128-CBC with an
HMAC-SHA256) from the `cryptography` package; a value stored before encryption was introduced is
read as it is and encrypted the next time it is written.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

PREFIX = "fernet:"


class UnreadableSecret(Exception):
    """A stored secret that the configured key cannot decrypt (the key changed)."""


def _fernet(config: dict | None = None) -> Fernet:
    config = config if config is not None else current_app.config
    material = config.get("TOTP_ENCRYPTION_KEY") or f"totp-encryption:{config['SECRET_KEY']}"
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest()))


def encrypt(plain: str, config: dict | None = None) -> str:
    return PREFIX + _fernet(config).encrypt(plain.encode()).decode()


def decrypt(stored: str, config: dict | None = None) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before secrets were encrypted
    try:
        return _fernet(config).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise UnreadableSecret("the authenticator-app secret cannot be decrypted with the configured key") from None
