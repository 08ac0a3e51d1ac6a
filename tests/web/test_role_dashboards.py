"""Each role lands on its work (issue 17 item 4): a panel chair on their panels' meetings, the open
findings of those meetings and what to do next; role names read as words."""

from __future__ import annotations

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Finding, PanelMeeting
from compliance.models.enums import FindingStatus

from .conftest import USERS, sign_in


def test_a_panel_chair_lands_on_their_panels_meetings(demo):
    client = demo.test_client()
    assert sign_in(client, USERS["panel_chair"]).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert '<h1 class="govuk-heading-xl">Your panels</h1>' in page
    assert "Riverford Channel Panel" in page and "/meetings/start/riverford-channel" in page
    # The DPO's work (DPIA findings a chair cannot act on) is not on it.
    assert "DPIA_MISSING" not in page and "No DPIA for a high-risk flow" not in page
    # Each recent meeting with its open findings, counted as the findings page counts them.
    newest = db.session.scalar(sa.select(PanelMeeting).order_by(PanelMeeting.held_on.desc()).limit(1))
    assert f"/meetings/{newest.ref}" in page
    open_meeting_findings = db.session.scalar(
        sa.select(sa.func.count()).where(Finding.subject_type == "panel_meeting", Finding.status == FindingStatus.OPEN)
    )
    assert open_meeting_findings and page.count("/findings/") - page.count("/findings/?") >= open_meeting_findings
    # What to do is said once per rule, not once per meeting.
    assert page.count("<strong>What to do:</strong>") == 1
    assert "(Panel chair)" in page  # the role in words


def test_a_dpo_still_lands_on_the_work_by_rule(demo):
    client = demo.test_client()
    assert sign_in(client, USERS["dpo"]).status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "The work, by rule" in page and "(Data protection officer)" in page


def test_a_chair_without_panels_is_told_whom_to_ask(demo):
    from compliance.services import users

    users.create_user(
        "lonely.chair@riverford.example.gov.uk",
        "panel_chair",
        "lonely-password-1",
        area_refs=["riverford"],
        actor="t",
        source="cli",
    )
    db.session.commit()
    client = demo.test_client()
    assert sign_in(client, "lonely.chair@riverford.example.gov.uk", "lonely-password-1").status_code == 302
    assert "Ask your administrator to give you your panels" in client.get("/").get_data(as_text=True)
