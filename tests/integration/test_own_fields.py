"""The fields a record's own rules alone read (rules.engine.OWN_FIELDS): a save that changes only
these refreshes that record's findings alone (findings.refresh_after_change), so each field named
there must be read by no rule about another subject. Watched here over a synthetic register on
which every rule fires: every attribute read of every record is traced, with the subject whose
rule (or finding's name and areas) was being worked out at the time."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pytest
import sqlalchemy as sa

from compliance.exchange import fields as f
from compliance.models.enums import SubjectType
from compliance.rules import base, engine
from compliance.rules.engine import OWN_FIELDS, evaluate, subject_name
from compliance.services import register, snapshot

# The synthetic register fixture (12 areas, seed 3) is tests/integration/conftest.py's.


def _traced_reads(key: str, monkeypatch) -> dict[tuple[str, str], set]:
    """(record ref, attribute) -> the subjects being worked out when it was read, for every
    record of the `key` list, over a full evaluation at the register's date."""
    model = f.BY_KEY[key].model
    reads: dict[tuple[str, str], set] = defaultdict(set)
    current: list = [None]
    attributes = {attr.key for attr in sa.inspect(model).attrs}
    plain = snapshot.mirror(model)

    def traced_get(obj, name):
        if name in attributes:
            reads[(object.__getattribute__(obj, "__dict__")["ref"], name)].add(current[0])
        return object.__getattribute__(obj, name)

    members = {"__getattribute__": traced_get}
    # The model's properties recomputed at every read (the snapshot keeps them after the first),
    # so that each read reaches the attributes they derive from.
    for name, value in vars(model).items():
        if isinstance(value, property):
            members[name] = property(value.fget)
    traced = type(plain.__name__, (plain,), members)

    as_of = register.default_as_of()
    ctx = register.rule_context(as_of)
    for obj in getattr(ctx, key):
        obj.__class__ = traced

    # The subject is set for the time its rule is checked, and for the time the engine works out
    # a finding's name and areas (which it may do after checking the rule on every subject), and
    # is None otherwise: a read outside these counts as a read by another subject.
    def working_out(subject_type, subject, function, *args):
        current[0] = (subject_type, object.__getattribute__(subject, "__dict__")["ref"])
        try:
            return function(*args)
        finally:
            current[0] = None

    def watching(spec):
        def check(subject, ctx):
            return working_out(spec.subject_type, subject, spec.check, subject, ctx)

        return dataclasses.replace(spec, check=check)

    def naming(subject_type, subject):
        return working_out(subject_type, subject, subject_name, subject_type, subject)

    areas_of = ctx.areas_of
    ctx.areas_of = lambda subject_type, subject: working_out(subject_type, subject, areas_of, subject_type, subject)
    monkeypatch.setattr(engine, "subject_name", naming)
    registry = dict(base.REGISTRY)
    try:
        base.REGISTRY.update({code: watching(spec) for code, spec in registry.items()})
        raised = evaluate(ctx, list(registry))
    finally:
        base.REGISTRY.update(registry)
        monkeypatch.undo()
    assert {item.rule for item in raised} == set(registry), "every rule fires, so the trace covers each"
    return reads


@pytest.mark.parametrize("key", sorted(OWN_FIELDS))
def test_own_fields_are_read_only_while_their_records_own_findings_are_worked_out(synthetic_register, key, monkeypatch):
    subject_type = SubjectType(f.BY_KEY[key].subject)
    reads = _traced_reads(key, monkeypatch)
    others = defaultdict(set)
    for (ref, attribute), readers in reads.items():
        for reader in readers - {(subject_type, ref)}:
            others[attribute].add(reader if reader is None else reader[0].value)
    wrong = {attribute: sorted(map(str, others[attribute])) for attribute in OWN_FIELDS[key] if attribute in others}
    assert not wrong, f"read by the rules of other subjects: {wrong}"
    # The trace sees what it must: the fields other subjects' rules read, and the own fields read.
    assert {"status", "sender", "area"} <= set(others) if key == "data_flows" else others
    read = {attribute for _, attribute in reads}
    assert len(OWN_FIELDS[key] & read) >= len(OWN_FIELDS[key]) // 2
