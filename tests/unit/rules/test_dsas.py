"""G16-G18: data sharing agreements."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import DSA_CHECKLIST
from compliance.models import enums as e

from .builders import baseline


# --- G16 DSA_UNSIGNED ----------------------------------------------------------------------------
def test_g16_a_party_has_not_signed():
    reg = baseline()
    reg.dsa.parties[1].signed_on = None
    assert reg.raised("DSA_UNSIGNED") == [("DSA_UNSIGNED", "city-dsa", "high")]


def test_g16_a_covered_flow_has_a_party_outside_the_dsa():
    reg = baseline()
    nhs = reg.add_organisation("nhs", "nhs_body")
    reg.add_flow("nhs-to-council", nhs, reg.council)
    assert reg.raised("DSA_UNSIGNED") == [("DSA_UNSIGNED", "city-dsa", "high")]


@pytest.mark.parametrize("status", [e.DsaStatus.DRAFT, e.DsaStatus.SUPERSEDED, e.DsaStatus.TERMINATED])
def test_g16_only_for_a_dsa_in_force(status):
    reg = baseline()
    reg.dsa.parties[1].signed_on = None
    reg.dsa.status = status
    assert reg.raised("DSA_UNSIGNED") == []


def test_g16_not_when_everyone_has_signed():
    assert baseline().raised("DSA_UNSIGNED") == []


# --- G17 DSA_REVIEW_OVERDUE ------------------------------------------------------------------------
def test_g17_review_overdue_or_no_review_date():
    reg = baseline()
    reg.dsa.review_due = date(2026, 11, 1)
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "medium")]
    reg.dsa.review_due = None
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "medium")]


def test_g17_high_when_expired_while_covering_a_live_flow():
    reg = baseline()
    reg.dsa.expires_on = date(2026, 6, 30)
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "high")]
    reg = baseline()
    reg.dsa.status = e.DsaStatus.EXPIRED
    assert reg.raised("DSA_REVIEW_OVERDUE") == [("DSA_REVIEW_OVERDUE", "city-dsa", "high")]


def test_g17_an_expired_dsa_with_no_live_flow_is_not_raised():
    reg = baseline()
    reg.dsa.status = e.DsaStatus.EXPIRED
    reg.flow.status = e.FlowStatus.ENDED
    assert reg.raised("DSA_REVIEW_OVERDUE") == []


def test_g17_not_before_the_review_date():
    reg = baseline()
    reg.dsa.review_due = date(2026, 11, 25)
    assert reg.raised("DSA_REVIEW_OVERDUE") == []


# --- G18 DSA_CONTENT_INCOMPLETE ----------------------------------------------------------------------
def test_g18_lists_the_items_that_are_false():
    reg = baseline()
    reg.dsa.checklist = {item: True for item in DSA_CHECKLIST} | {
        "retention_and_deletion": False,
        "security_and_breach": False,
    }
    findings = [f for f in reg.findings() if f.rule == "DSA_CONTENT_INCOMPLETE"]
    assert [(f.subject_ref, f.severity.value) for f in findings] == [("city-dsa", "medium")]
    assert "retention and deletion and security and breach" in findings[0].message


def test_g18_an_absent_checklist_is_not_a_finding():
    reg = baseline()
    reg.dsa.checklist = None
    assert reg.raised("DSA_CONTENT_INCOMPLETE") == []
    reg.dsa.checklist = {item: True for item in DSA_CHECKLIST}
    assert reg.raised("DSA_CONTENT_INCOMPLETE") == []
