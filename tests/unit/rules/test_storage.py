"""G20, G21 (storage systems) and G23 (privacy notice content)."""

from __future__ import annotations

import pytest

from compliance.models import PRIVACY_NOTICE_CHECKLIST, StorageSystem
from compliance.models import enums as e

from .builders import baseline


def unused_system(**kw) -> StorageSystem:
    fields = dict(ref="old-drive", name="Old drive", kind=e.StorageKind.NETWORK_DRIVE, approved_for_prevent=False)
    fields.update(kw)
    return StorageSystem(**fields)


# --- G20 STORAGE_UNAPPROVED --------------------------------------------------------------------------
def test_g20_not_approved_for_prevent():
    reg = baseline()
    reg.storage.approved_for_prevent = False
    assert reg.raised("STORAGE_UNAPPROVED") == [("STORAGE_UNAPPROVED", "pcm", "high")]
    assert "referrals" in reg.message("STORAGE_UNAPPROVED")


@pytest.mark.parametrize("kind", ["email_mailbox", "spreadsheet", "network_drive"])
def test_g20_unsuitable_kinds_even_when_approved(kind):
    reg = baseline()
    reg.storage.kind = e.StorageKind(kind)
    assert reg.storage.approved_for_prevent is True
    assert reg.raised("STORAGE_UNAPPROVED") == [("STORAGE_UNAPPROVED", "pcm", "high")]
    article = "an" if kind == "email_mailbox" else "a"
    assert f" is {article} {kind.replace('_', ' ')}," in reg.message("STORAGE_UNAPPROVED")


@pytest.mark.parametrize("kind", ["national_pcm", "national_cmis", "la_case_system", "partner_system", "paper"])
def test_g20_not_for_approved_systems_of_other_kinds(kind):
    reg = baseline()
    reg.storage.kind = e.StorageKind(kind)
    assert reg.raised("STORAGE_UNAPPROVED") == []


def test_g20_only_for_systems_a_live_flow_uses():
    reg = baseline()
    reg.storage_systems.append(unused_system())
    assert reg.raised("STORAGE_UNAPPROVED") == []


# --- G21 STORAGE_UNASSURED ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "changes",
    [{"hosting": e.Hosting.CLOUD_NON_UK}, {"approval_ref": None}, {"approval_ref": ""}],
    ids=["non-uk", "no-approval-ref", "empty-approval-ref"],
)
def test_g21_non_uk_hosting_or_no_approval_ref(changes):
    reg = baseline()
    for name, value in changes.items():
        setattr(reg.storage, name, value)
    assert reg.raised("STORAGE_UNASSURED") == [("STORAGE_UNASSURED", "pcm", "medium")]


@pytest.mark.parametrize("hosting", [e.Hosting.CLOUD_UK, e.Hosting.ON_PREMISES, None])
def test_g21_not_for_uk_or_unstated_hosting_with_an_approval_ref(hosting):
    reg = baseline()
    reg.storage.hosting = hosting
    assert reg.raised("STORAGE_UNASSURED") == []


def test_g21_only_for_systems_a_live_flow_uses():
    reg = baseline()
    reg.storage_systems.append(unused_system(hosting=e.Hosting.CLOUD_NON_UK))
    assert reg.raised("STORAGE_UNASSURED") == []


# --- G23 PRIVACY_NOTICE_INCOMPLETE ---------------------------------------------------------------------
def test_g23_lists_the_items_that_are_false():
    reg = baseline()
    notice = reg.notices[0]
    false_items = {"recipients_named", "complaint_to_ico"}
    notice.checklist = dict.fromkeys(PRIVACY_NOTICE_CHECKLIST, True) | dict.fromkeys(false_items, False)
    assert reg.raised("PRIVACY_NOTICE_INCOMPLETE") == [("PRIVACY_NOTICE_INCOMPLETE", "city-council-notice", "medium")]
    message = reg.message("PRIVACY_NOTICE_INCOMPLETE")
    assert "recipients named and complaint to ico" in message
    for item in set(PRIVACY_NOTICE_CHECKLIST) - false_items:
        assert item.replace("_", " ") not in message


def test_g23_one_finding_per_incomplete_notice():
    reg = baseline()
    for notice in reg.notices:
        notice.checklist = {"rights": False}
    assert reg.raised("PRIVACY_NOTICE_INCOMPLETE") == [
        ("PRIVACY_NOTICE_INCOMPLETE", "city-council-notice", "medium"),
        ("PRIVACY_NOTICE_INCOMPLETE", "county-police-notice", "medium"),
    ]


def test_g23_an_absent_or_complete_checklist_is_not_a_finding():
    reg = baseline()
    assert all(notice.checklist is None for notice in reg.notices)
    assert reg.raised("PRIVACY_NOTICE_INCOMPLETE") == []
    reg.notices[0].checklist = dict.fromkeys(PRIVACY_NOTICE_CHECKLIST, True)
    assert reg.raised("PRIVACY_NOTICE_INCOMPLETE") == []
