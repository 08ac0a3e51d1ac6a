"""The council from the FOI response (register-format.md's example, and gap-rules.md's check), built
record by record and evaluated through `context(**records)`: exactly the findings the spec names."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.models import DataFlow, Dsa, DsaParty, Panel, PanelMeeting, PrivacyNotice, StorageSystem
from compliance.models import enums as e
from compliance.rules.engine import evaluate

from .builders import area, attendee, basis, context, designation, organisation

AS_OF = date(2021, 6, 30)


def foi_council(**flow_changes):
    city = area("city")
    city.designations = [
        designation("prevent_priority_area", "2021/22", "Home Office funding letter"),
        designation("dovetail_area", "2021/22", "Home Office"),
    ]
    council = organisation("city-council", "local_authority", city, apd_ref="APD-2020")
    police = organisation("county-police", "police", city, apd_ref="APD-LE-2019")
    city.responsible_authority = council
    pcm = StorageSystem(
        ref="pcm",
        name="Prevent Case Management",
        kind=e.StorageKind.NATIONAL_PCM,
        approved_for_prevent=True,
        approval_ref="CTP national",
    )
    notices = [
        PrivacyNotice(ref="city-prevent-notice", controller=council, scope=e.NoticeScope.SERVICE_SPECIFIC, section="3"),
        PrivacyNotice(ref="police-notice", controller=police, scope=e.NoticeScope.CORPORATE),
    ]
    dsa = Dsa(
        ref="city-police-dsa",
        title="Prevent and Channel information sharing agreement",
        status=e.DsaStatus.IN_FORCE,
        template_origin=e.TemplateOrigin.LA_TEMPLATE,
        review_due=date(2022, 3, 31),
        parties=[
            DsaParty(organisation=council, signed_on=date(2019, 3, 20), position=0),
            DsaParty(organisation=police, signed_on=date(2019, 3, 25), position=1),
        ],
    )
    fields = dict(
        name="Prevent referrals to police",
        area=city,
        programme=e.Programme.PREVENT_REFERRAL,
        frequency=e.Frequency.ROUTINE,
        transfer_channel=e.TransferChannel.SECURE_EMAIL,
        relationship_=e.Relationship.INDEPENDENT_CONTROLLERS,
        status=e.FlowStatus.LIVE,
        started_on=date(2019, 4, 1),
        data_categories=["identifiers_contact", "sc_religious", "criminal_offence_alleged"],
        subjects_children=True,
        dsa=dsa,
        retention_period="6y",
        retention_trigger=e.RetentionTrigger.CASE_CLOSURE,
        ropa_ref="ROPA-114",
    )
    fields.update(flow_changes)
    flow = DataFlow(ref="council-to-police-referrals", sender=council, recipient=police, **fields)
    flow.lawful_bases = [
        basis(council, recorded_on=date(2019, 3, 1)),
        basis(police, recorded_on=date(2019, 3, 1), sch8_condition="statutory purposes"),
    ]
    flow.storage_systems = [pcm]
    flow.privacy_notices = [notices[0]]
    panel = Panel(
        ref="city-channel",
        name="City Channel Panel",
        kind=e.PanelKind.CHANNEL,
        chair_organisation=council,
        confidentiality_policy=e.ConfidentialityPolicy.VERBAL_STATEMENT_MINUTED,
        areas=[city],
        police_forces=[police],
    )
    panel.meetings = [
        PanelMeeting(
            ref="city-channel-2021-05",
            held_on=date(2021, 5, 12),
            minutes_ref="CP/2021/05",
            cases_discussed=3,
            resident_area_police_present=True,
            attendees=[
                attendee("Prevent Co-ordinator", council, "verbal_recorded_in_minutes", "CP/2021/05 item 1"),
            ],
        )
    ]
    return context(
        AS_OF,
        areas=[city],
        organisations=[council, police],
        storage_systems=[pcm],
        privacy_notices=notices,
        data_flows=[flow],
        dsas=[dsa],
        panels=[panel],
    )


def raised(ctx):
    return [(f.rule, f.subject_ref, f.severity.value) for f in evaluate(ctx)]


def test_the_spec_example_raises_exactly_what_the_spec_says():
    assert raised(foi_council()) == [
        ("DPIA_MISSING", "council-to-police-referrals", "high"),
        ("CONFIDENTIALITY_VERBAL_ONLY", "city-channel-2021-05", "low"),
        ("CHILDREN_NO_BEST_INTERESTS", "council-to-police-referrals", "high"),
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"data_categories": ["identifiers_contact", "sc_religious"], "subjects_children": False},
        {"data_categories": ["identifiers_contact", "criminal_offence_alleged"], "subjects_children": False},
        {"data_categories": ["identifiers_contact"], "subjects_children": True},
    ],
)
def test_dpia_missing_on_each_flow_carrying_special_category_criminal_or_childrens_data(changes):
    codes = {code for code, _, _ in raised(foi_council(**changes))}
    assert "DPIA_MISSING" in codes
    assert ("CHILDREN_NO_BEST_INTERESTS" in codes) is changes["subjects_children"]
    assert not codes & {"PROCESSOR_NO_CONTRACT", "FLOW_NO_AGREEMENT", "SHARED_OUTSIDE_AGREEMENT", "STORAGE_UNAPPROVED"}
