"""A user sees and changes only their own areas: scoping is in the services, not just the links."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import AuditEvent, DataFlow

from .conftest import csrf


@pytest.mark.parametrize(
    "path",
    [
        "/records/data_flows/council-to-police-referrals",
        "/records/dsas/riverford-prevent-channel-dsa",
        "/records/areas/riverford",
        "/records/organisations/riverford-city-council",
        "/records/panels/riverford-channel",
        "/meetings/riverford-channel-2026-11",
        "/records/data_flows/council-to-police-referrals/edit",
        "/records/data_flows/council-to-police-referrals/history",
        "/meetings/start/riverford-channel",
    ],
)
def test_records_of_another_area_do_not_exist_for_them(otherton_dpo, path):
    assert otherton_dpo.get(path).status_code == 404


def test_lists_and_dashboard_show_only_their_area(otherton_dpo):
    flows = otherton_dpo.get("/records/data_flows").data.decode()
    assert "otherton-referrals" in flows and "council-to-police-referrals" not in flows
    dashboard = otherton_dpo.get("/").data.decode()
    assert "Riverford" not in dashboard and "Otherton" in dashboard
    assert "riverford" not in otherton_dpo.get("/transfer/").data.decode().lower()


def test_a_finding_of_another_area_is_not_found(otherton_dpo):
    from compliance.models import Finding

    riverford_finding = db.session.scalar(
        sa.select(Finding.id).where(Finding.subject_ref == "council-to-police-referrals")
    )
    assert otherton_dpo.get(f"/findings/{riverford_finding}").status_code == 404
    token = csrf(otherton_dpo, "/")
    assert otherton_dpo.post(f"/findings/{riverford_finding}/remediated", data={"csrf_token": token}).status_code == 404


def test_saving_a_record_into_another_area_is_refused_and_writes_nothing(otherton_dpo):
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db.session.remove()
    token = csrf(otherton_dpo, "/records/data_flows/otherton-referrals/edit")
    response = otherton_dpo.post(
        "/records/data_flows/new",
        data={
            "csrf_token": token,
            "ref": "sneaky",
            "name": "Sneaky flow",
            "area": "riverford",
            "programme": "prevent_referral",
            "sender": "otherton-council",
            "recipient": "otherton-police",
            "frequency": "routine",
            "transfer_channel": "pcm",
            "relationship": "independent_controllers",
            "status": "live",
            "started_on": ["", "", ""],
            "ended_on": ["", "", ""],
        },
    )
    assert response.status_code in (400, 403)  # riverford is not even offered as a choice
    assert db.session.scalar(sa.select(DataFlow.id).where(DataFlow.ref == "sneaky")) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == entries


def test_export_of_another_area_is_not_given(otherton_dpo):
    response = otherton_dpo.get("/transfer/export?area=riverford")
    assert response.status_code == 302
    assert otherton_dpo.get("/transfer/export").status_code == 403
