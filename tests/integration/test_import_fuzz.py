"""Property-based tests of the importer: thousands of documents shaped by the shipped JSON Schema
(hypothesis-jsonschema) and of mutations of a full register. Whatever the input, an import either
raises its own InvalidDocument and writes nothing, or succeeds, and what it wrote round-trips:
exporting it and importing that export into an empty register gives the same export again.

The default profile keeps CI's run short; `HYPOTHESIS_PROFILE=deep` runs many more examples.
"""

from __future__ import annotations

import copy
import functools
import json
import os

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import _from_schema, from_schema

from compliance.exchange import validate
from compliance.exchange.validate import InvalidDocument
from compliance.extensions import db
from compliance.models import AuditEvent
from compliance.services import exchange
from tests.conftest import empty_database, fixture_path

settings.register_profile(
    "ci",
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# hypothesis-jsonschema builds a new regex strategy for every pattern it meets on every draw (the
# schema's refs, dates and free text: two thousand for fifteen documents, most of the time the
# test took). A strategy is a value, the same for the same pattern and alphabet: build each once.
_from_schema.from_js_regex = functools.lru_cache(maxsize=None)(_from_schema.from_js_regex)

FULL = json.loads(fixture_path("full-register.json").read_text())


def state() -> tuple[str, int]:
    db.session.remove()
    text = json.dumps(exchange.export_document(), sort_keys=True)
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0
    db.session.remove()
    return text, entries


def import_and_check(text: str) -> bool:
    """Import `text` into the current register. True if it was imported; either way the outcome
    must be one of the two the contract allows."""
    before = state()
    try:
        exchange.import_text(text, actor="fuzz", source="import")
    except InvalidDocument as error:
        assert error.problems, "an InvalidDocument names at least one problem"
        assert all(problem.path and problem.message for problem in error.problems)
        assert state() == before, "a refused import wrote something"
        event("refused")
        return False
    exported = exchange.export_document()
    db.session.remove()  # its transaction would hold the tables TRUNCATE must lock on PostgreSQL
    empty_database()
    db.session.remove()
    exchange.import_text(json.dumps(exported), actor="fuzz", source="import")
    assert exchange.export_document() == exported, "the export of an import does not round-trip"
    event("imported and round-tripped")
    return True


@pytest.fixture
def fresh(app):
    def reset() -> None:
        db.session.remove()
        empty_database()

    return reset


@given(doc=from_schema(validate.schema()))
def test_schema_shaped_documents_import_or_are_refused_cleanly(fresh, doc):
    fresh()
    import_and_check(json.dumps(doc))


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


PATHS = [path for path in _paths(FULL) if path]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=10,
)
MUTATION = st.tuples(
    st.sampled_from(PATHS),
    st.sampled_from(["delete", "replace", "duplicate", "ref", "control"]),
    JSON_VALUES,
)


def mutate(doc, path, how, value):
    *parents, last = path
    target = doc
    for step in parents:
        target = target[step]
    if how == "delete":
        del target[last]
    elif how == "replace":
        target[last] = value
    elif how == "duplicate" and isinstance(target, list):
        target.append(copy.deepcopy(target[last]))
    elif how == "ref" and isinstance(target[last], str):
        target[last] = target[last] + "-elsewhere"
    elif how == "control" and isinstance(target[last], str):
        target[last] = target[last] + "\x00\x0b"
    else:
        target[last] = value


@given(mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_registers_import_or_are_refused_cleanly(fresh, mutations):
    fresh()
    doc = copy.deepcopy(FULL)
    for path, how, value in mutations:
        try:
            mutate(doc, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed what this one pointed at
    import_and_check(json.dumps(doc))


@given(mutations=st.lists(MUTATION, min_size=1, max_size=2))
def test_a_refused_import_leaves_a_register_exactly_as_it_was(fresh, mutations):
    fresh()
    exchange.import_text(json.dumps(FULL), actor="fuzz", source="import")
    doc = copy.deepcopy(FULL)
    for path, how, value in mutations:
        try:
            mutate(doc, path, how, value)
        except (KeyError, IndexError, TypeError):
            continue
    before = state()
    try:
        exchange.import_text(json.dumps(doc), actor="fuzz", source="import")
    except InvalidDocument:
        assert state() == before
