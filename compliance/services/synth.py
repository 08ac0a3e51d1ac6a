"""`compliance synth`: a synthetic register written into an empty register, through the importer's
bulk path (the same validation, bulk INSERTs, audit entries and findings refresh as any import)."""

from __future__ import annotations

import sqlalchemy as sa

from .. import synthetic
from ..extensions import db
from ..models import Area
from . import exchange


class RegisterNotEmpty(Exception):
    """Synth only writes into an empty register: it must never mix made-up records with real ones."""


def generate(areas: int, *, seed: int, actor: str) -> exchange.ImportResult:
    held = db.session.scalar(sa.select(sa.func.count()).select_from(Area))
    if held:
        raise RegisterNotEmpty(
            f"The register already holds {held} area(s); synth writes only into an empty register, "
            "so that made-up records never mix with real ones. Use a new database (DATABASE_URL)."
        )
    return exchange.import_text(synthetic.register(areas, seed=seed), actor=actor, source="synth")
