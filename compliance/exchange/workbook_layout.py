"""The exchange workbook's layout: which sheet and column holds each exchange-format field, and the
conversion of a document to rows and of rows back to a document. Pure: no openpyxl, no database.

One sheet per record type, one row per record, one column per field (a nested object such as
`retention` or a checklist is a column per key: "Retention: period"). Nested lists are sheets of
their own whose first column is the parent's ref: designations, lawful bases, DSA parties, DSA
redactions, panel meetings and meeting attendees (with their confidentiality record). Row 1 holds
the column labels, row 2 the field names (hidden), records start on row 3.

Cells: text as text; whole numbers as numbers; Yes/No; dates as dates; a coded value as its
display label (labels.py; the code itself is accepted too); a list of refs as "a, b"; a list of
coded values as "Label one; Label two"; an empty list that means something as "(none)".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from ..labels import SHEET_TITLES, field_label, value_label
from . import fields as f
from .schema_builder import BOOLEANS, INTEGERS, REQUIRED
from .validate import Problem, json_path

NONE_WORD = "(none)"
README = "Read me"  # sheets that are not record types
LISTS = "Lists"
AS_OF_NAME = "register_as_of"  # the defined name of the register date's cell
DATA_ROW = 3  # the first row of records; row 1 labels, row 2 field names


class Formula(str):
    """A cell holding a formula, as the reader found it."""


@dataclass(frozen=True)
class Column:
    path: tuple[str, ...]  # keys inside the row's object: ("transfer_channel",), ("retention", "period")
    kind: str  # text, integer, boolean, date, enum, ref, refs, enums, parent
    label: str
    required: bool = False
    enum: Any = None
    keep_empty: bool = False

    @property
    def name(self) -> str:
        return ".".join(self.path)

    def labels(self) -> list[str]:
        """The display labels of an enumerated column's values, in the enum's order."""
        return [value_label(self.path[-1], member.value) for member in self.enum] if self.enum else []


@dataclass(frozen=True)
class Sheet:
    title: str
    key: str  # the list's key in the document ("data_flows") or in its parent ("lawful_bases")
    struct: str  # the structure's name in the schema ("data_flow", "lawful_basis")
    columns: tuple[Column, ...]
    parent: str | None = None  # the parent sheet's key
    parent_field: str = ""  # the name of the column holding the parent's ref

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _kind(field_: f.Field) -> str:
    if field_.kind == "value":
        return "boolean" if field_.key in BOOLEANS else "integer" if field_.key in INTEGERS else "text"
    return field_.kind


def _columns(struct: str, fields_: Iterable[f.Field], prefix: tuple[str, ...] = ()) -> list[Column]:
    columns = []
    required = set(REQUIRED.get(struct, ())) if not prefix else set()
    for field_ in fields_:
        if field_.kind == "checklist":
            for item in field_.items:
                label = f"{field_label(field_.key)}: {item.replace('_', ' ')}"
                columns.append(Column((field_.key, item), "boolean", label))
            continue
        label = field_label(field_.key, struct)
        if prefix:
            label = f"{field_label(prefix[0])}: {label[0].lower()}{label[1:]}"
        columns.append(
            Column(
                (*prefix, field_.key),
                _kind(field_),
                label,
                field_.key in required,
                field_.enum,
                field_.keep_empty,
            )
        )
    return columns


def _parent(name: str, label: str) -> Column:
    return Column((name,), "parent", label, True)


def _record_columns(record_type: f.RecordType) -> tuple[Column, ...]:
    """A record type's columns in the document's key order, nested objects flattened in place."""
    inline = {"subjects": f.SUBJECTS, "retention": f.RETENTION}
    after = {anchor: key for key, anchor in f.NESTED_AFTER.get(record_type.key, {}).items() if key in inline}
    columns: list[Column] = []
    for field_ in record_type.fields:
        columns += _columns(record_type.subject, [field_])
        if field_.key in after:
            nested = after[field_.key]
            columns += _columns(record_type.subject, inline[nested], (nested,))
    return tuple(columns)


def _build() -> tuple[Sheet, ...]:
    titles = SHEET_TITLES
    sheets = [Sheet(titles[rt.key], rt.key, rt.subject, _record_columns(rt)) for rt in f.RECORD_TYPES]
    attendee = _columns("attendee", f.ATTENDEE) + _columns("confidentiality", f.CONFIDENTIALITY, ("confidentiality",))
    children = [
        ("Designations", "designations", "designation", "areas", _parent("area", "Area"), f.DESIGNATION),
        (
            "Lawful bases",
            "lawful_bases",
            "lawful_basis",
            "data_flows",
            _parent("data_flow", "Data flow"),
            f.LAWFUL_BASIS,
        ),
        ("DSA parties", "parties", "dsa_party", "dsas", _parent("dsa", "DSA"), f.DSA_PARTY),
        ("DSA redactions", "redactions", "redaction", "dsas", _parent("dsa", "DSA"), f.REDACTION),
        ("Panel meetings", "meetings", "meeting", "panels", _parent("panel", "Panel"), f.MEETING),
        ("Meeting attendees", "attendees", "attendee", "meetings", _parent("meeting", "Meeting"), None),
    ]
    for title, key, struct, parent, parent_column, child_fields in children:
        columns = _columns(struct, child_fields) if child_fields else attendee
        sheets.append(Sheet(title, key, struct, (parent_column, *columns), parent, parent_column.name))
    return tuple(sheets)


SHEETS: tuple[Sheet, ...] = _build()
BY_TITLE: dict[str, Sheet] = {sheet.title: sheet for sheet in SHEETS}
BY_KEY: dict[str, Sheet] = {sheet.key: sheet for sheet in SHEETS}
CHILD_SHEETS: dict[str, list[Sheet]] = {}
for _sheet in SHEETS:
    if _sheet.parent:
        CHILD_SHEETS.setdefault(_sheet.parent, []).append(_sheet)


# --- document to rows --------------------------------------------------------------------------


def _cell(column: Column, value: Any) -> Any:
    """One exchange-format value as a cell holds it."""
    if value is None:
        return None
    match column.kind:
        case "boolean":
            return "Yes" if value else "No"
        case "date":
            return date.fromisoformat(value)
        case "enum":
            return value_label(column.path[-1], value)
        case "refs":
            return ", ".join(value) if value else NONE_WORD
        case "enums":
            return "; ".join(value_label(column.path[-1], v) for v in value) if value else NONE_WORD
    return value


def _row(sheet: Sheet, item: Mapping[str, Any], parent_ref: str | None = None) -> list[Any]:
    row = []
    for column in sheet.columns:
        if column.kind == "parent":
            row.append(parent_ref)
            continue
        value: Any = item
        for key in column.path:
            value = value.get(key) if isinstance(value, Mapping) else None
        row.append(_cell(column, value))
    return row


def sheet_rows(doc: Mapping[str, Any], sheet: Sheet) -> Iterator[list[Any]]:
    """One sheet's rows (cell values, in column order), made as the sheet is written: a national
    register's rows are never all in memory at once."""
    chain = [sheet]
    while chain[0].parent:
        chain.insert(0, BY_KEY[chain[0].parent])
    last = len(chain) - 1

    def walk(items: Any, depth: int, parent_ref: str | None) -> Iterator[list[Any]]:
        for item in items:
            if depth == last:
                yield _row(chain[depth], item, parent_ref)
            else:
                yield from walk(item.get(chain[depth + 1].key, ()), depth + 1, item["ref"])

    return walk(doc.get(chain[0].key, ()), 0, None)


# --- rows to document --------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


class CellProblem(ValueError):
    pass


def _shown(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


@cache
def _enum_lookup(column: Column) -> dict[str, str]:
    lookup = {}
    for member in column.enum:
        lookup[member.value.casefold()] = member.value
        lookup[value_label(column.path[-1], member.value).casefold()] = member.value
    return lookup


def convert(column: Column, value: Any) -> Any:
    """A cell's value as the exchange format holds it; None for a blank cell. Raises CellProblem."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, Formula):
        raise CellProblem(f"holds a formula ({_shown(value)}); type the value itself")
    return _CONVERTERS[column.kind](column, value)


def _text(column: Column, value: Any) -> str:
    if isinstance(value, bool):
        raise CellProblem(f"{_shown(value)} is not text")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _integer(column: Column, value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,18}\s*", value):
        return int(value)
    raise CellProblem(f"{_shown(value)} is not a whole number")


def _boolean(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in _YES or word in _NO:
        return word in _YES
    raise CellProblem(f"{_shown(value)} is not Yes or No")


def _date(column: Column, value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if isinstance(value, str) and _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise CellProblem(f"{_shown(value)} is text, not a date: enter a date (for example 2021-03-31)")


def _enum(column: Column, value: Any) -> str:
    found = _enum_lookup(column).get(str(value).strip().casefold())
    if found is None:
        raise CellProblem(f"{_shown(value)} is not one of: {', '.join(column.labels())}")
    return found


def _ref(column: Column, value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


def _refs(column: Column, value: Any) -> list[str]:
    items = str(value).strip()
    if items.casefold() == NONE_WORD:
        return []
    return [item for item in re.split(r"[,;\s]+", items) if item]


def _enums(column: Column, value: Any) -> list[str]:
    items = str(value).strip()
    if items.casefold() == NONE_WORD:
        return []
    lookup = _enum_lookup(column)
    out = []
    for item in (part.strip() for part in re.split(r"[;\n]", items)):
        if not item:
            continue
        if item.casefold() not in lookup:
            raise CellProblem(f"{_shown(item)} is not one of: {'; '.join(column.labels())}")
        out.append(lookup[item.casefold()])
    return out


_CONVERTERS: dict[str, Callable[[Column, Any], Any]] = {
    "text": _text,
    "integer": _integer,
    "boolean": _boolean,
    "date": _date,
    "enum": _enum,
    "ref": _ref,
    "parent": _ref,
    "refs": _refs,
    "enums": _enums,
}


@dataclass
class Located:
    """Where each part of a document built from a workbook came from, to report problems by cell."""

    rows: dict[str, tuple[Sheet, int]] = field(default_factory=dict)  # JSON path -> (sheet, row number)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet title -> column name -> letter

    def where(self, sheet: Sheet, row: int, column: Column | None) -> str:
        if column is None or column.name not in self.letters.get(sheet.title, {}):
            return f"{sheet.title}!row {row}"
        return f"{sheet.title}!{self.letters[sheet.title][column.name]}{row} ({column.label})"

    def problem(self, problem: Problem) -> Problem:
        """A problem with a JSON path, as a problem at a cell (the JSON path kept in the message)."""
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", problem.path)
        for end in range(len(parts), 0, -1):
            prefix = "".join(p if p.startswith("[") else ("." + p if i else p) for i, p in enumerate(parts[:end]))
            if prefix in self.rows:
                sheet, row = self.rows[prefix]
                rest = [p for p in parts[end:] if not p.startswith("[")]
                column = sheet.column(".".join(rest[:2])) or (sheet.column(rest[0]) if rest else None)
                missing = re.match(r"is missing the required key '([a-z0-9_]+)'$", problem.message)
                if column is None and missing:
                    column = sheet.column(missing.group(1))
                return Problem(self.where(sheet, row, column), f"{problem.message} [{problem.path}]")
        return problem


# A source of rows: for each sheet title, its column names (in the file's order, None for a
# column left blank) and its rows as (row number, values).
Rows = Callable[[Sheet], tuple[list[str | None], Iterator[tuple[int, list[Any]]]] | None]


def document(source: Rows, as_of: str | None, problems: list[Problem]) -> tuple[dict[str, Any], Located]:
    """Build a document from the sheets `source` gives. Problems of a cell, a row or a column are
    appended to `problems` (a cell that cannot be read leaves its field out)."""
    located = Located()
    doc: dict[str, Any] = {"format": "prevent-compliance-register", "version": 1}
    if as_of:
        doc["as_of"] = as_of
    parents: dict[str, dict[str, tuple[dict[str, Any], str]]] = {}  # sheet key -> ref -> (item, path)
    for sheet in SHEETS:
        given = source(sheet)
        if given is None:
            continue
        names, sheet_rows = given
        letters = {name: column_letter(i) for i, name in enumerate(names) if name}
        located.letters[sheet.title] = letters
        items = parents.setdefault(sheet.key, {})
        columns = [sheet.column(name) if name else None for name in names]
        for number, values in sheet_rows:
            item = _item(sheet, columns, values, number, located, problems)
            if sheet.parent is None:
                path = f"{sheet.key}[{len(doc.setdefault(sheet.key, []))}]"
                doc[sheet.key].append(item)
            else:
                parent_ref = item.pop(sheet.parent_field, None)
                owner = parents.get(sheet.parent, {}).get(parent_ref) if parent_ref else None
                if owner is None:
                    column = sheet.columns[0]
                    what = BY_KEY[sheet.parent].title
                    message = (
                        f"no row of {what} has the ref {parent_ref!r}"
                        if parent_ref
                        else f"name the {column.label.lower()}"
                    )
                    problems.append(Problem(located.where(sheet, number, column), message))
                    continue
                children = owner[0].setdefault(sheet.key, [])
                path = f"{owner[1]}.{sheet.key}[{len(children)}]"
                children.append(item)
            located.rows[path] = (sheet, number)
            if "ref" in item:
                items.setdefault(item["ref"], (item, path))
    for dsa in doc.get("dsas", ()):
        dsa.setdefault("parties", [])  # required: a DSA's parties are on their own sheet
    return doc, located


def _item(sheet, columns, values, number, located, problems) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for column, value in zip(columns, values, strict=False):
        if column is None or value is None:
            continue
        try:
            converted = convert(column, value)
        except CellProblem as problem:
            problems.append(Problem(located.where(sheet, number, column), str(problem)))
            continue
        if converted is None:
            continue
        target = item
        for key in column.path[:-1]:
            target = target.setdefault(key, {})
        target[column.path[-1]] = converted
    return item


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def problem_order(problem: Problem) -> tuple:
    """Problems by sheet (in the layout's order), then row, then column."""
    match = re.match(r"(.+?)!(?:row )?([A-Z]*)(\d+)", problem.path)
    if not match or match.group(1) not in BY_TITLE:
        return (len(SHEETS), 0, 0, "", problem.path)
    sheet = SHEETS.index(BY_TITLE[match.group(1)])
    letters = match.group(2)
    return (sheet, int(match.group(3)), len(letters), letters, problem.path)


__all__ = ["SHEETS", "BY_TITLE", "DATA_ROW", "Formula", "Located", "document", "json_path", "sheet_rows"]
