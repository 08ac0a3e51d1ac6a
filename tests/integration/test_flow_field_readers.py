"""Which kinds of record read each field of a flow (rules.engine.FLOW_FIELD_READERS): a save that
changes only such fields refreshes the flow and, of the records it points at, those of the kinds
named (findings.refresh_after_change), not the areas of every organisation it involves. Each kind's
rules are run alone over a fresh view of a synthetic register on which every rule fires, and every
read of every flow's attributes is counted against that kind, whoever's rule made it: a read made
while building an index the view keeps counts for the kind whose rules built it, which is the kind
that reads through it too."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from compliance.models import DataFlow
from compliance.models.enums import SubjectType
from compliance.rules import base
from compliance.rules.engine import FLOW_FIELD_READERS, evaluate
from compliance.services import register, snapshot


def _readers() -> dict[str, set[SubjectType]]:
    """Flow attribute -> the subject kinds whose rules (names and areas of their findings included)
    read it, over the synthetic register."""
    attributes = {attr.key for attr in sa.inspect(DataFlow).attrs}
    plain = snapshot.mirror(DataFlow)
    readers: dict[str, set[SubjectType]] = defaultdict(set)
    current: list = [None]

    def traced_get(obj, name):
        if name in attributes:
            readers[name].add(current[0])
        return object.__getattribute__(obj, name)

    members = {"__getattribute__": traced_get}
    for name, value in vars(DataFlow).items():
        if isinstance(value, property):
            members[name] = property(value.fget)  # recomputed at each read, so each reaches its sources
    traced = type(plain.__name__, (plain,), members)
    as_of = register.default_as_of()
    fired = set()
    for kind in {spec.subject_type for spec in base.REGISTRY.values()}:
        ctx = register.rule_context(as_of)  # fresh: no index built by another kind's rules
        for flow in ctx.data_flows:
            flow.__class__ = traced
        current[0] = kind
        codes = [code for code, spec in base.REGISTRY.items() if spec.subject_type is kind]
        fired |= {item.rule for item in evaluate(ctx, codes)}
    assert fired == set(base.REGISTRY), "every rule fires, so the trace covers each"
    return readers


def test_each_flow_field_is_read_by_the_kinds_named_and_no_other(synthetic_register):
    readers = _readers()
    wrong = {
        field: sorted(kind.value for kind in readers[field] - kinds)
        for field, kinds in FLOW_FIELD_READERS.items()
        if readers[field] - kinds
    }
    assert not wrong, f"read by the rules of kinds not named: {wrong}"
    assert all(readers[field] for field in FLOW_FIELD_READERS), "the trace sees each field read"
