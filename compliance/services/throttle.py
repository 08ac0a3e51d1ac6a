"""Sign-in throttling that slows guessing without letting a stranger lock people out.

Each attempt (a password, or an authenticator code) is counted against three limits in a
15-minute window, each checked and counted in one conditional UPDATE, so that a burst of parallel
attempts cannot get more checks than the limit (on SQLite and PostgreSQL alike):

- an account from one address: 5. A stranger guessing at someone's account locks out only their
  own address, not the account's owner;
- one address: 20 (the client's address; behind a reverse proxy, set TRUSTED_PROXIES so that it is
  read from X-Forwarded-For, or every user shares the proxy's);
- an account from anywhere: 50, against guessing spread over many addresses. This one can lock
  the owner out until the window ends; an administrator can lift it (audited).

A successful sign-in clears its account-and-address count and does not count against the others.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import SignInThrottle
from . import audit

WINDOW = timedelta(minutes=15)
PER_ACCOUNT_AND_ADDRESS = 5
PER_ADDRESS = 20
PER_ACCOUNT = 50

TABLE = SignInThrottle.__table__


def _keys(email: str, address: str) -> list[tuple[str, int]]:
    # Always the same order, so that parallel attempts lock the rows in the same order.
    return [
        (f"account:{email}", PER_ACCOUNT),
        (f"address:{address}", PER_ADDRESS),
        (f"pair:{email}|{address}", PER_ACCOUNT_AND_ADDRESS),
    ]


def _insert():
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(TABLE)


def _take(key: str, limit: int, now: datetime) -> bool:
    """Count one attempt against `key` unless its limit is reached; True when counted."""
    db.session.execute(
        _insert().values(key=key, window_started_at=now, attempts=0).on_conflict_do_nothing(index_elements=["key"])
    )
    expired = TABLE.c.window_started_at < now - WINDOW
    counted = db.session.execute(
        sa.update(TABLE)
        .where(TABLE.c.key == key, sa.or_(expired, TABLE.c.attempts < limit))
        .values(
            attempts=sa.case((expired, 1), else_=TABLE.c.attempts + 1),
            window_started_at=sa.case((expired, now), else_=TABLE.c.window_started_at),
        )
    )
    return counted.rowcount == 1


def take_attempt(email: str, address: str, now: datetime | None = None) -> bool:
    """Count an attempt before checking it; False when a limit is reached (then it must not be
    checked). Committed at once: an attempt counts even if the request goes no further."""
    now = now or datetime.now(UTC)
    try:
        allowed = all(_take(key, limit, now) for key, limit in _keys(email, address))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return allowed


def succeeded(email: str, address: str) -> None:
    """A right password or code: clear the account-and-address count, and take this attempt
    back from the others."""
    account, address_key, pair = (key for key, _ in _keys(email, address))
    db.session.execute(sa.update(TABLE).where(TABLE.c.key == pair).values(attempts=0))
    db.session.execute(
        sa.update(TABLE)
        .where(TABLE.c.key.in_([account, address_key]), TABLE.c.attempts > 0)
        .values(attempts=TABLE.c.attempts - 1)
    )


def locked_accounts(now: datetime | None = None) -> set[str]:
    """The emails whose every-address limit is reached: their owners cannot sign in until the
    window ends or an administrator lifts the lock."""
    now = now or datetime.now(UTC)
    statement = sa.select(TABLE.c.key).where(
        TABLE.c.key.like("account:%"), TABLE.c.attempts >= PER_ACCOUNT, TABLE.c.window_started_at >= now - WINDOW
    )
    return {key.removeprefix("account:") for key in db.session.scalars(statement)}


def lift(email: str, *, actor: str) -> None:
    """An administrator lifts every sign-in limit on an account. Audited; committed."""
    escaped = email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"pair:{escaped}|%"
    db.session.execute(
        sa.delete(TABLE).where(sa.or_(TABLE.c.key == f"account:{email}", TABLE.c.key.like(pattern, escape="\\")))
    )
    audit.record_change(
        actor=actor,
        source="web",
        record_type="user",
        record_ref=email,
        before={"sign_in_locked": True},
        after={"sign_in_locked": False},
    )
    db.session.commit()
