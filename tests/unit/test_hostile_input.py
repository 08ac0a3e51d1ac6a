"""Hostile input the pure layers must refuse with a clear message (never an exception): exchange
files too deep, with enormous numbers, repeated keys, control characters or millions of
problems; zip bombs posing as documents; control characters on their way into a workbook;
file names on their way into a Content-Disposition header."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from compliance.exchange import validate
from compliance.reports import workbook
from compliance.services import evidence
from compliance.views.edge import attachment
from tests.conftest import fixture_path


def spec_example() -> dict:
    return json.loads(fixture_path("spec-example.json").read_text())


def problems_of(text: str | bytes) -> list[str]:
    with pytest.raises(validate.InvalidDocument) as raised:
        doc = validate.parse(text)
        found = validate.schema_problems(doc)
        if found:
            raise validate.InvalidDocument(found)
    return [str(p) for p in raised.value.problems]


def test_a_file_nested_100000_deep_is_refused_by_name_not_by_recursion_error():
    assert problems_of("[" * 100_000 + "]" * 100_000) == ["(file): nests arrays or objects more than 32 deep"]
    assert problems_of('{"format": ' + "[" * 500 + "]" * 500 + "}") == [
        "format: nests arrays or objects more than 32 deep"
    ]


def test_a_5000_digit_integer_is_refused_with_where_it_is():
    doc = spec_example()
    text = json.dumps(doc).replace('"version": 1', '"version": ' + "9" * 5000)
    assert problems_of(text) == ["version: is a number of 5000 digits; numbers in a register file have at most 18"]
    assert problems_of("-" + "1" * 30) == [
        "(top level): is a number of 30 digits; numbers in a register file have at most 18"
    ]


def test_not_a_number_and_infinity_are_not_json():
    assert problems_of('{"version": NaN}') == ["version: NaN is not a JSON number"]
    assert problems_of('{"version": 1e999}') == ["version: 1e999 is too large a number"]


def test_an_out_of_range_integer_is_refused_by_the_schema():
    doc = spec_example()
    doc["panels"][0]["meetings"][0]["cases_discussed"] = 2**31
    found = problems_of(json.dumps(doc))
    assert found == ["panels[0].meetings[0].cases_discussed: must be at most 2147483647"]


def test_a_repeated_key_is_refused_naming_the_key_and_where():
    text = json.dumps(spec_example()).replace('"name": ', '"name": "first", "name": ', 1)
    found = problems_of(text)
    assert found == ["areas[0]: has the key 'name' more than once"]
    assert problems_of('{"format": 1, "format": 2}') == ["(top level): has the key 'format' more than once"]


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1f", "\ud800"])
def test_control_characters_and_lone_surrogates_in_text_are_refused(char):
    doc = spec_example()
    doc["data_flows"][0]["name"] = f"Referrals{char}to police"
    found = problems_of(json.dumps(doc))
    assert found == [
        "data_flows[0].name: contains a control character (such as NUL or vertical tab) or an unpaired surrogate, "
        "which a register cannot hold"
    ]


def test_line_breaks_and_tabs_stay_allowed_in_free_text():
    doc = spec_example()
    doc["data_flows"][0]["name"] = "Referrals\tto\r\npolice"
    assert validate.schema_problems(doc) == []


def test_a_file_with_a_million_problems_lists_the_first_thousand_and_how_many_more():
    doc = spec_example()
    flow = doc["data_flows"][0]
    doc["data_flows"] = [dict(flow, ref=f"flow-{i}", transfer_channel="pigeon", frequency="never") for i in range(6000)]
    problems = validate.schema_problems(doc)
    assert len(problems) == validate.PROBLEM_LIMIT == 1000
    # 500 flows listed with both their problems; each further flow counts as one at least.
    assert problems.beyond == 5500 and not problems.beyond_exact
    assert problems[0].path == "data_flows[0].frequency" and problems[-1].path == "data_flows[499].transfer_channel"
    error = validate.InvalidDocument(problems)
    assert error.summary() == "1,000 problems listed, and at least 5,500 more"

    few = validate.InvalidDocument([validate.Problem(f"x[{i}]", "wrong") for i in range(1005)])
    assert len(few.problems) == 1000 and few.summary() == "1,000 problems listed, and 5 more"


def zip_bytes(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_posing_as_an_odt_is_not_expanded(monkeypatch):
    bomb = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text" + b" " * 200_000_000})
    assert len(bomb) < 400_000
    read = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        handle = real_open(self, name, *args, **kwargs)
        original = handle.read
        handle.read = lambda n=-1: read.append(n) or original(n)
        return handle

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    assert evidence.detect_type(bomb) is None
    assert all(0 <= n <= 1024 for n in read), read  # never the whole entry


def test_real_odt_and_docx_are_still_recognised():
    odt = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}, compression=zipfile.ZIP_STORED)
    assert evidence.detect_type(odt) == "odt"
    assert evidence.detect_type(zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<d/>"})) == "docx"


def test_a_workbook_never_fails_on_control_characters_already_stored(tmp_path):
    assert workbook.clean_cell("Flow\x0bone\x01\x00 two\tthree\nfour") == "Flowone two\tthree\nfour"
    path = tmp_path / "register.xlsx"
    workbook.build(str(path), {}, [], as_of=date(2026, 1, 1), scope_text="Area\x0b\x01 one", generated_by="web:x\x00")
    read = load_workbook(path, read_only=True)  # read-only keeps the file open until closed
    values = [cell for row in read["Summary"].iter_rows(values_only=True) for cell in row]
    read.close()
    assert "Area one" in values and "web:x" in values


@pytest.mark.parametrize(
    "name, fallback, encoded",
    [
        ("signed-dsa.pdf", "signed-dsa.pdf", "signed-dsa.pdf"),
        ("DSA – signed.pdf", "DSA - signed.pdf", "DSA%20%E2%80%93%20signed.pdf"),
        (
            "x\"; filename*=UTF-8''evil.html; y=\".pdf",
            "x filename UTF-8 evil.html y .pdf",
            "x%22%3B%20filename%2A%3DUTF-8%27%27evil.html%3B%20y%3D%22.pdf",
        ),
        ("Ünïcödé\r\n\x00.pdf", "Unicode.pdf", "%C3%9Cn%C3%AFc%C3%B6d%C3%A9.pdf"),
    ],
)
def test_a_download_name_is_sent_as_an_ascii_fallback_and_rfc_5987_utf8(name, fallback, encoded):
    header = attachment(name)
    assert header == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    header.encode("latin-1")  # what a WSGI server must be able to send
    assert header.count("filename=") == 1 and header.count("filename*=") == 1
