"""Is the database there? For the load balancer's health check."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

log = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as error:
        # The class only: a driver's message can carry the URL and host.
        log.warning("health check: the database did not answer (%s)", type(error).__name__)
        return False
    return True
