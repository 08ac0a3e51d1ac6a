"""Review reminders: each DPO gets one email listing the reviews of their areas that are overdue or
due within 7, 30 and 90 days (DSAs, DPIAs, contracts, MOUs)."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import User
from ..models.enums import Role
from . import dashboard
from .access import Scope

BUCKETS = (
    ("Overdue", None, -1),
    ("Due within 7 days", 0, 7),
    ("Due within 30 days", 8, 30),
    ("Due within 90 days", 31, 90),
)


@dataclass(frozen=True)
class Digest:
    to: str
    subject: str
    body: str
    reviews: int


def digests(today: date | None = None) -> list[Digest]:
    today = today or date.today()
    out = []
    dpos = db.session.scalars(
        sa.select(User).where(User.role == Role.DPO, User.is_active.is_(True)).order_by(User.email)
    )
    for user in dpos:
        reviews = dashboard.reviews_due(Scope.of(user), today=today)
        if not reviews:
            continue
        lines = [f"Reviews due in your areas ({', '.join(a.name for a in user.areas)}), as of {today:%-d %B %Y}.", ""]
        for title, low, high in BUCKETS:
            chosen = [
                r
                for r in reviews
                if (low is None and r.due < today) or (low is not None and low <= (r.due - today).days <= high)
            ]
            if chosen:
                lines.append(f"{title}:")
                lines += [f"  - {r.kind}: {r.title} ({r.ref}), due {r.due:%-d %B %Y}" for r in chosen]
                lines.append("")
        lines.append("Sign in to the Prevent Compliance Register to record each review.")
        overdue = sum(1 for r in reviews if r.due < today)
        subject = f"OFFICIAL-SENSITIVE: {len(reviews)} Prevent compliance reviews due" + (
            f", {overdue} overdue" if overdue else ""
        )
        out.append(Digest(user.email, subject, "\n".join(lines) + "\n", len(reviews)))
    return out


def send(today: date | None = None) -> list[Digest]:
    """Send every digest through the SMTP server in the configuration; returns what was sent."""
    config = current_app.config
    sent = digests(today)
    if not sent:
        return sent
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        for digest in sent:
            message = EmailMessage()
            message["From"] = config["MAIL_FROM"]
            message["To"] = digest.to
            message["Subject"] = digest.subject
            message.set_content(digest.body)
            smtp.send_message(message)
    return sent
