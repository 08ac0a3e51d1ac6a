"""G20, G21 (storage systems) and G23 (privacy notice content)."""

from __future__ import annotations

import pytest

from compliance.models import PRIVACY_NOTICE_CHECKLIST
from compliance.models import enums as e

from .builders import baseline


# --- G20 STORAGE_UNAPPROVED --------------------------------------------------------------------------
def test_g20_not_approved_for_prevent():
    reg = baseline()
    reg.storage.approved_for_prevent = False
    assert reg.raised("STORAGE_UNAPPROVED") == [("STORAGE_UNAPPROVED", "pcm", "high")]


@pytest.mark.parametrize("kind", ["email_mailbox", "spreadsheet", "network_drive"])
def test_g20_unsuitable_kinds_even_when_approved(kind):
    reg = baseline()
    reg.storage.kind = e.StorageKind(kind)
    assert reg.raised("STORAGE_UNAPPROVED") == [("STORAGE_UNAPPROVED", "pcm", "high")]


def test_g20_only_for_systems_live_flows_use():
    reg = baseline()
    reg.storage.approved_for_prevent = False
    reg.flow.status = e.FlowStatus.SUSPENDED
    assert reg.raised("STORAGE_UNAPPROVED") == []


def test_g20_not_for_approved_case_systems():
    assert baseline().raised("STORAGE_UNAPPROVED") == []


# --- G21 STORAGE_UNASSURED ---------------------------------------------------------------------------
def test_g21_non_uk_hosting_or_no_approval_ref():
    reg = baseline()
    reg.storage.hosting = e.Hosting.CLOUD_NON_UK
    assert reg.raised("STORAGE_UNASSURED") == [("STORAGE_UNASSURED", "pcm", "medium")]
    reg = baseline()
    reg.storage.approval_ref = None
    assert reg.raised("STORAGE_UNASSURED") == [("STORAGE_UNASSURED", "pcm", "medium")]


def test_g21_not_for_uk_hosting_with_approval():
    reg = baseline()
    reg.storage.hosting = e.Hosting.CLOUD_UK
    assert reg.raised("STORAGE_UNASSURED") == []


# --- G23 PRIVACY_NOTICE_INCOMPLETE ---------------------------------------------------------------------
def test_g23_lists_the_items_that_are_false():
    reg = baseline()
    notice = reg.notices[0]
    notice.checklist = {item: True for item in PRIVACY_NOTICE_CHECKLIST} | {"recipients_named": False}
    findings = [f for f in reg.findings() if f.rule == "PRIVACY_NOTICE_INCOMPLETE"]
    assert [(f.subject_ref, f.severity.value) for f in findings] == [(notice.ref, "medium")]
    assert "recipients named" in findings[0].message


def test_g23_an_absent_or_complete_checklist_is_not_a_finding():
    reg = baseline()
    assert reg.raised("PRIVACY_NOTICE_INCOMPLETE") == []
    reg.notices[0].checklist = {item: True for item in PRIVACY_NOTICE_CHECKLIST}
    assert reg.raised("PRIVACY_NOTICE_INCOMPLETE") == []
