"""New records written in bulk (services/bulk.py) get their ids from the database: on SQLite by
INSERT ... RETURNING, on PostgreSQL from each table's sequence before the INSERT. On both, the ids
follow the order of the records in the document, every nested record points at its own parent,
and the sequences are left where records added one at a time afterwards never reuse an id."""

from __future__ import annotations

import sqlalchemy as sa

from compliance import synthetic
from compliance.extensions import db
from compliance.models import DataFlow, LawfulBasis, MeetingAttendee, Organisation, PanelMeeting
from compliance.services import exchange


def _ids(model) -> dict[str, int]:
    return dict(db.session.execute(sa.select(model.ref, model.id)).all())


def test_bulk_ids_follow_the_document_and_leave_the_sequences_right(app):
    doc = synthetic.register(2, seed=5)
    exchange.import_text(doc, actor="test", source="import")
    db.session.commit()
    flows = _ids(DataFlow)
    assert [flows[flow["ref"]] for flow in doc["data_flows"]] == sorted(flows.values())
    assert len(set(flows.values())) == len(doc["data_flows"])
    meetings = _ids(PanelMeeting)
    in_order = [meetings[m["ref"]] for panel in doc["panels"] for m in panel.get("meetings", ())]
    assert in_order == sorted(in_order) and len(set(in_order)) == len(in_order)
    # Each meeting's attendees, in their order, point at that meeting.
    for panel in doc["panels"]:
        for meeting in panel.get("meetings", ())[:3]:
            names = db.session.scalars(
                sa.select(MeetingAttendee.name)
                .where(MeetingAttendee.meeting_id == meetings[meeting["ref"]])
                .order_by(MeetingAttendee.id)
            ).all()
            assert names == [a["name"] for a in meeting["attendees"]]
    # Each flow's lawful bases point at that flow.
    for flow in doc["data_flows"][:5]:
        parties = db.session.scalars(
            sa.select(Organisation.ref)
            .join(LawfulBasis, LawfulBasis.party_id == Organisation.id)
            .where(LawfulBasis.data_flow_id == flows[flow["ref"]])
            .order_by(LawfulBasis.position)
        ).all()
        assert parties == [basis["party"] for basis in flow["lawful_bases"]]
    # One record added the ordinary way afterwards takes a new id.
    highest = max(_ids(Organisation).values())
    db.session.add(Organisation(ref="added-later", name="Added later", partner_type="other"))
    db.session.commit()
    assert _ids(Organisation)["added-later"] > highest
