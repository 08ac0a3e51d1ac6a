"""Seeding: the reference data and the demo register of Riverford City Council."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from config import BASE_DIR

from ..extensions import db
from . import exchange, reference, users

DEMO_FILE = BASE_DIR / "seeds" / "demo" / "register.json"

# (email, role, areas, panels): one user of each role, for trying the app locally.
DEMO_USERS = (
    ("admin@riverford.example.gov.uk", "admin", (), ()),
    ("dpo@riverford.example.gov.uk", "dpo", ("riverford",), ()),
    ("channel.chair@riverford.example.gov.uk", "panel_chair", ("riverford",), ("riverford-channel",)),
    ("auditor@riverford.example.gov.uk", "auditor", ("riverford",), ()),
)


@dataclass(frozen=True)
class DemoSeeded:
    result: exchange.ImportResult
    users_created: list[str]
    password: str | None


class SeedRefused(Exception):
    pass


def demo_password() -> str:
    """DEMO_PASSWORD if set, else one generated on first use and kept in INSTANCE_PATH (readable
    only by its owner), so running the seed again prints the same sign-in."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = Path(current_app.instance_path) / "demo-password.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(12)
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password


def seed_demo(actor: str, with_users: bool = True) -> DemoSeeded:
    """Load the demo register (idempotent: a second run changes nothing) and its users, in one
    transaction. Refused in production: demo accounts have no place there."""
    if current_app.config["APP_ENV"] == "production":
        raise SeedRefused("The demo register is not loaded in production (APP_ENV=production).")
    try:
        reference.ensure_loaded(actor=actor, source="seed")
        result = exchange.load_text(DEMO_FILE.read_bytes(), actor=actor, source="seed")
        created: list[str] = []
        password = demo_password() if with_users else None
        if with_users:
            for email, role, areas, panels in DEMO_USERS:
                if users.find_by_email(email) is None:
                    users.create_user(
                        email,
                        role,
                        password,
                        area_refs=list(areas),
                        panel_refs=list(panels),
                        actor=actor,
                        source="seed",
                    )
                    created.append(email)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return DemoSeeded(result, created, password)


def seed_reference(actor: str) -> dict[str, int]:
    try:
        counts = reference.load(actor=actor, source="seed")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return counts
