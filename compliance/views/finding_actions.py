"""From a finding to its fix in one step: for every rule, the action that remedies it.

`ACTIONS` maps each rule code (gap-rules.md, compliance/rules/) to what its finding page offers:
a new record's form, pre-filled and linked to the finding's record on save ("Record a DPIA for
this flow"); the record's form with only the few fields the rule is about; a party's lawful
basis; an attendee's confidentiality; and, where the only remedy is a decision, accepting the
risk. Every link carries `next`, the finding's page, to come back to it once saved. Nothing here
writes: the forms save through services/write_scope.py like any other, so the user's areas
and the record's version are checked there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for

from ..exchange import fields as f
from ..models.enums import FindingStatus, SubjectType
from ..services import findings, meetings, records
from ..services.access import NotVisible, Scope


@dataclass(frozen=True)
class Action:
    text: str
    href: str
    decision: bool = False  # accepting the risk: for those who may change the register


@dataclass(frozen=True)
class Subject:
    """The finding's record and where its page is."""

    key: str  # the record's list name ("data_flows"), or "meetings" for a panel meeting
    obj: Any
    back: str  # the finding's page: every form returns there


Builder = Callable[[Subject], list[Action]]


def _refs(*orgs: Any) -> list[str]:
    return list(dict.fromkeys(org.ref for org in orgs if org is not None))


def create(key: str, text: str, link: str | None = None, prefill: Callable[[Any], dict] | None = None) -> Builder:
    """A new `key` record's form, pre-filled from the subject (`prefill`), with a reference
    suggested, and (`link`: the subject's field) linked to the subject by the same save."""

    def build(subject: Subject) -> list[Action]:
        values = prefill(subject.obj) if prefill else {}
        ref = records.unused_ref(key, f"{f.BY_KEY[key].subject.replace('_', '-')}-{subject.obj.ref}")
        if link:
            values["link"] = f"{subject.key}:{subject.obj.ref}:{link}"
        return [Action(text, url_for("records.create", key=key, ref=ref, next=subject.back, **values))]

    return build


def edit(text: str, fields: tuple[str, ...], of: Callable[[Any], Any] | None = None, key: str | None = None) -> Builder:
    """The subject's form (or, with `of` and `key`, that of a record it links to) showing only
    `fields`; nothing when the linked record is absent."""

    def build(subject: Subject) -> list[Action]:
        obj = of(subject.obj) if of else subject.obj
        if obj is None or getattr(obj, "is_archived", False):
            return []
        target = key or subject.key
        href = url_for("records.edit", key=target, ref=obj.ref, fields=",".join(fields), next=subject.back)
        return [Action(text, href)]

    return build


def lawful_basis(text: str) -> Builder:
    """The lawful basis page of each party of the flow ("Record the Art 9 condition of <sender>")."""

    def build(subject: Subject) -> list[Action]:
        flow = subject.obj
        parties = {org.ref: org for org in (flow.sender, flow.recipient) if org is not None}
        return [
            Action(
                text.format(party=org.name),
                url_for(
                    "records.nested",
                    key="data_flows",
                    ref=flow.ref,
                    part="lawful_bases",
                    party=org.ref,
                    next=subject.back,
                ),
            )
            for org in parties.values()
        ]

    return build


def signatures(subject: Subject) -> list[Action]:
    """DSA_UNSIGNED: each party's signature still to record, and the parties themselves."""
    dsa = subject.obj
    records.load_party_organisations(dsa)
    actions = [
        Action(
            f"Record the signature of {party.organisation.name}",
            url_for(
                "records.nested",
                key="dsas",
                ref=dsa.ref,
                part="parties",
                party=party.organisation.ref,
                next=subject.back,
            ),
        )
        for party in dsa.parties
        if party.signed_on is None
    ]
    return actions + edit("Add the flows' senders and recipients as parties", ("party_organisations",))(subject)


def attendees(text: str, wanted: Callable[[Any], bool]) -> Builder:
    """The confidentiality page of each attendee of the meeting `wanted` picks."""

    def build(subject: Subject) -> list[Action]:
        meeting = subject.obj
        return [
            Action(
                text.format(who=f"{attendee.role} ({attendee.organisation.name})"),
                url_for(
                    "meetings.change_attendee", meeting_ref=meeting.ref, attendee_id=attendee.id, next=subject.back
                ),
            )
            for attendee in meeting.attendees
            if wanted(attendee)
        ]

    return build


def page(endpoint: str, text: str) -> Builder:
    """A page of the subject's own (records.retention, records.designation), returning to the finding."""

    def build(subject: Subject) -> list[Action]:
        return [Action(text, url_for(endpoint, ref=subject.obj.ref, next=subject.back))]

    return build


def _unrecorded(attendee: Any) -> bool:
    record = attendee.confidentiality
    if record is None:
        return True
    method = record.method.value
    return method in ("verbal_not_recorded", "none") or (
        method == "verbal_recorded_in_minutes" and not record.minutes_ref
    )


def _verbal(attendee: Any) -> bool:
    return attendee.confidentiality is not None and attendee.confidentiality.method.value.startswith("verbal")


def accept_risk(text: str = "Accept the risk, with the reason and a date to look at it again") -> Builder:
    """A decision, not a record: the form on the finding's own page."""

    def build(subject: Subject) -> list[Action]:
        return [Action(text, f"{subject.back}#accept-risk", decision=True)]

    return build


def meeting_page(text: str) -> Builder:
    def build(subject: Subject) -> list[Action]:
        return [Action(text, url_for("meetings.show", meeting_ref=subject.obj.ref, next=subject.back))]

    return build


def _dpia_for(flow: Any) -> dict:
    return {
        "title": f"DPIA: {flow.name}"[:500],
        "controller": flow.sender.ref,
        "regime": "dpa_s64" if flow.sender.partner_type.value == "police" else "uk_gdpr_art35",
        # What closes the finding is a completed DPIA; whether it records the child's best
        # interests is for the DPO to say (CHILDREN_NO_BEST_INTERESTS), so it is not suggested.
        "status": "completed",
    }


def _dsa_for(flow: Any) -> dict:
    return {
        "title": f"Data sharing agreement: {flow.name}"[:500],
        "party_organisations": _refs(flow.sender, flow.recipient),
    }


def _notice_of(flow: Any) -> dict:
    return {"controller": flow.sender.ref, "title": f"Privacy notice of {flow.sender.name}"[:500]}


FLOW_AGREEMENT = ("dsa", "mou")
DPIA_LINK = edit("Link an existing DPIA to this flow", ("dpia",))

# Rule code -> what its finding page offers, first the usual fix. Every rule has at least one
# (tests/web/test_finding_actions.py); a builder that finds nothing to offer offers nothing.
ACTIONS: dict[str, tuple[Builder, ...]] = {
    # Data flows (G01-G06, G08, G09, G13, G15, G19, G22, G27-G29, G32-G34)
    "FLOW_NO_AGREEMENT": (
        create("dsas", "Record a data sharing agreement for this flow", "dsa", _dsa_for),
        edit("Link an existing agreement or MOU", FLOW_AGREEMENT),
    ),
    "MOU_NOT_A_DSA": (
        create("dsas", "Record a data sharing agreement for this flow", "dsa", _dsa_for),
        edit("Link an existing agreement", ("dsa",)),
    ),
    "SHARED_OUTSIDE_AGREEMENT": (
        edit("Change the channel or link an agreement", ("transfer_channel", "dsa")),
        edit("Change the channels the agreement allows", ("allowed_channels",), of=lambda flow: flow.dsa, key="dsas"),
    ),
    "LAWFUL_BASIS_MISSING": (lawful_basis("Record the lawful basis of {party}"),),
    "SPECIAL_CATEGORY_NO_CONDITION": (lawful_basis("Record the Art 9 condition of {party}"),),
    "CRIMINAL_DATA_NO_CONDITION": (lawful_basis("Record the Art 10 basis of {party}"),),
    "POLICE_NO_PART3_BASIS": (lawful_basis("Record the Part 3 basis of {party}"),),
    "DPIA_MISSING": (create("dpias", "Record a DPIA for this flow", "dpia", _dpia_for), DPIA_LINK),
    "PROCESSOR_NO_CONTRACT": (
        create(
            "processing_contracts",
            "Record the processing contract",
            prefill=lambda flow: {"controller": flow.sender.ref, "processor": flow.recipient.ref},
        ),
        edit("Change the relationship or the storage systems", ("relationship", "storage_systems")),
    ),
    "JOINT_CONTROLLERS_NO_ARRANGEMENT": (
        create(
            "joint_controller_arrangements",
            "Record the joint controller arrangement",
            prefill=lambda flow: {"parties": _refs(flow.sender, flow.recipient)},
        ),
    ),
    "RETENTION_MISSING": (page("records.retention", "Record how long the data is kept"),),
    "PRIVACY_NOTICE_MISSING": (
        create("privacy_notices", "Record the sender's privacy notice for this flow", "privacy_notices", _notice_of),
        edit("Link existing privacy notices", ("privacy_notices",)),
    ),
    "INTELLIGENCE_DATA_TO_PARTNER": (
        edit("Change the recipient or the kinds of data", ("recipient", "data_categories")),
        accept_risk(),
    ),
    "CHILDREN_NO_BEST_INTERESTS": (
        edit(
            "Record that the DPIA considered the child's best interests",
            ("best_interests_recorded",),
            of=lambda flow: flow.dpia,
            key="dpias",
        ),
        lambda subject: (
            [] if subject.obj.dpia else create("dpias", "Record a DPIA for this flow", "dpia", _dpia_for)(subject)
        ),
    ),
    "ROPA_ENTRY_MISSING": (edit("Record the processing activities entry", ("ropa_ref",)),),
    "CONSENT_AS_LAWFUL_BASIS": (lawful_basis("Change the lawful basis of {party}"),),
    "RECOGNISED_LI_MISUSED": (lawful_basis("Change the lawful basis of {party}"),),
    "LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY": (lawful_basis("Change the lawful basis of {party}"),),
    # Organisations (G07, G31, G35)
    "APD_MISSING": (edit("Record the appropriate policy document", ("apd_ref",)),),
    "PANEL_PARTNER_UNGOVERNED": (
        create(
            "dsas",
            "Record a data sharing agreement with this organisation",
            prefill=lambda org: {
                "title": f"Data sharing agreement with {org.name}"[:500],
                "party_organisations": [org.ref],
            },
        ),
        create(
            "mous",
            "Record an MOU with this organisation",
            prefill=lambda org: {"title": f"MOU with {org.name}"[:500], "parties": [org.ref]},
        ),
        accept_risk(),
    ),
    "COMPLAINTS_PROCEDURE_MISSING": (edit("Record the complaints procedure", ("complaints_procedure_ref",)),),
    # DPIAs (G10-G12)
    "DPIA_AFTER_SHARING": (
        accept_risk("Accept that the DPIA came after the sharing started, with the reason"),
        edit("Correct the date the DPIA was completed", ("completed_on",)),
    ),
    "DPIA_HIGH_RISK_NOT_CONSULTED": (
        edit("Record the ICO prior consultation", ("residual_risk", "ico_prior_consultation", "ico_consulted_on")),
    ),
    "DPIA_REVIEW_OVERDUE": (edit("Record the DPIA's review", ("last_reviewed_on", "review_due")),),
    # Processing contracts (G14)
    "CONTRACT_DEFICIENT": (edit("Record the contract's Art 28 terms and end date", ("art28_clauses", "ends_on")),),
    # DSAs (G16-G18)
    "DSA_UNSIGNED": (signatures,),
    "DSA_REVIEW_OVERDUE": (edit("Record the agreement's review", ("last_reviewed_on", "review_due", "expires_on")),),
    "DSA_CONTENT_INCOMPLETE": (edit("Record what the agreement covers", ("checklist",)),),
    # Storage systems (G20, G21)
    "STORAGE_UNAPPROVED": (
        edit("Record the system's approval for Prevent data", ("approved_for_prevent", "approval_ref", "kind")),
    ),
    "STORAGE_UNASSURED": (edit("Record the system's assurance", ("hosting", "approval_ref")),),
    # Privacy notices (G23)
    "PRIVACY_NOTICE_INCOMPLETE": (edit("Record what the notice covers", ("checklist",)),),
    # Panel meetings (G24, G25) and panels (G26)
    "CONFIDENTIALITY_UNRECORDED": (
        attendees("Record confidentiality for {who}", _unrecorded),
        meeting_page("Apply the minuted confidentiality statement at the meeting"),
    ),
    "CONFIDENTIALITY_VERBAL_ONLY": (
        accept_risk("Accept verbal confidentiality recorded in the minutes, with the reason"),
        attendees("Record written confidentiality for {who}", _verbal),
    ),
    "PANEL_CONSTITUTION": (
        edit("Change the organisation that chairs the panel", ("chair_organisation",)),
        accept_risk(),
    ),
    # Areas (G30)
    "DESIGNATION_UNSOURCED": (page("records.designation", "Record the area's designation and its source"),),
}


def subject_of(finding: Any, scope: Scope) -> Subject | None:
    """The finding's record as the user sees it, or None when it is gone or out of sight."""
    back = url_for("findings.detail", finding_id=finding.id)
    try:
        if finding.subject_type == SubjectType.PANEL_MEETING:
            return Subject("meetings", meetings.get_meeting(scope, finding.subject_ref), back)
        key = findings.KEYS.get(finding.subject_type)
        if key is None or not findings.subject_is_current(finding):
            return None
        return Subject(key, records.get_record(scope, key, finding.subject_ref), back)
    except NotVisible:
        return None


def for_finding(finding: Any, scope: Scope) -> list[Action]:
    """What the finding's page offers to fix it: nothing once it is closed, or for a user who may
    not change the record (a panel chair may record their meetings' confidentiality)."""
    if finding.status == FindingStatus.REMEDIATED:
        return []
    subject = subject_of(finding, scope)
    if subject is None:
        return []
    if subject.key == "meetings":
        if not scope.can_record_meetings_of(subject.obj.panel):
            return []
    elif not scope.can_edit_register:
        return []
    actions = [action for build in ACTIONS.get(finding.rule_code, ()) for action in build(subject)]
    return [action for action in actions if scope.can_edit_register or not action.decision]
