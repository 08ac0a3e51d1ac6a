"""How each record type's fields map between the exchange format and the models.

One table per record type, read by both directions (`serialise.py` writes documents, `apply.py`
writes models), so a field added to the format is added in one place. Nested structures
(designations, lawful bases, parties, meetings...) have their own tables and are handled by name
in those two modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..models import (
    ART28_CLAUSES,
    DSA_CHECKLIST,
    PRIVACY_NOTICE_CHECKLIST,
    Area,
    AreaDesignation,
    ConfidentialityRecord,
    DataFlow,
    Dpia,
    Dsa,
    DsaParty,
    DsaRedaction,
    JointControllerArrangement,
    LawfulBasis,
    MeetingAttendee,
    Mou,
    Organisation,
    Panel,
    PanelMeeting,
    PrivacyNotice,
    ProcessingContract,
    StorageSystem,
)
from ..models import enums as e


@dataclass(frozen=True)
class Field:
    """One exchange-format key. kind: value (str/int/bool), date, enum, ref (one record of
    `target`), refs (a list of them), enums (a list of `enum` values in the enum's order),
    checklist (a {item: bool} object over `items`)."""

    key: str
    kind: str = "value"
    attr: str | None = None
    enum: type[StrEnum] | None = None
    target: str | None = None
    items: tuple[str, ...] = ()
    # Written even when empty ([] and {} mean something, e.g. "no channel is allowed").
    keep_empty: bool = False

    @property
    def attribute(self) -> str:
        return self.attr or self.key


def value(key: str, attr: str | None = None) -> Field:
    return Field(key, "value", attr)


def date_(key: str, attr: str | None = None) -> Field:
    return Field(key, "date", attr)


def enum(key: str, enum_cls: type[StrEnum], attr: str | None = None) -> Field:
    return Field(key, "enum", attr, enum=enum_cls)


def ref(key: str, target: str, attr: str | None = None) -> Field:
    return Field(key, "ref", attr, target=target)


def refs(key: str, target: str, attr: str | None = None, keep_empty: bool = False) -> Field:
    return Field(key, "refs", attr, target=target, keep_empty=keep_empty)


def checklist(key: str, items: tuple[str, ...], attr: str | None = None) -> Field:
    return Field(key, "checklist", attr, items=items)


# Every record type may be archived: kept, read-only, and still in exports (docs/spec-additions.md).
ARCHIVE_FIELDS = (date_("archived_on"), value("archived_reason"))
ARCHIVE_KEYS = frozenset(field.key for field in ARCHIVE_FIELDS)


@dataclass(frozen=True)
class RecordType:
    """A top-level list of the exchange format."""

    key: str  # the list's name in the document: "data_flows"
    subject: str  # one record's type name (audit trail, findings): "data_flow"
    model: type
    own_fields: tuple[Field, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        """The record's own fields, then whether and why it was archived."""
        return self.own_fields + ARCHIVE_FIELDS

    @property
    def form_fields(self) -> tuple[Field, ...]:
        """What a record's form edits: archiving has its own pages."""
        return self.own_fields


DESIGNATION = (
    enum("kind", e.DesignationKind),
    value("value"),
    value("financial_year"),
    value("source"),
)

LAWFUL_BASIS = (
    ref("party", "organisations"),
    enum("regime", e.Regime),
    enum("art6", e.Art6Basis),
    enum("annex1_condition", e.Annex1Condition),
    enum("art9", e.Art9Condition),
    value("sch1_paragraph"),
    enum("art10", e.Art10Basis),
    enum("part3", e.Part3Basis),
    value("sch8_condition"),
    value("domestic_law"),
    date_("recorded_on"),
)

SUBJECTS = (value("children", "subjects_children"), value("vulnerable_adults", "subjects_vulnerable_adults"))

RETENTION = (
    value("period", "retention_period"),
    enum("trigger", e.RetentionTrigger, "retention_trigger"),
    value("review_points", "retention_review_points"),
    value("disposal", "retention_disposal"),
)

DSA_PARTY = (
    ref("organisation", "organisations"),
    date_("signed_on"),
    value("signatory_role"),
    value("signatory_name"),
)

REDACTION = (value("what"), enum("exemption", e.Exemption), value("reason"), value("public_interest"))

MEETING = (
    value("ref"),
    date_("held_on"),
    value("minutes_ref"),
    value("cases_discussed"),
    value("resident_area_police_present"),
)

ATTENDEE = (
    value("name"),
    value("role"),
    ref("organisation", "organisations"),
    enum("membership", e.Membership),
)

CONFIDENTIALITY = (enum("method", e.ConfidentialityMethod), value("minutes_ref"), date_("signed_on"))

# Personal data (the fields marked P in register-format.md): dropped by `export --redact`.
PERSONAL_DATA = {("dsa_party", "signatory_name"), ("attendee", "name")}

RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType(
        "areas",
        "area",
        Area,
        (value("ref"), value("name"), enum("nation", e.Nation), ref("responsible_authority", "organisations")),
    ),
    RecordType(
        "organisations",
        "organisation",
        Organisation,
        (
            value("ref"),
            value("name"),
            enum("partner_type", e.PartnerType),
            refs("areas", "areas"),
            value("ico_registration"),
            value("dpo_contact"),
            value("apd_ref"),
            value("competent_authority"),
            value("public_authority"),
            value("complaints_procedure_ref"),
            value("needs_completion"),
        ),
    ),
    RecordType(
        "storage_systems",
        "storage_system",
        StorageSystem,
        (
            value("ref"),
            value("name"),
            enum("kind", e.StorageKind),
            ref("owner", "organisations"),
            value("approved_for_prevent"),
            value("approval_ref"),
            enum("hosting", e.Hosting),
            ref("processor", "organisations"),
        ),
    ),
    RecordType(
        "privacy_notices",
        "privacy_notice",
        PrivacyNotice,
        (
            value("ref"),
            ref("controller", "organisations"),
            enum("scope", e.NoticeScope),
            value("title"),
            value("url"),
            value("section"),
            date_("published_on"),
            date_("last_reviewed_on"),
            checklist("checklist", PRIVACY_NOTICE_CHECKLIST),
        ),
    ),
    RecordType(
        "data_flows",
        "data_flow",
        DataFlow,
        (
            value("ref"),
            value("name"),
            ref("area", "areas"),
            enum("programme", e.Programme),
            ref("sender", "organisations"),
            ref("recipient", "organisations"),
            enum("frequency", e.Frequency),
            enum("transfer_channel", e.TransferChannel),
            enum("relationship", e.Relationship, "relationship_"),
            enum("status", e.FlowStatus),
            date_("started_on"),
            date_("ended_on"),
            Field("data_categories", "enums", enum=e.DataCategory, keep_empty=True),
            # subjects, combines_sources... lawful_bases and retention: see NESTED
            value("combines_sources"),
            value("large_scale"),
            ref("dsa", "dsas"),
            ref("mou", "mous"),
            ref("dpia", "dpias"),
            refs("storage_systems", "storage_systems"),
            refs("privacy_notices", "privacy_notices"),
            value("ropa_ref"),
        ),
    ),
    RecordType(
        "dsas",
        "dsa",
        Dsa,
        (
            value("ref"),
            value("title"),
            value("version"),
            enum("status", e.DsaStatus),
            enum("template_origin", e.TemplateOrigin),
            date_("effective_from"),
            date_("review_due"),
            date_("last_reviewed_on"),
            date_("expires_on"),
            Field("allowed_channels", "enums", enum=e.TransferChannel, keep_empty=True),
            checklist("checklist", DSA_CHECKLIST),
            enum("marking", e.Marking),
        ),
    ),
    RecordType(
        "dpias",
        "dpia",
        Dpia,
        (
            value("ref"),
            value("title"),
            ref("controller", "organisations"),
            enum("regime", e.DpiaRegime),
            enum("status", e.DpiaStatus),
            date_("completed_on"),
            date_("dpo_advice_on"),
            enum("residual_risk", e.RiskLevel),
            enum("ico_prior_consultation", e.IcoConsultation),
            date_("ico_consulted_on"),
            date_("review_due"),
            date_("last_reviewed_on"),
            value("best_interests_recorded"),
        ),
    ),
    RecordType(
        "processing_contracts",
        "processing_contract",
        ProcessingContract,
        (
            value("ref"),
            ref("controller", "organisations"),
            ref("processor", "organisations"),
            value("subject_matter"),
            date_("signed_on"),
            date_("starts_on"),
            date_("ends_on"),
            checklist("art28_clauses", ART28_CLAUSES),
        ),
    ),
    RecordType(
        "mous",
        "mou",
        Mou,
        (
            value("ref"),
            value("title"),
            refs("parties", "organisations", keep_empty=True),
            date_("signed_on"),
            date_("review_due"),
            value("includes_data_sharing_provisions"),
        ),
    ),
    RecordType(
        "joint_controller_arrangements",
        "joint_controller_arrangement",
        JointControllerArrangement,
        (
            value("ref"),
            refs("parties", "organisations", keep_empty=True),
            value("responsibilities_allocated"),
            value("essence_published_url"),
        ),
    ),
    RecordType(
        "panels",
        "panel",
        Panel,
        (
            value("ref"),
            value("name"),
            enum("kind", e.PanelKind),
            refs("areas", "areas", keep_empty=True),
            ref("chair_organisation", "organisations"),
            refs("police_forces", "organisations"),
            enum("confidentiality_policy", e.ConfidentialityPolicy),
        ),
    ),
)

BY_KEY: dict[str, RecordType] = {record_type.key: record_type for record_type in RECORD_TYPES}
BY_SUBJECT: dict[str, RecordType] = {record_type.subject: record_type for record_type in RECORD_TYPES}
BY_MODEL: dict[type, RecordType] = {record_type.model: record_type for record_type in RECORD_TYPES}

# Child models, for the modules that build them.
CHILD_MODELS = {
    "designations": AreaDesignation,
    "lawful_bases": LawfulBasis,
    "parties": DsaParty,
    "redactions": DsaRedaction,
    "meetings": PanelMeeting,
    "attendees": MeetingAttendee,
    "confidentiality": ConfidentialityRecord,
}

# The fields of each nested list's items, by the list's key.
NESTED_FIELDS: dict[str, tuple[Field, ...]] = {
    "designations": DESIGNATION,
    "lawful_bases": LAWFUL_BASIS,
    "parties": DSA_PARTY,
    "redactions": REDACTION,
    "meetings": MEETING,
    "attendees": ATTENDEE,
}

# Every key that holds a date, wherever it sits.
DATE_KEYS = frozenset(
    field.key
    for fields in (*(record_type.fields for record_type in RECORD_TYPES), *NESTED_FIELDS.values(), CONFIDENTIALITY)
    for field in fields
    if field.kind == "date"
)

# Where each nested structure's key goes in the record, after which top-level field.
NESTED_AFTER = {
    "areas": {"designations": "responsible_authority"},
    "data_flows": {"subjects": "data_categories", "lawful_bases": "large_scale", "retention": "privacy_notices"},
    "dsas": {"parties": "template_origin", "redactions": "checklist"},
    "panels": {"meetings": "confidentiality_policy"},
}
