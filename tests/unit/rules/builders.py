"""A compliant register built in memory (no database), for the rule tests to break one thing at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from compliance.models import (
    Area,
    AreaDesignation,
    ConfidentialityRecord,
    DataFlow,
    Dpia,
    Dsa,
    DsaParty,
    JointControllerArrangement,
    LawfulBasis,
    MeetingAttendee,
    Mou,
    Organisation,
    Panel,
    PanelMeeting,
    PartnerTypeInfo,
    PrivacyNotice,
    ProcessingContract,
    StorageSystem,
)
from compliance.models import enums as e
from compliance.rules.context import RuleContext
from compliance.rules.engine import evaluate

AS_OF = date(2026, 11, 25)

SCHEDULE_7 = {
    "local_authority",
    "nhs_body",
    "school",
    "further_education",
    "higher_education",
    "probation",
    "prison",
    "youth_offending_team",
    "childrens_home_or_fostering",
    "government_department",
    "home_office",
}
MOU_COUNTS = {"government_department", "home_office", "police", "regulator", "executive_agency"}

PARTNER_TYPES = {
    t: PartnerTypeInfo(
        code=t,
        label=t.value,
        schedule_7=t.value in SCHEDULE_7,
        panel_member=t.value in {"local_authority", "police"},
        mou_can_count_as_dsa=t.value in MOU_COUNTS,
        competent_authority_by_default=t == e.PartnerType.POLICE,
    )
    for t in e.PartnerType
}


def organisation(ref: str, partner_type: str, area: Area | None = None, **kw) -> Organisation:
    org = Organisation(
        ref=ref,
        name=ref.replace("-", " ").title(),
        partner_type=e.PartnerType(partner_type),
        apd_ref=kw.pop("apd_ref", f"APD-{ref}"),
        **kw,
    )
    org.areas = [area] if area is not None else []
    return org


def basis(party: Organisation, **kw) -> LawfulBasis:
    if party.partner_type == e.PartnerType.POLICE:
        defaults = dict(
            regime=e.Regime.DPA_PART3, part3=e.Part3Basis.S35_2_B_NECESSARY, sch8_condition="para 1 statutory purposes"
        )
    else:
        defaults = dict(
            regime=e.Regime.UK_GDPR,
            art6=e.Art6Basis.E_PUBLIC_TASK,
            art9=e.Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST,
            sch1_paragraph=10,
            art10=e.Art10Basis.SCH1_CONDITION,
        )
    defaults.update(recorded_on=date(2024, 3, 1))
    defaults.update(kw)
    return LawfulBasis(party=party, **defaults)


@dataclass
class Register:
    area: Area
    council: Organisation
    police: Organisation
    dsa: Dsa
    dpia: Dpia
    storage: StorageSystem
    panel: Panel
    meeting: PanelMeeting
    flow: DataFlow | None = None
    organisations: list[Organisation] = field(default_factory=list)
    notices: list[PrivacyNotice] = field(default_factory=list)
    flows: list[DataFlow] = field(default_factory=list)
    dsas: list[Dsa] = field(default_factory=list)
    dpias: list[Dpia] = field(default_factory=list)
    storage_systems: list[StorageSystem] = field(default_factory=list)
    contracts: list[ProcessingContract] = field(default_factory=list)
    mous: list[Mou] = field(default_factory=list)
    arrangements: list[JointControllerArrangement] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)

    def context(self, as_of: date = AS_OF) -> RuleContext:
        return RuleContext(
            as_of=as_of,
            partner_types=PARTNER_TYPES,
            areas=[self.area],
            organisations=self.organisations,
            storage_systems=self.storage_systems,
            privacy_notices=self.notices,
            data_flows=self.flows,
            dsas=self.dsas,
            dpias=self.dpias,
            processing_contracts=self.contracts,
            mous=self.mous,
            joint_controller_arrangements=self.arrangements,
            panels=self.panels,
        )

    def raised(self, *codes: str, as_of: date = AS_OF) -> list[tuple[str, str, str]]:
        """(rule, subject ref, severity) of every finding, or of the given rules only."""
        findings = evaluate(self.context(as_of), codes=codes or None)
        return [(f.rule, f.subject_ref, f.severity.value) for f in findings]

    def findings(self, as_of: date = AS_OF):
        return evaluate(self.context(as_of))

    def add_organisation(self, ref: str, partner_type: str, with_notice: bool = True, **kw) -> Organisation:
        org = organisation(ref, partner_type, self.area, **kw)
        self.organisations.append(org)
        if with_notice:
            self.notices.append(PrivacyNotice(ref=f"{ref}-notice", controller=org, scope=e.NoticeScope.CORPORATE))
        return org

    def add_flow(self, ref: str, sender: Organisation, recipient: Organisation, **kw) -> DataFlow:
        flow = DataFlow(
            ref=ref,
            name=ref,
            area=self.area,
            programme=e.Programme.PREVENT_REFERRAL,
            sender=sender,
            recipient=recipient,
            frequency=kw.pop("frequency", e.Frequency.ROUTINE),
            transfer_channel=kw.pop("transfer_channel", e.TransferChannel.SECURE_EMAIL),
            relationship_=kw.pop("relationship_", e.Relationship.INDEPENDENT_CONTROLLERS),
            status=kw.pop("status", e.FlowStatus.LIVE),
            started_on=kw.pop("started_on", date(2024, 4, 1)),
            data_categories=kw.pop("data_categories", ["identifiers_contact"]),
            retention_period="6y",
            retention_trigger=e.RetentionTrigger.CASE_CLOSURE,
            ropa_ref=f"ROPA-{ref}",
            dsa=kw.pop("dsa", self.dsa),
            dpia=kw.pop("dpia", self.dpia),
            **kw,
        )
        flow.lawful_bases = [basis(sender), basis(recipient)]
        flow.storage_systems = [self.storage]
        self.flows.append(flow)
        return flow


def attendee(
    role: str,
    org: Organisation,
    method: str | None = "signed_agreement",
    minutes_ref: str | None = None,
    name: str = "Pat Example",
) -> MeetingAttendee:
    person = MeetingAttendee(name=name, role=role, organisation=org, membership=e.Membership.CORE)
    if method is not None:
        person.confidentiality = ConfidentialityRecord(
            method=e.ConfidentialityMethod(method),
            minutes_ref=minutes_ref,
            signed_on=date(2026, 10, 1) if method == "signed_agreement" else None,
        )
    return person


def baseline() -> Register:
    """Council to police, every control in place: the rules raise nothing."""
    area = Area(ref="city", name="City", nation=e.Nation.ENGLAND)
    area.designations = [
        AreaDesignation(
            kind=e.DesignationKind.PREVENT_PRIORITY_AREA,
            value=True,
            financial_year="2026/27",
            source="Home Office funding letter",
        ),
        AreaDesignation(
            kind=e.DesignationKind.DOVETAIL_AREA, value=False, financial_year="2026/27", source="Home Office"
        ),
    ]
    council = organisation("city-council", "local_authority", area)
    police = organisation("county-police", "police", area)
    area.responsible_authority = council
    dsa = Dsa(
        ref="city-dsa",
        title="City DSA",
        status=e.DsaStatus.IN_FORCE,
        template_origin=e.TemplateOrigin.LA_TEMPLATE,
        review_due=date(2027, 3, 31),
    )
    dsa.parties = [
        DsaParty(organisation=council, signed_on=date(2024, 3, 20), position=0),
        DsaParty(organisation=police, signed_on=date(2024, 3, 25), position=1),
    ]
    dpia = Dpia(
        ref="city-dpia",
        title="City DPIA",
        controller=council,
        status=e.DpiaStatus.COMPLETED,
        completed_on=date(2024, 2, 1),
        review_due=date(2027, 2, 1),
        best_interests_recorded=True,
        residual_risk=e.RiskLevel.LOW,
    )
    storage = StorageSystem(
        ref="pcm",
        name="PCM",
        kind=e.StorageKind.NATIONAL_PCM,
        approved_for_prevent=True,
        approval_ref="CTP national",
        hosting=e.Hosting.ON_PREMISES,
    )
    panel = Panel(
        ref="city-channel",
        name="City Channel Panel",
        kind=e.PanelKind.CHANNEL,
        chair_organisation=council,
        confidentiality_policy=e.ConfidentialityPolicy.SIGNED_EACH_MEETING,
    )
    panel.areas = [area]
    panel.police_forces = [police]
    meeting = PanelMeeting(
        ref="city-channel-2026-10",
        held_on=date(2026, 10, 14),
        minutes_ref="CP/2026/10",
        cases_discussed=3,
        resident_area_police_present=True,
    )
    meeting.attendees = [attendee("Chair", council), attendee("Police practitioner", police)]
    panel.meetings = [meeting]
    flow = DataFlow(ref="placeholder", name="x")  # replaced below
    reg = Register(
        area=area,
        council=council,
        police=police,
        flow=flow,
        dsa=dsa,
        dpia=dpia,
        storage=storage,
        panel=panel,
        meeting=meeting,
    )
    reg.organisations = [council, police]
    reg.notices = [
        PrivacyNotice(ref=f"{org.ref}-notice", controller=org, scope=e.NoticeScope.CORPORATE)
        for org in (council, police)
    ]
    reg.dsas, reg.dpias, reg.storage_systems, reg.panels = [dsa], [dpia], [storage], [panel]
    reg.flow = reg.add_flow(
        "referrals",
        council,
        police,
        data_categories=["identifiers_contact", "sc_religious", "criminal_offence_alleged"],
        subjects_children=True,
    )
    return reg
