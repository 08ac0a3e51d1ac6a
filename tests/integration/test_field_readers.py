"""Which kinds of record read each field of a record (rules.engine.FIELD_READERS): a save that
changes only such fields refreshes the record and, of the records it points at, those of the kinds
named (findings.refresh_after_change), not the areas of every organisation it involves. Each kind's
rules are run alone over a fresh view of a synthetic register on which every rule fires, and every
read of every record's attributes is counted against that kind, whoever's rule made it: a read made
while building an index the view keeps counts for the kind whose rules built it, which is the kind
that reads through it too."""

from __future__ import annotations

from collections import defaultdict

import pytest
import sqlalchemy as sa

from compliance.exchange import fields as f
from compliance.models.enums import SubjectType
from compliance.rules import base
from compliance.rules.engine import FIELD_READERS, evaluate
from compliance.services import register, snapshot


def _readers(key: str) -> dict[str, set[SubjectType]]:
    """Attribute of a `key` record -> the subject kinds whose rules (names and areas of their
    findings included) read it, over the synthetic register."""
    model = f.BY_KEY[key].model
    attributes = {attr.key for attr in sa.inspect(model).attrs}
    plain = snapshot.mirror(model)
    readers: dict[str, set[SubjectType]] = defaultdict(set)
    current: list = [None]

    def traced_get(obj, name):
        if name in attributes:
            readers[name].add(current[0])
        return object.__getattribute__(obj, name)

    members = {"__getattribute__": traced_get}
    for name, value in vars(model).items():
        if isinstance(value, property):
            members[name] = property(value.fget)  # recomputed at each read, so each reaches its sources
    traced = type(plain.__name__, (plain,), members)
    as_of = register.default_as_of()
    fired = set()
    for kind in {spec.subject_type for spec in base.REGISTRY.values()}:
        ctx = register.rule_context(as_of)  # fresh: no index built by another kind's rules
        for record in getattr(ctx, key):
            record.__class__ = traced
        current[0] = kind
        codes = [code for code, spec in base.REGISTRY.items() if spec.subject_type is kind]
        fired |= {item.rule for item in evaluate(ctx, codes)}
    assert fired == set(base.REGISTRY), "every rule fires, so the trace covers each"
    return readers


@pytest.mark.parametrize("key", sorted(FIELD_READERS))
def test_each_field_is_read_by_the_kinds_named_and_no_other(synthetic_register, key):
    readers = _readers(key)
    wrong = {
        field: sorted(kind.value for kind in readers[field] - kinds)
        for field, kinds in FIELD_READERS[key].items()
        if readers[field] - kinds
    }
    assert not wrong, f"read by the rules of kinds not named: {wrong}"
    assert all(readers[field] for field in FIELD_READERS[key]), "the trace sees each field read"
