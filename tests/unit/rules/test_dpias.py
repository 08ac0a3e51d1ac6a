"""G09-G12 and G28: DPIAs and children's best interests."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import Dpia
from compliance.models import enums as e

from .builders import baseline


def no_dpia(**flow_changes):
    """The flow without a DPIA and without any high-risk trigger, unless flow_changes adds one."""
    reg = baseline()
    reg.flow.dpia = None
    reg.flow.data_categories = ["identifiers_contact"]
    reg.flow.subjects_children = None
    for name, value in flow_changes.items():
        setattr(reg.flow, name, value)
    return reg


# --- G09 DPIA_MISSING ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes",
    [
        {"data_categories": ["sc_political"]},
        {"data_categories": ["sc_genetic"]},
        {"data_categories": ["criminal_offence_alleged"]},
        {"subjects_children": True},
        {"subjects_vulnerable_adults": True},
        {"combines_sources": True},
    ],
)
def test_g09_each_high_risk_trigger_needs_a_dpia(changes):
    assert no_dpia(**changes).raised("DPIA_MISSING") == [("DPIA_MISSING", "referrals", "high")]


def test_g09_not_for_a_flow_with_no_high_risk_trigger():
    reg = no_dpia(subjects_children=False, subjects_vulnerable_adults=False, combines_sources=False)
    reg.flow.data_categories = ["identifiers_contact", "education", "intelligence_service_derived"]
    reg.flow.large_scale = True  # not one of G09's triggers
    assert reg.raised("DPIA_MISSING") == []


@pytest.mark.parametrize("status", [e.DpiaStatus.NOT_STARTED, e.DpiaStatus.IN_PROGRESS])
def test_g09_a_dpia_not_completed_does_not_count(status):
    reg = baseline()
    reg.dpia.status = status
    assert reg.raised("DPIA_MISSING") == [("DPIA_MISSING", "referrals", "high")]
    assert "city-dpia is not completed" in reg.message("DPIA_MISSING")


def test_g09_not_with_a_completed_dpia():
    assert baseline().raised("DPIA_MISSING") == []


def test_g09_and_g28_both_fire_for_children_with_no_dpia():
    reg = no_dpia(subjects_children=True)
    assert reg.raised() == [
        ("DPIA_MISSING", "referrals", "high"),
        ("CHILDREN_NO_BEST_INTERESTS", "referrals", "high"),
    ]


# --- G10 DPIA_AFTER_SHARING -------------------------------------------------------------------------
def test_g10_completed_after_the_flow_started():
    reg = baseline()
    reg.dpia.completed_on = date(2024, 5, 1)
    assert reg.raised("DPIA_AFTER_SHARING") == [("DPIA_AFTER_SHARING", "city-dpia", "medium")]


def test_g10_completed_after_the_dsa_was_first_signed():
    reg = baseline()
    reg.dpia.completed_on = date(2024, 3, 22)  # after the council signed (20th), before the flow started
    assert reg.raised("DPIA_AFTER_SHARING") == [("DPIA_AFTER_SHARING", "city-dpia", "medium")]
    assert "2024-03-20" in reg.message("DPIA_AFTER_SHARING")


def test_g10_not_when_completed_before_both_or_on_the_first_day():
    reg = baseline()
    assert reg.raised("DPIA_AFTER_SHARING") == []
    reg.dpia.completed_on = date(2024, 3, 20)  # the day the DSA was first signed: not after it
    assert reg.raised("DPIA_AFTER_SHARING") == []


def test_g10_only_for_a_completed_dpia():
    reg = baseline()
    reg.dpia.completed_on, reg.dpia.status = date(2024, 5, 1), e.DpiaStatus.IN_PROGRESS
    assert reg.raised("DPIA_AFTER_SHARING") == []


# --- G11 DPIA_HIGH_RISK_NOT_CONSULTED --------------------------------------------------------------
@pytest.mark.parametrize("consultation", [None, e.IcoConsultation.NOT_NEEDED])
def test_g11_high_residual_risk_without_consulting(consultation):
    reg = baseline()
    reg.dpia.residual_risk, reg.dpia.ico_prior_consultation = e.RiskLevel.HIGH, consultation
    assert reg.raised("DPIA_HIGH_RISK_NOT_CONSULTED") == [("DPIA_HIGH_RISK_NOT_CONSULTED", "city-dpia", "high")]


@pytest.mark.parametrize("consultation", [e.IcoConsultation.SUBMITTED, e.IcoConsultation.ADVICE_RECEIVED])
def test_g11_not_once_the_ico_is_consulted(consultation):
    reg = baseline()
    reg.dpia.residual_risk, reg.dpia.ico_prior_consultation = e.RiskLevel.HIGH, consultation
    assert reg.raised("DPIA_HIGH_RISK_NOT_CONSULTED") == []


@pytest.mark.parametrize("risk", [None, e.RiskLevel.LOW, e.RiskLevel.MEDIUM])
def test_g11_not_below_high_residual_risk(risk):
    reg = baseline()
    reg.dpia.residual_risk, reg.dpia.ico_prior_consultation = risk, None
    assert reg.raised("DPIA_HIGH_RISK_NOT_CONSULTED") == []


# --- G12 DPIA_REVIEW_OVERDUE -------------------------------------------------------------------------
@pytest.mark.parametrize("review_due", [date(2026, 11, 24), None])
def test_g12_review_date_passed_or_absent(review_due):
    reg = baseline()
    reg.dpia.review_due = review_due
    assert reg.raised("DPIA_REVIEW_OVERDUE") == [("DPIA_REVIEW_OVERDUE", "city-dpia", "medium")]


def test_g12_not_on_the_due_date_nor_for_an_unfinished_dpia():
    reg = baseline()
    reg.dpia.review_due = date(2026, 11, 25)
    assert reg.raised("DPIA_REVIEW_OVERDUE") == []
    reg.dpia.review_due, reg.dpia.status = None, e.DpiaStatus.IN_PROGRESS
    assert reg.raised("DPIA_REVIEW_OVERDUE") == []


def test_g12_follows_as_of():
    reg = baseline()  # review due 2027-02-01
    assert reg.raised("DPIA_REVIEW_OVERDUE", as_of=date(2027, 2, 2)) == [("DPIA_REVIEW_OVERDUE", "city-dpia", "medium")]


# --- G28 CHILDREN_NO_BEST_INTERESTS -------------------------------------------------------------------
@pytest.mark.parametrize("recorded", [None, False])
def test_g28_dpia_without_best_interests(recorded):
    reg = baseline()
    reg.dpia.best_interests_recorded = recorded
    assert reg.raised("CHILDREN_NO_BEST_INTERESTS") == [("CHILDREN_NO_BEST_INTERESTS", "referrals", "high")]


def test_g28_no_dpia_at_all():
    reg = baseline()
    reg.flow.dpia = None
    assert reg.raised("CHILDREN_NO_BEST_INTERESTS") == [("CHILDREN_NO_BEST_INTERESTS", "referrals", "high")]


def test_g28_not_for_adults_or_with_best_interests_recorded():
    reg = baseline()
    assert reg.raised("CHILDREN_NO_BEST_INTERESTS") == []
    reg.flow.dpia = Dpia(ref="other", title="x", controller=reg.council, status=e.DpiaStatus.COMPLETED)
    for children in (False, None):
        reg.flow.subjects_children = children
        assert reg.raised("CHILDREN_NO_BEST_INTERESTS") == []
