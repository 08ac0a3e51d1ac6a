"""G16-G18: data sharing agreements."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import DSA_CHECKLIST
from compliance.models import enums as e

from .builders import baseline


# --- G16 DSA_UNSIGNED ----------------------------------------------------------------------------
@pytest.mark.parametrize("unsigned", [(0,), (1,), (0, 1)])
def test_g16_a_party_has_not_signed(unsigned):
    reg = baseline()
    for position in unsigned:
        reg.dsa.parties[position].signed_on = None
    assert reg.raised("DSA_UNSIGNED") == [("DSA_UNSIGNED", "city-dsa", "high")]


def test_g16_a_covered_flow_has_a_party_outside_the_dsa():
    reg = baseline()
    nhs = reg.add_organisation("nhs-trust", "nhs_body")
    reg.add_flow("nhs-to-council", nhs, reg.council)
    assert reg.raised("DSA_UNSIGNED") == [("DSA_UNSIGNED", "city-dsa", "high")]
    assert "Nhs Trust" in reg.message("DSA_UNSIGNED")


@pytest.mark.parametrize(
    "status", [e.DsaStatus.DRAFT, e.DsaStatus.EXPIRED, e.DsaStatus.SUPERSEDED, e.DsaStatus.TERMINATED]
)
def test_g16_only_for_a_dsa_in_force(status):
    reg = baseline()
    reg.dsa.parties[1].signed_on = None
    reg.dsa.status = status
    reg.flow.status = e.FlowStatus.ENDED  # keep G17's expiry out of the way
    assert reg.raised("DSA_UNSIGNED") == []


def test_g16_not_when_every_party_signed_and_every_flow_party_is_a_party():
    assert baseline().raised("DSA_UNSIGNED") == []


# --- G17 DSA_REVIEW_OVERDUE ------------------------------------------------------------------------
@pytest.mark.parametrize("review_due", [date(2026, 11, 24), None])
def test_g17_review_overdue_or_no_review_date_is_medium(review_due):
    reg = baseline()
    reg.dsa.review_due = review_due
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "medium")]


def test_g17_high_when_expires_on_is_before_as_of_while_covering_a_live_flow():
    reg = baseline()
    reg.dsa.expires_on = date(2026, 6, 30)
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "high")]
    assert "2026-06-30" in reg.message("DSA_REVIEW_OVERDUE")
    reg.flow.status = e.FlowStatus.PLANNED
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "high")]


def test_g17_high_when_marked_expired_while_covering_a_live_flow():
    reg = baseline()
    reg.dsa.status = e.DsaStatus.EXPIRED
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "high")]


def test_g17_expiring_on_as_of_is_not_yet_expired():
    reg = baseline()
    reg.dsa.expires_on = date(2026, 11, 25)
    assert reg.raised("DSA_REVIEW_OVERDUE") == []
    assert reg.raised("DSA_REVIEW_OVERDUE", as_of=date(2026, 11, 26)) == [("DSA_REVIEW_OVERDUE", "city-dsa", "high")]


@pytest.mark.parametrize("status", [e.FlowStatus.SUSPENDED, e.FlowStatus.ENDED])
def test_g17_an_expired_dsa_covering_no_live_flow_is_not_high(status):
    reg = baseline()
    reg.dsa.expires_on = date(2026, 6, 30)
    reg.flow.status = status
    assert reg.raised("DSA_REVIEW_OVERDUE") == []
    reg.dsa.review_due = date(2026, 1, 1)  # still in force, so its overdue review remains a medium finding
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "medium")]
    reg.dsa.status = e.DsaStatus.EXPIRED
    assert reg.raised("DSA_REVIEW_OVERDUE") == []


@pytest.mark.parametrize("status", [e.DsaStatus.DRAFT, e.DsaStatus.SUPERSEDED])
def test_g17_review_dates_matter_only_for_a_dsa_in_force(status):
    reg = baseline()
    reg.dsa.status, reg.dsa.review_due = status, None
    assert reg.raised("DSA_REVIEW_OVERDUE") == []


def test_g17_not_on_or_before_the_review_date():
    reg = baseline()
    reg.dsa.review_due = date(2026, 11, 25)
    assert reg.raised("DSA_REVIEW_OVERDUE") == []


# --- G18 DSA_CONTENT_INCOMPLETE ----------------------------------------------------------------------
def test_g18_lists_the_items_that_are_false():
    reg = baseline()
    reg.dsa.checklist = dict.fromkeys(DSA_CHECKLIST, True) | {"retention_and_deletion": False, "states_purpose": False}
    assert reg.raised("DSA_CONTENT_INCOMPLETE") == [("DSA_CONTENT_INCOMPLETE", "city-dsa", "medium")]
    message = reg.message("DSA_CONTENT_INCOMPLETE")
    assert "states purpose and retention and deletion" in message
    for item in set(DSA_CHECKLIST) - {"retention_and_deletion", "states_purpose"}:
        assert item.replace("_", " ") not in message


def test_g18_every_item_false():
    reg = baseline()
    reg.dsa.checklist = dict.fromkeys(DSA_CHECKLIST, False)
    message = reg.message("DSA_CONTENT_INCOMPLETE")
    assert all(item.replace("_", " ") in message for item in DSA_CHECKLIST)


def test_g18_an_absent_or_complete_checklist_is_not_a_finding():
    reg = baseline()
    assert reg.dsa.checklist is None
    assert reg.raised("DSA_CONTENT_INCOMPLETE") == []
    reg.dsa.checklist = dict.fromkeys(DSA_CHECKLIST, True)
    assert reg.raised("DSA_CONTENT_INCOMPLETE") == []
