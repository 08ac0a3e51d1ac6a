"""G30: an area's designations, and the financial year (1 April to 31 March) containing as_of."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.rules.areas import financial_year

from .builders import baseline, designation

AREA_FINDING = [("DESIGNATION_UNSOURCED", "city", "low")]


@pytest.mark.parametrize("source", [None, ""])
def test_g30_a_designation_without_a_source(source):
    reg = baseline()
    reg.area.designations[0].source = source
    assert reg.raised("DESIGNATION_UNSOURCED") == AREA_FINDING
    assert "prevent priority area 2026/27" in reg.message("DESIGNATION_UNSOURCED")


def test_g30_an_unsourced_designation_of_another_year_still_fires():
    reg = baseline()
    reg.area.designations.append(designation("dovetail_area", "2025/26", source=None))
    assert reg.raised("DESIGNATION_UNSOURCED") == AREA_FINDING
    assert "dovetail area 2025/26" in reg.message("DESIGNATION_UNSOURCED")


@pytest.mark.parametrize("kind", ["prevent_priority_area", "dovetail_area"])
def test_g30_no_designation_of_a_kind_for_the_year_of_as_of(kind):
    reg = baseline()
    reg.area.designations = [d for d in reg.area.designations if d.kind.value != kind]
    assert reg.raised("DESIGNATION_UNSOURCED") == AREA_FINDING
    assert f"no {kind.replace('_', ' ')} designation is recorded for 2026/27" in reg.message("DESIGNATION_UNSOURCED")


def test_g30_no_designations_at_all():
    reg = baseline()
    reg.area.designations = []
    assert reg.raised("DESIGNATION_UNSOURCED") == AREA_FINDING


def test_g30_designations_for_another_year_only():
    reg = baseline()
    reg.area.designations = [designation("prevent_priority_area", "2025/26"), designation("dovetail_area", "2025/26")]
    assert reg.raised("DESIGNATION_UNSOURCED") == AREA_FINDING


@pytest.mark.parametrize(
    ("as_of", "year"),
    [
        (date(2026, 11, 25), "2026/27"),
        (date(2026, 4, 1), "2026/27"),
        (date(2027, 2, 1), "2026/27"),
        (date(2027, 3, 31), "2026/27"),
    ],
)
def test_g30_the_baseline_designations_cover_every_day_of_2026_27(as_of, year):
    assert financial_year(as_of) == year
    assert baseline().raised("DESIGNATION_UNSOURCED", as_of=as_of) == []


@pytest.mark.parametrize("as_of", [date(2027, 4, 1), date(2026, 3, 31)])
def test_g30_fires_once_as_of_leaves_the_designated_year(as_of):
    reg = baseline()
    assert reg.raised("DESIGNATION_UNSOURCED", as_of=as_of) == AREA_FINDING
    assert financial_year(as_of) in reg.message("DESIGNATION_UNSOURCED", as_of=as_of)


def test_g30_not_when_the_new_year_is_designated_with_sources():
    reg = baseline()
    reg.area.designations += [designation("prevent_priority_area", "2027/28"), designation("dovetail_area", "2027/28")]
    assert reg.raised("DESIGNATION_UNSOURCED", as_of=date(2027, 4, 1)) == []


def test_g30_a_designation_whose_value_is_false_still_counts():
    reg = baseline()
    assert {d.value for d in reg.area.designations} == {True, False}
    assert reg.raised("DESIGNATION_UNSOURCED") == []


@pytest.mark.parametrize(
    ("on", "year"),
    [
        (date(2026, 11, 25), "2026/27"),
        (date(2027, 2, 1), "2026/27"),
        (date(2027, 3, 31), "2026/27"),
        (date(2027, 4, 1), "2027/28"),
        (date(2021, 6, 30), "2021/22"),
        (date(2099, 4, 1), "2099/00"),
    ],
)
def test_financial_year_runs_1_april_to_31_march(on, year):
    assert financial_year(on) == year
