"""Every write is checked against the user's scope before anything is written (services/write_scope.py).

The register of tests/fixtures/full-register.json has two areas, Eastvale and Westford, that share
two organisations (Shire Police and the Mentor Trust). A DPO of Eastvale must not be able to take
over, move or thin out Westford's records, whatever they post.
"""

from __future__ import annotations

import copy
import json

import pytest
import sqlalchemy as sa

from compliance.exchange import fields as f
from compliance.exchange.validate import InvalidDocument
from compliance.extensions import db
from compliance.models import Area, AuditEvent
from compliance.models.enums import Role
from compliance.services import exchange, records, write_scope
from compliance.services.access import NotVisible, Scope
from tests.conftest import fixture_path

FULL = json.loads(fixture_path("full-register.json").read_text())


@pytest.fixture
def full(app):
    exchange.import_text(json.dumps(FULL), actor="test", source="import")
    return app


def eastvale_dpo() -> Scope:
    area = db.session.scalar(sa.select(Area.id).where(Area.ref == "eastvale"))
    return Scope(Role.DPO, "dpo@eastvale.example", frozenset({area}), frozenset())


def admin() -> Scope:
    return Scope(Role.ADMIN, "admin@example", None, frozenset())


def snapshot() -> tuple[dict, int]:
    """The whole register as exported, and the number of audit entries."""
    db.session.remove()
    doc = exchange.export_document()
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db.session.remove()
    return doc, entries


def stored(key: str, ref: str) -> dict:
    return next(record for record in exchange.export_document()[key] if record["ref"] == ref)


def renamed(record: dict) -> dict:
    record = copy.deepcopy(record)
    for name in ("name", "title", "subject_matter"):
        if name in record:
            record[name] = "Hijacked"
    return record


def problems_of(error: InvalidDocument) -> list[tuple[str, str]]:
    return [(problem.path, problem.message) for problem in error.problems]


CASES = [(key, record["ref"]) for key in f.BY_KEY for record in FULL.get(key, ())]


@pytest.mark.parametrize("who", ["eastvale_dpo", "admin"])
def test_creating_a_record_whose_ref_exists_is_refused_and_writes_nothing(full, who):
    before = snapshot()
    for key, ref in CASES:  # every record of every type
        user = eastvale_dpo() if who == "eastvale_dpo" else admin()
        with pytest.raises(InvalidDocument) as raised:
            records.save(user, key, renamed(stored(key, ref)), actor="test", creating=True)
        assert problems_of(raised.value) == [(f"{key}[0].ref", write_scope.ALREADY_EXISTS)], (key, ref)
        assert snapshot() == before, (key, ref)


def test_replacing_a_record_the_user_cannot_see_is_refused(full):
    hidden = []
    for key, ref in CASES:
        try:
            records.get_record(eastvale_dpo(), key, ref)
        except NotVisible:
            hidden.append((key, ref))
    db.session.remove()
    # Westford's own records of most types; the shared ones are tested below.
    assert {"areas", "organisations", "data_flows", "panels", "storage_systems", "privacy_notices"} <= {
        key for key, _ in hidden
    }
    before = snapshot()
    for key, ref in hidden:
        with pytest.raises(InvalidDocument) as raised:
            records.save(eastvale_dpo(), key, renamed(stored(key, ref)), actor="test")
        assert problems_of(raised.value) == [(f"{key}[0].ref", write_scope.NOT_YOURS)], (key, ref)
        assert snapshot() == before, (key, ref)


def test_a_shared_organisation_keeps_the_areas_the_editor_cannot_see(full):
    record = stored("organisations", "shire-police")
    assert record["areas"] == ["eastvale", "westford"]
    record.update(name="Shire Constabulary", areas=["eastvale"])  # all the editor's form offers
    records.save(eastvale_dpo(), "organisations", record, actor="test")
    db.session.remove()
    after = stored("organisations", "shire-police")
    assert after["name"] == "Shire Constabulary"
    assert after["areas"] == ["eastvale", "westford"]


def test_a_dsa_keeps_the_parties_and_signatures_the_editor_cannot_see(full):
    record = stored("dsas", "westford-dsa")  # visible to Eastvale through Shire Police
    westford_party = next(p for p in record["parties"] if p["organisation"] == "westford-council")
    record["parties"] = [p for p in record["parties"] if p["organisation"] == "shire-police"]
    record["title"] = "Renamed by Eastvale"
    records.save(eastvale_dpo(), "dsas", record, actor="test")
    db.session.remove()
    after = stored("dsas", "westford-dsa")
    assert after["title"] == "Renamed by Eastvale"
    assert westford_party in after["parties"]
    assert westford_party["signatory_name"] == "Alex Example"


@pytest.mark.parametrize(
    ("key", "ref"), [("mous", "home-office-mou"), ("joint_controller_arrangements", "westford-mentor-jca")]
)
def test_parties_outside_the_editors_areas_are_kept(full, key, ref):
    record = stored(key, ref)
    hidden = [party for party in record["parties"] if party != "mentor-trust"]
    assert hidden
    record["parties"] = ["mentor-trust"]
    records.save(eastvale_dpo(), key, record, actor="test")
    db.session.remove()
    assert stored(key, ref)["parties"] == sorted(["mentor-trust", *hidden])


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"dpia": "westford-dpia"}, "data_flows[0].dpia"),
        ({"storage_systems": ["pcm"]}, "data_flows[0].storage_systems"),
        ({"area": "westford"}, "data_flows[0].area"),
        ({"recipient": "westford-council"}, "data_flows[0].recipient"),
    ],
)
def test_a_link_to_a_record_outside_the_users_areas_is_refused(full, change, path):
    before = snapshot()
    record = {**stored("data_flows", "eastvale-statistics"), **change}
    with pytest.raises(InvalidDocument) as raised:
        records.save(eastvale_dpo(), "data_flows", record, actor="test")
    assert [p for p, _ in problems_of(raised.value)] == [path]
    assert "outside your areas" in raised.value.problems[0].message
    assert snapshot() == before


def test_an_admin_may_replace_and_link_anything(full):
    record = {**stored("data_flows", "eastvale-statistics"), "dpia": "westford-dpia"}
    records.save(admin(), "data_flows", record, actor="test")
    db.session.remove()
    assert stored("data_flows", "eastvale-statistics")["dpia"] == "westford-dpia"
