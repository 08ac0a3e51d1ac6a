"""The loaded register the rules read: records plus indexes built once per evaluation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..models import (
    Area,
    DataFlow,
    Dpia,
    Dsa,
    JointControllerArrangement,
    LawfulBasis,
    Mou,
    Organisation,
    Panel,
    PanelMeeting,
    PartnerTypeInfo,
    PrivacyNotice,
    ProcessingContract,
    StorageSystem,
)
from ..models.enums import Art6Basis, Art9Condition, Part3Basis, PartnerType, Regime, Relationship, SubjectType

# The lawful-basis rules `RuleContext.live_flows_faulting_bases` answers for, in its order.
BASIS_RULES = (
    "SPECIAL_CATEGORY_NO_CONDITION",
    "CRIMINAL_DATA_NO_CONDITION",
    "POLICE_NO_PART3_BASIS",
    "CONSENT_AS_LAWFUL_BASIS",
    "RECOGNISED_LI_MISUSED",
    "LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY",
)


@dataclass(eq=False)
class RuleContext:
    as_of: date
    partner_types: Mapping[PartnerType, PartnerTypeInfo]
    # When each provision the rules apply came into force, by code (seeds/reference/commencements.json).
    commencements: Mapping[str, date] = field(default_factory=dict)
    areas: Sequence[Area] = ()
    organisations: Sequence[Organisation] = ()
    storage_systems: Sequence[StorageSystem] = ()
    privacy_notices: Sequence[PrivacyNotice] = ()
    data_flows: Sequence[DataFlow] = ()
    dsas: Sequence[Dsa] = ()
    dpias: Sequence[Dpia] = ()
    processing_contracts: Sequence[ProcessingContract] = ()
    mous: Sequence[Mou] = ()
    joint_controller_arrangements: Sequence[JointControllerArrangement] = ()
    panels: Sequence[Panel] = ()

    # Answers kept per organisation (identity) for one evaluation: the rules ask about each party
    # of each flow's lawful bases (some 50,000 questions a rule over a national register).
    @cached_property
    def _competent(self) -> dict[Organisation, bool]:
        return {}

    @cached_property
    def _public(self) -> dict[Organisation, bool]:
        return {}

    @cached_property
    def _processor_pairs(self) -> dict[DataFlow, tuple[tuple[Organisation, Organisation], ...]]:
        return {}

    @cached_property
    def _memos(self) -> dict[Hashable, dict]:
        return {}

    def memo(self, name: Hashable) -> dict:
        """A dictionary kept for this evaluation under `name`, for a rule's answers that depend on
        its key alone (not on the subject asking); a name that includes what else they depend on
        (the date: `(code, ctx.as_of)`) reads that for every subject, as the date watch expects."""
        return self._memos.setdefault(name, {})

    @cached_property
    def _without_evidence(self) -> dict[int, tuple[PanelMeeting, list]]:
        return {}

    def attendees_without_evidence(self, meeting: PanelMeeting, has_evidence) -> list:
        """The attendees of `meeting` for whom `has_evidence` (rules.panels) is false, worked out
        once a meeting for the two confidentiality rules (90,000 attendees in a national register).
        Kept by the meeting's identity, beside the meeting itself (so the identity is not reused):
        a meeting previewed before it is saved is a stand-in that cannot be a dictionary key."""
        kept = self._without_evidence.get(id(meeting))
        if kept is not None:
            return kept[1]
        found = [a for a in meeting.attendees if not has_evidence(a)]
        self._without_evidence[id(meeting)] = (meeting, found)
        return found

    # --- partner-type facts -------------------------------------------------------------
    def partner_type(self, organisation: Organisation) -> PartnerTypeInfo | None:
        return self.partner_types.get(organisation.partner_type)

    def is_competent_authority(self, organisation: Organisation) -> bool:
        """DPA 2018 Part 3: as recorded, else the partner type's default (police)."""
        return self._recorded_or_default(self._competent, organisation, "competent_authority")

    def is_public_authority(self, organisation: Organisation) -> bool:
        """UK GDPR Art 6(1), words after point (f): as recorded, else the partner type's default."""
        return self._recorded_or_default(self._public, organisation, "public_authority")

    def _recorded_or_default(self, kept: dict[Organisation, bool], organisation: Organisation, fact: str) -> bool:
        """The organisation's `fact` as recorded, else its partner type's `<fact>_by_default`;
        worked out once an organisation for this evaluation (`kept`)."""
        try:
            return kept[organisation]
        except KeyError:
            pass
        recorded = getattr(organisation, fact)
        if recorded is not None:
            answer = recorded
        else:
            info = self.partner_type(organisation)
            answer = bool(info and getattr(info, f"{fact}_by_default"))
        kept[organisation] = answer
        return answer

    def owes_panel_confidentiality(self, organisation: Organisation) -> bool:
        """A Schedule 7 partner or a panel member (s37/s38 CTSA 2015)."""
        info = self.partner_type(organisation)
        return bool(info and (info.schedule_7 or info.panel_member))

    def mou_can_count_as_dsa(self, organisation: Organisation) -> bool:
        info = self.partner_type(organisation)
        return bool(info and info.mou_can_count_as_dsa)

    # --- the law of the evaluation date ----------------------------------------------------
    def commenced_on(self, provision: str) -> date:
        try:
            return self.commencements[provision]
        except KeyError:
            raise LookupError(
                f"no commencement date for {provision!r}: load the reference data (compliance seed reference)"
            ) from None

    def in_force(self, provision: str) -> bool:
        """Whether the provision was in force on the evaluation date (the register is judged by
        the law of its date)."""
        return self.as_of >= self.commenced_on(provision)

    # --- subjects -----------------------------------------------------------------------
    @cached_property
    def meetings(self) -> list[PanelMeeting]:
        return [meeting for panel in self.panels for meeting in panel.meetings]

    def subjects(self, subject_type: SubjectType) -> Sequence:
        return {
            SubjectType.DATA_FLOW: self.data_flows,
            SubjectType.DSA: self.dsas,
            SubjectType.DPIA: self.dpias,
            SubjectType.PROCESSING_CONTRACT: self.processing_contracts,
            SubjectType.MOU: self.mous,
            SubjectType.ORGANISATION: self.organisations,
            SubjectType.STORAGE_SYSTEM: self.storage_systems,
            SubjectType.PRIVACY_NOTICE: self.privacy_notices,
            SubjectType.PANEL: self.panels,
            SubjectType.PANEL_MEETING: self.meetings,
            SubjectType.AREA: self.areas,
        }[subject_type]

    # --- indexes ------------------------------------------------------------------------
    @cached_property
    def live_flows(self) -> list[DataFlow]:
        return [flow for flow in self.data_flows if flow.is_live]

    # Indexes are keyed by the records themselves (identity), so they work the same for
    # records loaded from the database and for records built in memory by the unit tests.
    @cached_property
    def notice_controllers(self) -> frozenset[Organisation]:
        return frozenset(notice.controller for notice in self.privacy_notices)

    @cached_property
    def live_bases_by_party(self) -> Mapping[Organisation, list[tuple[DataFlow, LawfulBasis]]]:
        index: dict[Organisation, list[tuple[DataFlow, LawfulBasis]]] = defaultdict(list)
        for flow in self.live_flows:
            for basis in flow.lawful_bases:
                index[basis.party].append((flow, basis))
        return index

    @cached_property
    def live_flows_faulting_bases(self) -> Mapping[str, frozenset[DataFlow]]:
        """For six of the lawful-basis rules (by code), the live flows with at least one basis
        that rule finds fault with, judged by the basis alone: the rule looks no further at the
        others. One pass over the bases for all six (each rule looping over every flow's bases
        was a third of the rules' time in a national register)."""
        index: dict[str, set[DataFlow]] = {code: set() for code in BASIS_RULES}
        no_art9, no_art10, part3_for_police, consent, ea, f_public = (index[code] for code in BASIS_RULES)
        for flow in self.live_flows:
            for basis in flow.lawful_bases:
                gdpr = basis.regime == Regime.UK_GDPR
                if gdpr and (
                    basis.art9 is None
                    or (basis.art9 == Art9Condition.G_SUBSTANTIAL_PUBLIC_INTEREST and basis.sch1_paragraph is None)
                ):
                    no_art9.add(flow)
                if gdpr and basis.art10 is None:
                    no_art10.add(flow)
                if (basis.regime != Regime.DPA_PART3 or not basis.sch8_condition) and self.is_competent_authority(
                    basis.party
                ):
                    part3_for_police.add(flow)
                if basis.art6 == Art6Basis.A_CONSENT or basis.part3 == Part3Basis.S35_2_A_CONSENT:
                    consent.add(flow)
                if gdpr and basis.art6 == Art6Basis.EA_RECOGNISED_LEGITIMATE_INTEREST:
                    ea.add(flow)
                if gdpr and basis.art6 == Art6Basis.F_LEGITIMATE_INTERESTS and self.is_public_authority(basis.party):
                    f_public.add(flow)
        return {code: frozenset(flows) for code, flows in index.items()}

    @cached_property
    def live_flows_by_party(self) -> Mapping[Organisation, list[DataFlow]]:
        """The live flows each organisation sends or receives."""
        index: dict[Organisation, list[DataFlow]] = defaultdict(list)
        for flow in self.live_flows:
            for party in dict.fromkeys((flow.sender, flow.recipient)):
                index[party].append(flow)
        return index

    @cached_property
    def live_flows_by_storage_system(self) -> Mapping[StorageSystem, list[DataFlow]]:
        index: dict[StorageSystem, list[DataFlow]] = defaultdict(list)
        for flow in self.live_flows:
            for system in flow.storage_systems:
                index[system].append(flow)
        return index

    @cached_property
    def flows_by_dsa(self) -> Mapping[Dsa, list[DataFlow]]:
        return _group(self.data_flows, "dsa")

    @cached_property
    def flows_by_mou(self) -> Mapping[Mou, list[DataFlow]]:
        return _group(self.data_flows, "mou")

    @cached_property
    def flows_by_dpia(self) -> Mapping[Dpia, list[DataFlow]]:
        return _group(self.data_flows, "dpia")

    @cached_property
    def contracts_by_pair(self) -> Mapping[tuple[Organisation, Organisation], list[ProcessingContract]]:
        index: dict[tuple[Organisation, Organisation], list[ProcessingContract]] = defaultdict(list)
        for contract in self.processing_contracts:
            index[(contract.controller, contract.processor)].append(contract)
        return index

    def processor_pairs(self, flow: DataFlow) -> list[tuple[Organisation, Organisation]]:
        """(controller, processor) pairs a flow involves: a controller-to-processor flow (its sender
        and recipient) and every storage system it uses that a supplier hosts for its owner."""
        known = self._processor_pairs.get(flow)  # (kept: asked twice for each live flow a refresh)
        if known is not None:
            return list(known)
        pairs: list[tuple[Organisation, Organisation]] = []
        if flow.relationship_ == Relationship.CONTROLLER_TO_PROCESSOR:
            pairs.append((flow.sender, flow.recipient))
        for system in flow.storage_systems:
            if system.processor is not None:
                pairs.append((system.owner or flow.recipient, system.processor))
        found = self._processor_pairs[flow] = tuple(dict.fromkeys(pairs))
        return list(found)

    @cached_property
    def live_processor_pairs(self) -> frozenset[tuple[Organisation, Organisation]]:
        return frozenset(pair for flow in self.live_flows for pair in self.processor_pairs(flow))

    @cached_property
    def arrangements_by_party(self) -> Mapping[Organisation, list[JointControllerArrangement]]:
        index: dict[Organisation, list[JointControllerArrangement]] = defaultdict(list)
        for arrangement in self.joint_controller_arrangements:
            for party in arrangement.parties:
                index[party].append(arrangement)
        return index

    @cached_property
    def ungoverned_panel_areas(self) -> Mapping[Organisation, list[str]]:
        """Per organisation, the areas where it attends panel meetings but no flow, DSA or MOU involves it."""
        attending: dict[str, set[Organisation]] = defaultdict(set)
        for panel in self.panels:
            attendees = {attendee.organisation for meeting in panel.meetings for attendee in meeting.attendees}
            for area in panel.areas:
                attending[area.ref].update(attendees)
        index: dict[Organisation, list[str]] = defaultdict(list)
        for area in sorted(attending):
            governed = self.governed_organisations_by_area.get(area, frozenset())
            for organisation in attending[area] - governed:
                index[organisation].append(area)
        return index

    @cached_property
    def governed_organisations_by_area(self) -> Mapping[str, frozenset[Organisation]]:
        """Per area ref, the organisations a flow, a DSA or an MOU involves there."""
        index: dict[str, set[Organisation]] = defaultdict(set)
        for flow in self.data_flows:
            index[flow.area.ref].update((flow.sender, flow.recipient))
        for dsa in self.dsas:
            parties = [party.organisation for party in dsa.parties]
            for area in self.areas_of_dsa(dsa):
                index[area].update(parties)
        for mou in self.mous:
            for area in self.areas_of_mou(mou):
                index[area].update(mou.parties)
        return {area: frozenset(orgs) for area, orgs in index.items()}

    # --- which areas a subject belongs to -------------------------------------------------
    def areas_of(self, subject_type: SubjectType, subject) -> tuple[str, ...]:
        match subject_type:
            case SubjectType.DATA_FLOW:
                refs = [subject.area.ref]
            case SubjectType.DSA:
                refs = self.areas_of_dsa(subject)
            case SubjectType.MOU:
                refs = self.areas_of_mou(subject)
            case SubjectType.DPIA:
                refs = [flow.area.ref for flow in self.flows_by_dpia.get(subject, ())] or _org_areas(subject.controller)
            case SubjectType.PROCESSING_CONTRACT:
                refs = _org_areas(subject.controller) or _org_areas(subject.processor)
            case SubjectType.ORGANISATION:
                refs = _org_areas(subject)
            case SubjectType.STORAGE_SYSTEM:
                refs = [flow.area.ref for flow in self.live_flows_by_storage_system.get(subject, ())]
                refs = refs or (_org_areas(subject.owner) if subject.owner else [])
            case SubjectType.PRIVACY_NOTICE:
                refs = _org_areas(subject.controller)
            case SubjectType.PANEL:
                refs = [area.ref for area in subject.areas]
            case SubjectType.PANEL_MEETING:
                refs = [area.ref for area in subject.panel.areas]
            case SubjectType.AREA:
                refs = [subject.ref]
        return tuple(sorted(set(refs)))

    def areas_of_dsa(self, dsa: Dsa) -> list[str]:
        refs = [flow.area.ref for flow in self.flows_by_dsa.get(dsa, ())]
        return refs or [ref for party in dsa.parties for ref in _org_areas(party.organisation)]

    def areas_of_mou(self, mou: Mou) -> list[str]:
        refs = [flow.area.ref for flow in self.flows_by_mou.get(mou, ())]
        return refs or [ref for party in mou.parties for ref in _org_areas(party)]


def _org_areas(organisation: Organisation) -> list[str]:
    return [area.ref for area in organisation.areas]


def _group(flows: Sequence[DataFlow], key: str) -> Mapping:
    index: dict = defaultdict(list)
    for flow in flows:
        value = getattr(flow, key)
        if value is not None:
            index[value].append(flow)
    return index
