"""What the integration tests of the scoped refresh share: a small synthetic register built once per
run (12 areas, seed 3), and the two sides they compare: the open findings as stored, and what every
rule raises over the whole register."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Finding
from compliance.models.enums import FindingStatus
from compliance.services import findings, synth
from tests.conftest import build_once

SYNTHETIC_AREAS = 12


@pytest.fixture
def synthetic_register(app):
    build_once(f"synthetic-{SYNTHETIC_AREAS}-seed-3", lambda: synth.generate(SYNTHETIC_AREAS, seed=3, actor="test"))
    db.session.remove()
    return app


def stored_state() -> set:
    """The open findings as stored: rule, subject, severity, message and areas."""
    rows = db.session.execute(
        sa.select(Finding).where(Finding.status != FindingStatus.REMEDIATED).options(sa.orm.selectinload(Finding.areas))
    )
    return {
        (f.rule_code, f.subject_type.value, f.subject_ref, f.severity.value, f.message, tuple(a.ref for a in f.areas))
        for f in rows.scalars()
    }


def full_state(as_of: date) -> set:
    """What every rule raises over the whole register on `as_of`, in the same shape."""
    return {
        (i.rule, i.subject_type.value, i.subject_ref, i.severity.value, i.message, tuple(i.areas))
        for i in findings.evaluate_at(as_of)
    }
