"""No edit silently lost: two people open the same record, both save; the second is refused with
what changed since, and keeps what they typed (optimistic concurrency on every write path)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import DataFlow, Finding, User
from compliance.services import write_scope

from .conftest import USERS, csrf
from .meeting_helpers import attendee_ids
from .test_write_scope_web import form_data, stored

FLOW = "council-to-police-referrals"
EDIT = f"/records/data_flows/{FLOW}/edit"
MEETING = "riverford-channel-2026-11"


def opened_form(client, path: str) -> dict:
    """What the browser holds after opening an edit page: its token and the version it was built on."""
    page = client.get(path).data.decode()
    version = re.search(r'name="record_version" value="(\d+)"', page).group(1)
    return {"csrf_token": csrf(client, path), "record_version": version}


def test_the_second_of_two_saves_is_refused_with_what_changed_and_keeps_its_input(client_for):
    alice, bob = client_for("dpo"), client_for("admin")
    alice_page, bob_page = opened_form(alice, EDIT), opened_form(bob, EDIT)
    record = stored("data_flows", FLOW)
    first = alice.post(EDIT, data={**form_data("data_flows", {**record, "name": "Named by Alice"}, ""), **alice_page})
    assert first.status_code == 302
    second = bob.post(EDIT, data={**form_data("data_flows", {**record, "name": "Named by Bob"}, ""), **bob_page})
    assert second.status_code == 409
    page = second.data.decode()
    assert "Your change has not been saved" in page
    assert "Named by Alice" in page and record["name"] in page  # the change: was, now
    assert "web:dpo@riverford.example.gov.uk" in page  # who made it
    assert 'value="Named by Bob"' in page  # what Bob typed is still in the form
    assert stored("data_flows", FLOW)["name"] == "Named by Alice"
    # Having seen the change, Bob saves again (the page now carries the newer version): his wins.
    again = {**form_data("data_flows", {**record, "name": "Named by Bob"}, ""), **opened_form(bob, EDIT)}
    again["record_version"] = re.search(r'name="record_version" value="(\d+)"', page).group(1)
    assert bob.post(EDIT, data=again).status_code == 302
    assert stored("data_flows", FLOW)["name"] == "Named by Bob"


def test_a_save_that_changes_nothing_does_not_raise_the_version(client_for):
    client = client_for("dpo")
    version = db.session.scalar(sa.select(DataFlow.record_version).where(DataFlow.ref == FLOW))
    opened = opened_form(client, EDIT)
    assert (
        client.post(EDIT, data={**form_data("data_flows", stored("data_flows", FLOW), ""), **opened}).status_code == 302
    )
    db.session.remove()
    assert db.session.scalar(sa.select(DataFlow.record_version).where(DataFlow.ref == FLOW)) == version


def test_a_change_that_lands_between_the_check_and_the_write_is_refused_too(demo, monkeypatch):
    """The version check and the write are not one statement: an UPDATE that lands between them
    is caught by the write's WHERE record_version = <loaded> (SQLAlchemy's version_id_col)."""
    from compliance.services import records
    from compliance.services.access import Scope

    scope = Scope.of(db.session.scalar(sa.select(User).where(User.email == USERS["dpo"])))
    version = db.session.scalar(sa.select(DataFlow.record_version).where(DataFlow.ref == FLOW))
    record = {**stored("data_flows", FLOW), "name": "Mine"}
    real_checked = write_scope.checked

    def checked_then_someone_else_saves(*args, **kwargs):
        allowed = real_checked(*args, **kwargs)
        with db.engine.connect() as other:  # another connection: another user's request
            other.execute(
                sa.update(DataFlow.__table__)
                .where(DataFlow.__table__.c.ref == FLOW)
                .values(name="Theirs", record_version=DataFlow.__table__.c.record_version + 1)
            )
            other.commit()
        return allowed

    monkeypatch.setattr(write_scope, "checked", checked_then_someone_else_saves)
    try:
        records.save(scope, "data_flows", record, actor="test", version=version)
    except write_scope.Conflict as error:
        assert error.version == version + 1
    else:
        raise AssertionError("the save overwrote a change it never saw")
    db.session.remove()
    assert stored("data_flows", FLOW)["name"] == "Theirs"


def test_meeting_actions_carry_the_version_of_the_meeting_they_were_built_from(client_for):
    chair, dpo = client_for("panel_chair"), client_for("dpo")
    path = f"/meetings/{MEETING}"
    chair_page, dpo_page = opened_form(chair, path), opened_form(dpo, path)
    first_attendee = attendee_ids(MEETING)[0]  # as the DPO's page names it
    added = chair.post(
        f"{path}/attendees",
        data={
            **chair_page,
            "attendee-role": "Youth worker",
            "attendee-organisation": "riverford-city-council",
            "attendee-membership": "invited",
            "attendee-method": "none",
        },
    )
    assert added.status_code == 302
    before = stored("panels", "riverford-channel")
    removed = dpo.post(f"{path}/attendees/{first_attendee}/remove", data=dpo_page)
    assert removed.status_code == 409
    assert "Your change has not been saved" in removed.data.decode()
    assert stored("panels", "riverford-channel") == before


def test_archive_and_accepting_a_risk_refuse_a_stale_page(client_for):
    client = client_for("dpo")
    detail = f"/records/data_flows/{FLOW}"
    stale = opened_form(client, f"{detail}/archive")  # "Are you sure you want to archive...?"
    opened = opened_form(client, EDIT)
    record = stored("data_flows", FLOW)
    client.post(EDIT, data={**form_data("data_flows", {**record, "name": "Changed"}, ""), **opened})
    response = client.post(f"{detail}/archive", data={**stale, "reason": "The sharing has stopped"})
    assert response.status_code == 302
    assert "changed by someone else" in client.get(detail).data.decode()
    assert stored("data_flows", FLOW)["status"] == record["status"]
    assert "archived_on" not in stored("data_flows", FLOW)

    finding = db.session.scalar(sa.select(Finding).where(Finding.subject_ref == FLOW).limit(1))
    page = opened_form(client, f"/findings/{finding.id}")
    db.session.execute(
        sa.update(Finding.__table__)
        .where(Finding.__table__.c.id == finding.id)
        .values(record_version=Finding.__table__.c.record_version + 1)
    )
    db.session.commit()
    response = client.post(
        f"/findings/{finding.id}/accept",
        data={**page, "reason": "Accepted by the SIRO", "review_on": ["1", "1", "2030"]},
    )
    assert response.status_code == 409
    assert "Your change has not been saved" in response.data.decode()
    db.session.remove()
    assert db.session.get(Finding, finding.id).status.value == "open"
