"""The shipped JSON Schema: current, strict, and right about the spec's example."""

from __future__ import annotations

import copy
import json
from importlib.resources import files

import pytest
from jsonschema import Draft202012Validator

from compliance.exchange import schema_builder, validate
from tests.conftest import fixture_path

SHIPPED = files("compliance") / "schemas" / "register-v1.schema.json"


def test_the_shipped_schema_matches_the_field_tables():
    """Regenerate with `python -m compliance.exchange.schema_builder` after changing fields.py."""
    assert SHIPPED.read_text(encoding="utf-8") == schema_builder.text()


def test_it_is_a_valid_draft_2020_12_schema_and_every_object_is_closed():
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)

    def walk(node, path="$"):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, path
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(schema)


def test_personal_data_fields_are_marked():
    defs = json.loads(SHIPPED.read_text(encoding="utf-8"))["$defs"]
    marked = {
        (name, key)
        for name, d in defs.items()
        for key, p in d.get("properties", {}).items()
        if p.get("x-personal-data")
    }
    assert marked == {("dsa_party", "signatory_name"), ("attendee", "name")}


def test_the_spec_example_and_the_full_fixture_are_valid():
    for name in ("spec-example.json", "full-register.json"):
        assert validate.schema_problems(json.loads(fixture_path(name).read_text())) == []


def test_errors_name_the_path_and_what_is_allowed():
    doc = json.loads(fixture_path("spec-example.json").read_text())
    doc["version"] = 2
    doc["organisations"][0]["ref"] = "City_Council"
    del doc["organisations"][1]["name"]
    doc["data_flows"][0]["retention"]["period"] = None
    doc["data_flows"][0]["transfer_channel"] = "fax"
    doc["areas"][0]["designations"][0]["financial_year"] = "2021-22"
    problems = {str(p) for p in validate.schema_problems(doc)}
    assert problems == {
        "version: must be 1, not 2",
        'organisations[0].ref: "City_Council" is not a valid ref: use 1 to 64 characters of a-z, 0-9 and -',
        "organisations[1]: is missing the required key 'name'",
        "data_flows[0].retention.period: must be a string, not null",
        'data_flows[0].transfer_channel: "fax" is not allowed; use one of: pcm, cmis, secure_email, '
        "encrypted_portal, mash_email, unsecure_email, phone_verbal, in_meeting, paper, other",
        'areas[0].designations[0].financial_year: "2021-22" is not a financial year in the form "2021/22"',
    }


def test_a_truncated_file_says_so():
    text = fixture_path("spec-example.json").read_text()
    try:
        validate.parse(text[:200])
    except validate.InvalidDocument as error:
        assert error.problems[0].path == "(file)"
        assert error.problems[0].message.startswith("ends before the JSON is complete")
    else:
        raise AssertionError("a truncated file parsed")


def _set(path, value):
    def mutate(doc):
        *parents, last = path
        for part in parents:
            doc = doc[part]
        doc[last] = value

    return mutate


def _delete(path):
    def mutate(doc):
        *parents, last = path
        for part in parents:
            doc = doc[part]
        del doc[last]

    return mutate


@pytest.mark.parametrize(
    ("mutate", "path", "keyword"),
    [
        (_set(("data_flows", 0, "colour"), "red"), ["data_flows", 0], "additionalProperties"),
        (_set(("data_flows", 0, "transfer_channel"), "fax"), ["data_flows", 0, "transfer_channel"], "enum"),
        (_set(("data_flows", 0, "started_on"), "2021-13-45"), ["data_flows", 0, "started_on"], "format"),
        (_set(("data_flows", 0, "started_on"), "2021-02-30"), ["data_flows", 0, "started_on"], "format"),
        (_set(("organisations", 0, "ref"), "City-Council"), ["organisations", 0, "ref"], "pattern"),
        (_delete(("organisations", 0, "name")), ["organisations", 0], "required"),
        (_set(("version",), 2), ["version"], "const"),
        (_set(("data_flows", 0, "ropa_ref"), None), ["data_flows", 0, "ropa_ref"], "type"),
    ],
    ids=["unknown-key", "enum", "bad-date", "impossible-date", "uppercase-ref", "missing-name", "version", "null"],
)
def test_the_raw_validator_names_the_path_of_each_error(mutate, path, keyword):
    """Plain jsonschema, as anyone without this code would use the shipped file."""
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    doc = json.loads(fixture_path("spec-example.json").read_text())
    assert list(validator.iter_errors(doc)) == []
    broken = copy.deepcopy(doc)
    mutate(broken)
    errors = list(validator.iter_errors(broken))
    assert [(list(error.absolute_path), error.validator) for error in errors] == [(path, keyword)]
