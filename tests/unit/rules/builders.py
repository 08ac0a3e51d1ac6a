"""A compliant register built in memory (no database, no session), for the rule tests to break one
thing at a time. `baseline()` raises no finding; `context(**records)` wraps any records in a RuleContext."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import count

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
from compliance.rules.base import RaisedFinding
from compliance.rules.context import RuleContext
from compliance.rules.engine import evaluate

AS_OF = date(2026, 11, 25)  # financial year 2026/27

SCHEDULE_7 = frozenset(
    {
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
)
PANEL_MEMBERS = frozenset({"local_authority", "police"})
MOU_COUNTS = frozenset({"government_department", "home_office", "police", "regulator", "executive_agency"})
# register-format.md, additions for the Data (Use and Access) Act 2025.
PUBLIC_AUTHORITIES = frozenset(
    {
        "local_authority",
        "police",
        "nhs_body",
        "school",
        "further_education",
        "higher_education",
        "probation",
        "prison",
        "youth_offending_team",
        "government_department",
        "home_office",
        "regulator",
        "executive_agency",
    }
)
# The domain brief §3a: recognised legitimate interest from 5 February 2026, the complaints duty
# from 19 June 2026 (seeds/reference/commencements.json; a test checks the two agree).
COMMENCEMENTS = {"recognised_legitimate_interest": date(2026, 2, 5), "complaints_duty": date(2026, 6, 19)}

PARTNER_TYPES = {
    t: PartnerTypeInfo(
        code=t,
        label=t.value.replace("_", " "),
        schedule_7=t.value in SCHEDULE_7,
        panel_member=t.value in PANEL_MEMBERS,
        mou_can_count_as_dsa=t.value in MOU_COUNTS,
        competent_authority_by_default=t == e.PartnerType.POLICE,
        public_authority_by_default=t.value in PUBLIC_AUTHORITIES,
    )
    for t in e.PartnerType
}


def context(as_of: date = AS_OF, **records) -> RuleContext:
    """A RuleContext over in-memory records, e.g. context(data_flows=[flow], organisations=[a, b])."""
    return RuleContext(as_of=as_of, partner_types=PARTNER_TYPES, commencements=COMMENCEMENTS, **records)


def organisation(ref: str, partner_type: str, area: Area | None = None, **kw) -> Organisation:
    kw.setdefault("apd_ref", f"APD-{ref}")
    kw.setdefault("complaints_procedure_ref", f"https://{ref}.example/complaints")
    org = Organisation(ref=ref, name=ref.replace("-", " ").title(), partner_type=e.PartnerType(partner_type), **kw)
    org.areas = [area] if area is not None else []
    return org


def basis(party: Organisation, **kw) -> LawfulBasis:
    """A complete basis: Part 3 with a Sch 8 condition for police, UK GDPR Arts 6, 9 (+Sch 1) and 10 otherwise."""
    if party.partner_type == e.PartnerType.POLICE:
        fields = dict(regime=e.Regime.DPA_PART3, part3=e.Part3Basis.S35_2_B_NECESSARY, sch8_condition="para 1")
    else:
        fields = dict(
            regime=e.Regime.UK_GDPR,
            art6=e.Art6Basis.E_PUBLIC_TASK,
            art9=e.Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST,
            sch1_paragraph=10,
            art10=e.Art10Basis.SCH1_CONDITION,
        )
    fields["recorded_on"] = date(2024, 3, 1)
    fields.update(kw)
    return LawfulBasis(party=party, **fields)


_SURNAMES = count(1)


def attendee(role: str, org: Organisation, method: str | None = "signed_agreement", minutes_ref=None, name=None):
    """A meeting attendee (with a made-up name); method None = no confidentiality record at all."""
    name = name or f"Alex Surname{next(_SURNAMES)}x"
    person = MeetingAttendee(name=name, role=role, organisation=org, membership=e.Membership.CORE)
    if method is not None:
        person.confidentiality = ConfidentialityRecord(
            method=e.ConfidentialityMethod(method),
            minutes_ref=minutes_ref,
            signed_on=date(2026, 10, 1) if method == "signed_agreement" else None,
        )
    return person


def designation(kind: str, year: str = "2026/27", source: str | None = "Home Office letter") -> AreaDesignation:
    return AreaDesignation(
        kind=e.DesignationKind(kind), value=kind == "prevent_priority_area", financial_year=year, source=source
    )


def area(ref: str = "city") -> Area:
    made = Area(ref=ref, name=ref.title(), nation=e.Nation.ENGLAND)
    made.designations = [designation("prevent_priority_area"), designation("dovetail_area")]
    return made


@dataclass
class Register:
    """The records of one register, with the baseline's main records by name."""

    area: Area
    council: Organisation
    police: Organisation
    dsa: Dsa
    dpia: Dpia
    storage: StorageSystem
    panel: Panel
    meeting: PanelMeeting
    flow: DataFlow | None = None
    areas: list[Area] = field(default_factory=list)
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
        return context(
            as_of,
            areas=self.areas,
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

    def findings(self, *codes: str, as_of: date = AS_OF) -> list[RaisedFinding]:
        return evaluate(self.context(as_of), codes=codes or None)

    def raised(self, *codes: str, as_of: date = AS_OF) -> list[tuple[str, str, str]]:
        """(rule, subject ref, severity) of every finding, or of the given rules only."""
        return [(f.rule, f.subject_ref, f.severity.value) for f in self.findings(*codes, as_of=as_of)]

    def message(self, code: str, as_of: date = AS_OF) -> str:
        [finding] = self.findings(code, as_of=as_of)
        return finding.message

    def add_area(self, ref: str) -> Area:
        made = area(ref)
        self.areas.append(made)
        return made

    def add_organisation(self, ref: str, partner_type: str, with_notice: bool = True, area=None, **kw):
        org = organisation(ref, partner_type, area or self.area, **kw)
        self.organisations.append(org)
        if with_notice:
            self.notices.append(PrivacyNotice(ref=f"{ref}-notice", controller=org, scope=e.NoticeScope.CORPORATE))
        return org

    def add_flow(self, ref: str, sender: Organisation, recipient: Organisation, **kw) -> DataFlow:
        """A live routine flow under the baseline DSA and DPIA, complete unless kw says otherwise."""
        fields = dict(
            name=ref,
            area=self.area,
            programme=e.Programme.PREVENT_REFERRAL,
            frequency=e.Frequency.ROUTINE,
            transfer_channel=e.TransferChannel.SECURE_EMAIL,
            relationship_=e.Relationship.INDEPENDENT_CONTROLLERS,
            status=e.FlowStatus.LIVE,
            started_on=date(2024, 4, 1),
            data_categories=["identifiers_contact"],
            retention_period="6y",
            retention_trigger=e.RetentionTrigger.CASE_CLOSURE,
            ropa_ref=f"ROPA-{ref}",
            dsa=self.dsa,
            dpia=self.dpia,
        )
        fields.update(kw)
        flow = DataFlow(ref=ref, sender=sender, recipient=recipient, **fields)
        flow.lawful_bases = [basis(sender), basis(recipient)]
        flow.storage_systems = [self.storage]
        self.flows.append(flow)
        return flow


def baseline() -> Register:
    """Council to police in one area, every control in place: the rules raise nothing."""
    city = area("city")
    council = organisation("city-council", "local_authority", city)
    police = organisation("county-police", "police", city)
    city.responsible_authority = council
    dsa = Dsa(
        ref="city-dsa",
        title="City DSA",
        status=e.DsaStatus.IN_FORCE,
        template_origin=e.TemplateOrigin.LA_TEMPLATE,
        review_due=date(2027, 3, 31),
        expires_on=date(2028, 3, 31),
    )
    dsa.parties = [
        DsaParty(organisation=council, signed_on=date(2024, 3, 20), signatory_name="Morgan Signame", position=0),
        DsaParty(organisation=police, signed_on=date(2024, 3, 25), signatory_name="Drew Inkname", position=1),
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
    panel.areas = [city]
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
    reg = Register(
        area=city, council=council, police=police, dsa=dsa, dpia=dpia, storage=storage, panel=panel, meeting=meeting
    )
    reg.areas, reg.organisations = [city], [council, police]
    reg.notices = [
        PrivacyNotice(ref=f"{org.ref}-notice", controller=org, scope=e.NoticeScope.SERVICE_SPECIFIC)
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
