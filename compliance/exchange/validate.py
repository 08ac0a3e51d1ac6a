"""Checking an exchange document before anything is written.

Two stages, both pure (no database): the JSON Schema shipped in the package, then the checks a
schema cannot express (unique refs, refs that point at nothing, real financial years). Every
problem is reported with its JSON path (`data_flows[3].lawful_bases[0].art6`) and a plain message.

Hostile files are refused by name, not by an exception: nesting deeper than MAX_DEPTH, numbers
longer than MAX_DIGITS digits, NaN and Infinity, and a key repeated in one object (JSON allows
it, but the last value would silently win). At most PROBLEM_LIMIT problems are listed; past that
the schema check only counts the further invalid records, and says "at least" that many more
(listing two million problems took minutes and gigabytes, and helps nobody).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from ..text import CONTROL_MESSAGE, SCHEMA_PATTERN
from . import fields as f

SCHEMA_RESOURCE = "schemas/register-v1.schema.json"
MAX_DEPTH = 32  # a register nests 8 deep (panels[].meetings[].attendees[].confidentiality)
MAX_DIGITS = 18
PROBLEM_LIMIT = 1000


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class Problems(list):
    """Problems found, at most PROBLEM_LIMIT of them; `beyond` more were found and not listed
    (exactly that many if `beyond_exact`, otherwise at least)."""

    beyond: int = 0
    beyond_exact: bool = True


class InvalidDocument(Exception):
    """Raised with the problems found (the first PROBLEM_LIMIT); nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.beyond = getattr(problems, "beyond", 0) + max(0, len(problems) - PROBLEM_LIMIT)
        self.beyond_exact = getattr(problems, "beyond_exact", True)
        self.problems = list(problems[:PROBLEM_LIMIT])
        super().__init__(self.summary())

    def summary(self) -> str:
        """How many problems are listed, and how many more there are."""
        listed = f"{len(self.problems):,} problem{'' if len(self.problems) == 1 else 's'}"
        if not self.beyond:
            return listed
        if self.beyond_exact:
            return f"{listed} listed, and {self.beyond:,} more"
        return f"{listed} listed, and at least {self.beyond:,} more"


@cache
def schema() -> dict[str, Any]:
    return json.loads((files("compliance") / SCHEMA_RESOURCE).read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _is_date(value: str) -> bool:
    """A real date in the form YYYY-MM-DD, as jsonschema's `date` format checks it."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def _fast_validator() -> Callable[[Any], Any]:
    """The same schema compiled to Python code: about twenty times faster than jsonschema on a
    national register, but it stops at the first problem. It only says whether a document is
    valid; jsonschema then lists every problem of an invalid one (tests check the two agree). The
    schema uses no keyword whose meaning changed between draft-07 and 2020-12."""
    compiled = dict(schema(), **{"$schema": "http://json-schema.org/draft-07/schema#"})
    return fastjsonschema.compile(compiled, formats={"date": _is_date})


def is_valid(doc: Any) -> bool:
    try:
        _fast_validator()(doc)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def json_path(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


class _Refused:
    """Stands in, while parsing, for a value the file may not hold, so that the walk after
    parsing can say where it is."""

    def __init__(self, message: str):
        self.message = message


class _RepeatedKeys(dict):
    repeated: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj = _RepeatedKeys(obj)
        obj.repeated = [key for key, _ in pairs if key in seen or seen.add(key)]
    return obj


def _integer(text: str) -> int | _Refused:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        return _Refused(f"is a number of {digits} digits; numbers in a register file have at most {MAX_DIGITS}")
    return int(text)


def _float(text: str) -> float | _Refused:
    value = float(text)
    return value if value not in (float("inf"), float("-inf")) else _Refused(f"{text[:40]} is too large a number")


def _constant(text: str) -> _Refused:
    return _Refused(f"{text} is not a JSON number")


def parse(text: str | bytes) -> Any:
    """The JSON text as Python data, or InvalidDocument naming where the text stops making sense,
    or where it holds something a register file may not (see the module's docstring)."""
    try:
        doc = json.loads(
            text, object_pairs_hook=_pairs, parse_int=_integer, parse_float=_float, parse_constant=_constant
        )
    except UnicodeDecodeError as error:
        raise InvalidDocument([Problem("(file)", f"is not UTF-8 text ({error.reason})")]) from None
    except json.JSONDecodeError as error:
        what = "ends before the JSON is complete" if _unfinished(error.doc) else "is not valid JSON"
        message = f"{what}: {error.msg} at line {error.lineno}, column {error.colno}"
        raise InvalidDocument([Problem("(file)", message)]) from None
    except RecursionError:
        raise InvalidDocument([Problem("(file)", f"nests arrays or objects more than {MAX_DEPTH} deep")]) from None
    problems = _shape_problems(doc)
    if problems:
        raise InvalidDocument(problems)
    return doc


def _shape_problems(doc: Any) -> list[Problem]:
    """What parsing let through and a register file may not hold, with where it is: nesting
    deeper than MAX_DEPTH, repeated keys, refused numbers. One pass over the containers."""
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple]] = [(doc, ())]
    while stack and len(problems) < PROBLEM_LIMIT:
        node, path = stack.pop()
        if isinstance(node, _Refused):
            problems.append(Problem(json_path(path), node.message))
            continue
        if len(path) >= MAX_DEPTH and isinstance(node, (dict, list)):
            where = list(path[:8])  # named by the key that holds it, not by 32 indexes
            while where and isinstance(where[-1], int):
                where.pop()
            problems.append(Problem(json_path(where), f"nests arrays or objects more than {MAX_DEPTH} deep"))
            continue
        if isinstance(node, _RepeatedKeys):
            problems.extend(Problem(json_path(path), f"has the key {key!r} more than once") for key in node.repeated)
        if isinstance(node, dict):
            stack.extend(
                (value, (*path, key)) for key, value in node.items() if isinstance(value, (dict, list, _Refused))
            )
        elif isinstance(node, list):
            stack.extend(
                (value, (*path, i)) for i, value in enumerate(node) if isinstance(value, (dict, list, _Refused))
            )
    return sort_problems(problems)


def _unfinished(text: str) -> bool:
    """True if the text stops inside a string or with brackets still open: a truncated file."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return in_string or depth > 0 or not text.strip()


def _shown(value: Any) -> str:
    """A value as a message quotes it: short, and never a whole array or object."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _message(error: ValidationError) -> str:
    value = error.instance
    match error.validator:
        case "enum":
            return f"{_shown(value)} is not allowed; use one of: {', '.join(map(str, error.validator_value))}"
        case "const":
            return f"must be {json.dumps(error.validator_value)}, not {_shown(value)}"
        case "required":
            missing = [key for key in error.validator_value if key not in value]
            return f"is missing the required key {', '.join(repr(k) for k in missing)}"
        case "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            unknown = sorted(key for key in value if key not in allowed)
            return f"has the unknown key {', '.join(repr(k) for k in unknown)}; allowed keys: {', '.join(allowed)}"
        case "type":
            expected = error.validator_value
            expected = " or ".join(expected) if isinstance(expected, list) else expected
            article = "an" if str(expected)[0] in "aeiou" else "a"
            return f"must be {article} {expected}, not {_shown(value)}"
        case "format" if error.validator_value == "date":
            return f"{_shown(value)} is not a real date in the form YYYY-MM-DD"
        case "pattern":
            return _pattern_message(value, error.validator_value)
        case "minLength":
            return "must not be empty"
        case "maxLength":
            return f"is longer than {error.validator_value} characters"
        case "minimum" | "maximum":
            return f"must be at {'least' if error.validator == 'minimum' else 'most'} {error.validator_value}"
        case "uniqueItems":
            return "lists the same value more than once"
    return error.message


def _pattern_message(value: Any, pattern: str) -> str:
    if pattern == SCHEMA_PATTERN:  # not echoed: the character would not show
        return f"{CONTROL_MESSAGE}, which a register cannot hold"
    return f"{_shown(value)} {_pattern_hint(pattern)}"


def _pattern_hint(pattern: str) -> str:
    if "a-z0-9-" in pattern:
        return "is not a valid ref: use 1 to 64 characters of a-z, 0-9 and -"
    if "/" in pattern:
        return 'is not a financial year in the form "2021/22"'
    if r"\d{4}-" in pattern:
        return "is not a date in the form YYYY-MM-DD"
    return f"does not match the pattern {pattern}"


def schema_problems(doc: Any) -> Problems:
    """The document's problems against the schema: the first PROBLEM_LIMIT, and a count of the
    rest. Records are checked one by one with the compiled schema, and jsonschema (slow: about
    2 ms a record) lists the problems of invalid ones only until PROBLEM_LIMIT are found; past
    that each further invalid record counts as one more problem, so `beyond` is "at least"."""
    found = Problems()
    if is_valid(doc):
        return found
    collected: set[Problem] = set()
    found.beyond = 0

    def collect(errors: Iterable[ValidationError], prefix: tuple) -> None:
        for error in errors:
            if len(collected) >= PROBLEM_LIMIT:
                found.beyond += 1  # this record has more: one at least
                return
            collected.add(Problem(json_path((*prefix, *error.absolute_path)), _message(error)))

    per_record = _record_validators()
    if isinstance(doc, dict):  # the top level without the records, then the records
        top = {key: [] if key in per_record and isinstance(value, list) else value for key, value in doc.items()}
        collect(_validator().iter_errors(top), ())
        for key, (compiled, listing) in per_record.items():
            records = doc.get(key)
            for index, record in enumerate(records if isinstance(records, list) else ()):
                try:
                    compiled(record)
                except fastjsonschema.JsonSchemaException:
                    if len(collected) >= PROBLEM_LIMIT:
                        found.beyond += 1
                    else:
                        collect(listing.iter_errors(record), (key, index))
    else:
        collect(_validator().iter_errors(doc), ())
    found.beyond_exact = found.beyond == 0
    found.extend(sort_problems(collected))
    return found


@cache
def _record_validators() -> dict[str, tuple[Callable[[Any], Any], Draft202012Validator]]:
    """Per record list, the schema of one record (its $refs written out in place, which makes
    jsonschema about twice as fast): compiled, and for listing problems."""
    defs = schema()["$defs"]
    validators = {}
    for record_type in f.RECORD_TYPES:
        one = _inline(defs[record_type.subject], defs)
        compiled = fastjsonschema.compile(
            dict(one, **{"$schema": "http://json-schema.org/draft-07/schema#"}), formats={"date": _is_date}
        )
        validators[record_type.key] = (compiled, Draft202012Validator(one, format_checker=_validator().format_checker))
    return validators


def _inline(node: Any, defs: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
            return {**target, **{k: _inline(v, defs) for k, v in node.items() if k != "$ref"}}
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in document order (`data_flows[2]` before `data_flows[10]`), then by message."""
    return sorted(problems, key=lambda p: (_path_key(p.path), p.message))


def _path_key(path: str) -> list:
    return [int(token) if token.isdigit() else token for token in re.split(r"[.\[\]]+", path) if token]


# --- checks the schema cannot express ---------------------------------------------------------


def pointers(record_key: str, record: Mapping[str, Any]) -> Iterable[tuple[str, str, str]]:
    """(relative path, target list, ref) for every ref a record points at."""
    record_type = f.BY_KEY[record_key]
    for field in record_type.fields:
        if field.kind == "ref" and field.key in record:
            yield field.key, field.target, record[field.key]
        elif field.kind == "refs":
            for index, ref in enumerate(record.get(field.key, ())):
                yield f"{field.key}[{index}]", field.target, ref
    nested_pointers = {
        "data_flows": [("lawful_bases", "party")],
        "dsas": [("parties", "organisation")],
    }
    for list_key, ref_key in nested_pointers.get(record_key, ()):
        for index, item in enumerate(record.get(list_key, ())):
            yield f"{list_key}[{index}].{ref_key}", "organisations", item[ref_key]
    if record_key == "panels":
        for m, meeting in enumerate(record.get("meetings", ())):
            for a, attendee in enumerate(meeting.get("attendees", ())):
                yield f"meetings[{m}].attendees[{a}].organisation", "organisations", attendee["organisation"]


def referenced_refs(doc: Mapping[str, Any]) -> dict[str, set[str]]:
    """Per list name, the refs the document points at that it does not itself hold."""
    held = {key: {record["ref"] for record in doc.get(key, ())} for key in f.BY_KEY}
    wanted: dict[str, set[str]] = {key: set() for key in f.BY_KEY}
    for key in f.BY_KEY:
        for record in doc.get(key, ()):
            for _, target, ref in pointers(key, record):
                if ref not in held[target]:
                    wanted[target].add(ref)
    if "holder" in doc and doc["holder"] not in held["organisations"]:
        wanted["organisations"].add(doc["holder"])
    return wanted


def semantic_problems(
    doc: Mapping[str, Any],
    existing: Mapping[str, set[str]],
    meeting_owner: Callable[[str], str | None] = lambda ref: None,
) -> list[Problem]:
    """Problems in a schema-valid document. `existing`: per list name, the refs the database
    already holds (only those the document points at need be given). `meeting_owner`: the ref of
    the panel a meeting ref already belongs to in the database, if any."""
    problems: list[Problem] = []
    held = {key: {record["ref"] for record in doc.get(key, ())} for key in f.BY_KEY}
    for key in f.BY_KEY:
        records = doc.get(key, ())
        counts = Counter(record["ref"] for record in records)
        for index, record in enumerate(records):
            if counts[record["ref"]] > 1:
                problems.append(Problem(f"{key}[{index}].ref", f"{record['ref']!r} is used by more than one record"))
            for relative, target, ref in pointers(key, record):
                if ref not in held[target] and ref not in existing.get(target, set()):
                    what = f.BY_KEY[target].subject.replace("_", " ")
                    problems.append(
                        Problem(
                            f"{key}[{index}].{relative}",
                            f"points at {what} {ref!r}, which is neither in the file nor in the register",
                        )
                    )
            problems.extend(_record_problems(key, index, record, meeting_owner))
    problems.extend(_meeting_refs(doc))
    holder = doc.get("holder")
    if holder is not None and holder not in held["organisations"] and holder not in existing.get("organisations", ()):
        problems.append(
            Problem("holder", f"points at organisation {holder!r}, which is neither in the file nor in the register")
        )
    return problems


def _record_problems(key: str, index: int, record: Mapping[str, Any], meeting_owner) -> Iterable[Problem]:
    at = f"{key}[{index}]"
    if "archived_reason" in record and "archived_on" not in record:
        yield Problem(f"{at}.archived_reason", "an archived_reason needs the archived_on date it explains")
    if key == "areas":
        yield from _designation_problems(at, record.get("designations", ()))
    elif key == "data_flows":
        yield from _one_per_party(f"{at}.lawful_bases", record.get("lawful_bases", ()), "party")
    elif key == "dsas":
        yield from _one_per_party(f"{at}.parties", record.get("parties", ()), "organisation")
    elif key == "panels":
        for m, meeting in enumerate(record.get("meetings", ())):
            owner = meeting_owner(meeting["ref"])
            if owner is not None and owner != record["ref"]:
                yield Problem(
                    f"{at}.meetings[{m}].ref", f"meeting {meeting['ref']!r} already belongs to panel {owner!r}"
                )


def _designation_problems(at: str, designations) -> Iterable[Problem]:
    seen = set()
    for d, designation in enumerate(designations):
        year = designation["financial_year"]
        start, end = int(year[:4]), int(year[5:])
        if end != (start + 1) % 100:
            yield Problem(
                f"{at}.designations[{d}].financial_year",
                f'"{year}" is not a financial year: write "{start}/{(start + 1) % 100:02d}"',
            )
        if (designation["kind"], year) in seen:
            yield Problem(f"{at}.designations[{d}]", f"repeats the {designation['kind']} designation for {year}")
        seen.add((designation["kind"], year))


def _one_per_party(at: str, items, ref_key: str) -> Iterable[Problem]:
    seen = set()
    for i, item in enumerate(items):
        if item[ref_key] in seen:
            yield Problem(f"{at}[{i}].{ref_key}", f"{item[ref_key]!r} is listed twice: give one entry per party")
        seen.add(item[ref_key])


def _meeting_refs(doc: Mapping[str, Any]) -> Iterable[Problem]:
    seen: dict[str, str] = {}
    for p, panel in enumerate(doc.get("panels", ())):
        for m, meeting in enumerate(panel.get("meetings", ())):
            path = f"panels[{p}].meetings[{m}].ref"
            if meeting["ref"] in seen:
                yield Problem(
                    path,
                    f"{meeting['ref']!r} is already used by {seen[meeting['ref']]}: "
                    "meeting refs are unique across the register",
                )
            else:
                seen[meeting["ref"]] = path
