"""Enumerated values of the register, exactly as the exchange format (version 1) names them.

Each is a StrEnum stored by value (see models.base.enum_column), so the database, the exchange
file and the CLI all use the same words.
"""

from __future__ import annotations

from enum import StrEnum


class Nation(StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"


class DesignationKind(StrEnum):
    PREVENT_PRIORITY_AREA = "prevent_priority_area"
    DOVETAIL_AREA = "dovetail_area"


class PartnerType(StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    POLICE = "police"
    NHS_BODY = "nhs_body"
    SCHOOL = "school"
    FURTHER_EDUCATION = "further_education"
    HIGHER_EDUCATION = "higher_education"
    PROBATION = "probation"
    PRISON = "prison"
    YOUTH_OFFENDING_TEAM = "youth_offending_team"
    CHILDRENS_HOME_OR_FOSTERING = "childrens_home_or_fostering"
    GOVERNMENT_DEPARTMENT = "government_department"
    HOME_OFFICE = "home_office"
    INTERVENTION_PROVIDER = "intervention_provider"
    VOLUNTARY_COMMUNITY = "voluntary_community"
    HOUSING = "housing"
    REGULATOR = "regulator"
    EXECUTIVE_AGENCY = "executive_agency"
    SUPPLIER = "supplier"
    OTHER = "other"


class StorageKind(StrEnum):
    NATIONAL_PCM = "national_pcm"
    NATIONAL_CMIS = "national_cmis"
    LA_CASE_SYSTEM = "la_case_system"
    PARTNER_SYSTEM = "partner_system"
    NETWORK_DRIVE = "network_drive"
    EMAIL_MAILBOX = "email_mailbox"
    SPREADSHEET = "spreadsheet"
    PAPER = "paper"


class Hosting(StrEnum):
    ON_PREMISES = "on_premises"
    CLOUD_UK = "cloud_uk"
    CLOUD_NON_UK = "cloud_non_uk"


class NoticeScope(StrEnum):
    SERVICE_SPECIFIC = "service_specific"
    CORPORATE = "corporate"


class Programme(StrEnum):
    PREVENT_REFERRAL = "prevent_referral"
    CHANNEL_CASE = "channel_case"
    CHANNEL_PANEL = "channel_panel"
    POLICE_LED_PARTNERSHIP = "police_led_partnership"
    MASH_PREVENT = "mash_prevent"
    STATISTICS = "statistics"


class Frequency(StrEnum):
    ROUTINE = "routine"
    AD_HOC = "ad_hoc"
    ONE_OFF = "one_off"


class TransferChannel(StrEnum):
    PCM = "pcm"
    CMIS = "cmis"
    SECURE_EMAIL = "secure_email"
    ENCRYPTED_PORTAL = "encrypted_portal"
    MASH_EMAIL = "mash_email"
    UNSECURE_EMAIL = "unsecure_email"
    PHONE_VERBAL = "phone_verbal"
    IN_MEETING = "in_meeting"
    PAPER = "paper"
    OTHER = "other"


class Relationship(StrEnum):
    INDEPENDENT_CONTROLLERS = "independent_controllers"
    JOINT_CONTROLLERS = "joint_controllers"
    CONTROLLER_TO_PROCESSOR = "controller_to_processor"


class FlowStatus(StrEnum):
    PLANNED = "planned"
    LIVE = "live"
    SUSPENDED = "suspended"
    ENDED = "ended"


class DataCategory(StrEnum):
    IDENTIFIERS_CONTACT = "identifiers_contact"
    FAMILY_ASSOCIATES = "family_associates"
    EDUCATION = "education"
    EMPLOYMENT = "employment"
    HOUSING = "housing"
    SOCIAL_CARE = "social_care"
    SC_RACIAL_ETHNIC = "sc_racial_ethnic"
    SC_POLITICAL = "sc_political"
    SC_RELIGIOUS = "sc_religious"
    SC_TRADE_UNION = "sc_trade_union"
    SC_HEALTH = "sc_health"
    SC_SEX_LIFE_ORIENTATION = "sc_sex_life_orientation"
    SC_GENETIC = "sc_genetic"
    SC_BIOMETRIC = "sc_biometric"
    CRIMINAL_OFFENCE_ALLEGED = "criminal_offence_alleged"
    INTELLIGENCE_SERVICE_DERIVED = "intelligence_service_derived"

    @property
    def is_special_category(self) -> bool:
        return self.value.startswith("sc_")


class Regime(StrEnum):
    UK_GDPR = "uk_gdpr"
    DPA_PART3 = "dpa_part3"


class Art6Basis(StrEnum):
    A_CONSENT = "a_consent"
    C_LEGAL_OBLIGATION = "c_legal_obligation"
    E_PUBLIC_TASK = "e_public_task"
    # Data (Use and Access) Act 2025 s70: (ea) from its commencement; (f) was always there, but
    # never for a public authority performing its tasks.
    EA_RECOGNISED_LEGITIMATE_INTEREST = "ea_recognised_legitimate_interest"
    F_LEGITIMATE_INTERESTS = "f_legitimate_interests"
    OTHER = "other"


class Annex1Condition(StrEnum):
    """UK GDPR Annex 1: the recognised legitimate interests an Art 6(1)(ea) basis names."""

    PUBLIC_TASK_DISCLOSURE_REQUEST = "public_task_disclosure_request"
    NATIONAL_SECURITY_PUBLIC_SECURITY_DEFENCE = "national_security_public_security_defence"
    EMERGENCIES = "emergencies"
    CRIME = "crime"
    SAFEGUARDING_VULNERABLE_INDIVIDUALS = "safeguarding_vulnerable_individuals"


class Art9Condition(StrEnum):
    G_SUBSTANTIAL_PUBLIC_INTEREST = "g_substantial_public_interest"
    H_HEALTH_SOCIAL_CARE = "h_health_social_care"
    OTHER = "other"


class Art10Basis(StrEnum):
    OFFICIAL_AUTHORITY = "official_authority"
    SCH1_CONDITION = "sch1_condition"


class Part3Basis(StrEnum):
    S35_2_A_CONSENT = "s35_2_a_consent"
    S35_2_B_NECESSARY = "s35_2_b_necessary"


class RetentionTrigger(StrEnum):
    CASE_CLOSURE = "case_closure"
    REFERRAL_DATE = "referral_date"
    LAST_CONTACT = "last_contact"
    CREATION = "creation"


class DsaStatus(StrEnum):
    DRAFT = "draft"
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    TERMINATED = "terminated"


class TemplateOrigin(StrEnum):
    CTNET_POLICE_TEMPLATE = "ctnet_police_template"
    LA_TEMPLATE = "la_template"
    NHS_TEMPLATE = "nhs_template"
    WASPI = "waspi"
    BESPOKE = "bespoke"
    UNKNOWN = "unknown"


class Exemption(StrEnum):
    S40_2 = "s40_2"
    S38 = "s38"
    S24 = "s24"
    S31 = "s31"


class Marking(StrEnum):
    OFFICIAL = "official"
    OFFICIAL_SENSITIVE = "official_sensitive"


class DocumentMarking(StrEnum):
    """Government Security Classifications of an evidence document."""

    OFFICIAL = "official"
    OFFICIAL_SENSITIVE = "official_sensitive"
    SECRET = "secret"
    TOP_SECRET = "top_secret"


class DpiaRegime(StrEnum):
    UK_GDPR_ART35 = "uk_gdpr_art35"
    DPA_S64 = "dpa_s64"


class DpiaStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class IcoConsultation(StrEnum):
    NOT_NEEDED = "not_needed"
    SUBMITTED = "submitted"
    ADVICE_RECEIVED = "advice_received"


class PanelKind(StrEnum):
    CHANNEL = "channel"
    POLICE_LED_PARTNERSHIP = "police_led_partnership"
    PMAP = "pmap"


class ConfidentialityPolicy(StrEnum):
    SIGNED_EACH_MEETING = "signed_each_meeting"
    SIGNED_ANNUALLY = "signed_annually"
    VERBAL_STATEMENT_MINUTED = "verbal_statement_minuted"
    NONE = "none"


class Membership(StrEnum):
    CORE = "core"
    INVITED = "invited"
    OBSERVER = "observer"


class ConfidentialityMethod(StrEnum):
    SIGNED_AGREEMENT = "signed_agreement"
    VERBAL_RECORDED_IN_MINUTES = "verbal_recorded_in_minutes"
    VERBAL_NOT_RECORDED = "verbal_not_recorded"
    NONE = "none"


class Severity(StrEnum):
    """Finding severity; ordered so that HIGH > MEDIUM > LOW."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"low": 1, "medium": 2, "high": 3}[self.value]


class FindingStatus(StrEnum):
    OPEN = "open"
    ACCEPTED_RISK = "accepted_risk"
    REMEDIATED = "remediated"


class FindingEventKind(StrEnum):
    RAISED = "raised"
    SEVERITY_CHANGED = "severity_changed"
    RISK_ACCEPTED = "risk_accepted"
    ACCEPTANCE_LAPSED = "acceptance_lapsed"
    MARKED_REMEDIATED = "marked_remediated"
    CLOSED = "closed"
    REOPENED = "reopened"


class SubjectType(StrEnum):
    DATA_FLOW = "data_flow"
    DSA = "dsa"
    DPIA = "dpia"
    PROCESSING_CONTRACT = "processing_contract"
    MOU = "mou"
    ORGANISATION = "organisation"
    STORAGE_SYSTEM = "storage_system"
    PRIVACY_NOTICE = "privacy_notice"
    PANEL = "panel"
    PANEL_MEETING = "panel_meeting"
    AREA = "area"
    JOINT_CONTROLLER_ARRANGEMENT = "joint_controller_arrangement"


class Role(StrEnum):
    ADMIN = "admin"
    DPO = "dpo"
    PANEL_CHAIR = "panel_chair"
    AUDITOR = "auditor"


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
