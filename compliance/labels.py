"""Words a DPO recognises for the exchange format's coded values: one table for every enumerated
value, shared by the forms, the detail pages, the workbook, the PDF report, FOI text and the CLI's
text output. The stored values stay exactly as the format names them. Legal citations follow the
style of the domain brief ("Art 6(1)(e) public task", "DPA 2018 Part 3, s35(2)(b)")."""

from __future__ import annotations

from datetime import date
from enum import Enum, StrEnum

from .models import enums as e

LABELS: dict[type[StrEnum], dict[str, str]] = {
    e.Nation: {"england": "England", "wales": "Wales", "scotland": "Scotland"},
    e.DesignationKind: {"prevent_priority_area": "Prevent priority area", "dovetail_area": "Dovetail area"},
    e.PartnerType: {
        "local_authority": "Local authority",
        "police": "Police force",
        "nhs_body": "NHS body",
        "school": "School",
        "further_education": "Further education provider",
        "higher_education": "Higher education provider",
        "probation": "Probation service",
        "prison": "Prison",
        "youth_offending_team": "Youth offending team",
        "childrens_home_or_fostering": "Children's home or fostering service",
        "government_department": "Government department",
        "home_office": "Home Office",
        "intervention_provider": "Intervention provider",
        "voluntary_community": "Voluntary or community organisation",
        "housing": "Housing provider",
        "regulator": "Regulator",
        "executive_agency": "Executive agency",
        "supplier": "Supplier",
        "other": "Other",
    },
    e.StorageKind: {
        "national_pcm": "Prevent Case Management (PCM)",
        "national_cmis": "Channel Management Information System (CMIS)",
        "la_case_system": "Local authority case system",
        "partner_system": "Partner's system",
        "network_drive": "Network drive",
        "email_mailbox": "Email mailbox",
        "spreadsheet": "Spreadsheet",
        "paper": "Paper files",
    },
    e.Hosting: {"on_premises": "On premises", "cloud_uk": "Cloud, in the UK", "cloud_non_uk": "Cloud, outside the UK"},
    e.NoticeScope: {"service_specific": "Service-specific notice", "corporate": "Corporate notice"},
    e.Programme: {
        "prevent_referral": "Prevent referral",
        "channel_case": "Channel case",
        "channel_panel": "Channel panel",
        "police_led_partnership": "Police-led partnership",
        "mash_prevent": "MASH (Prevent)",
        "statistics": "Statistics",
    },
    e.Frequency: {"routine": "Routine", "ad_hoc": "Ad hoc", "one_off": "One-off"},
    e.TransferChannel: {
        "pcm": "Prevent Case Management (PCM)",
        "cmis": "Channel Management Information System (CMIS)",
        "secure_email": "Secure email",
        "encrypted_portal": "Encrypted portal (for example Egress)",
        "mash_email": "MASH email",
        "unsecure_email": "Unsecured email",
        "phone_verbal": "Phone or in conversation",
        "in_meeting": "In a meeting",
        "paper": "Paper",
        "other": "Other",
    },
    e.Relationship: {
        "independent_controllers": "Independent controllers",
        "joint_controllers": "Joint controllers (UK GDPR Art 26)",
        "controller_to_processor": "Controller to processor (UK GDPR Art 28)",
    },
    e.FlowStatus: {"planned": "Planned", "live": "Live", "suspended": "Suspended", "ended": "Ended"},
    e.DataCategory: {
        "identifiers_contact": "Identifiers and contact details",
        "family_associates": "Family and associates",
        "education": "Education",
        "employment": "Employment",
        "housing": "Housing",
        "social_care": "Social care",
        "sc_racial_ethnic": "Special category: racial or ethnic origin",
        "sc_political": "Special category: political opinions",
        "sc_religious": "Special category: religious or philosophical beliefs",
        "sc_trade_union": "Special category: trade union membership",
        "sc_health": "Special category: health",
        "sc_sex_life_orientation": "Special category: sex life or sexual orientation",
        "sc_genetic": "Special category: genetic data",
        "sc_biometric": "Special category: biometric data for identification",
        "criminal_offence_alleged": "Criminal offence data, including alleged offences (Art 10)",
        "intelligence_service_derived": "Intelligence derived from the security services",
    },
    e.Regime: {"uk_gdpr": "UK GDPR", "dpa_part3": "DPA 2018 Part 3 (law enforcement)"},
    e.Art6Basis: {
        "a_consent": "Art 6(1)(a) consent",
        "c_legal_obligation": "Art 6(1)(c) legal obligation",
        "e_public_task": "Art 6(1)(e) public task",
        "ea_recognised_legitimate_interest": "Art 6(1)(ea) recognised legitimate interest",
        "f_legitimate_interests": "Art 6(1)(f) legitimate interests",
        "other": "Other",
    },
    e.Annex1Condition: {
        "public_task_disclosure_request": "disclosure requested for another body's public task",
        "national_security_public_security_defence": "national security, public security and defence",
        "emergencies": "emergencies",
        "crime": "detecting, investigating or preventing crime",
        "safeguarding_vulnerable_individuals": "safeguarding vulnerable individuals",
    },
    e.Art9Condition: {
        "g_substantial_public_interest": "Art 9(2)(g) substantial public interest",
        "h_health_social_care": "Art 9(2)(h) health or social care",
        "other": "Other",
    },
    e.Art10Basis: {
        "official_authority": "Art 10: under official authority",
        "sch1_condition": "Art 10: a DPA 2018 Sch 1 condition",
    },
    e.Part3Basis: {
        "s35_2_a_consent": "DPA 2018 Part 3, s35(2)(a) consent",
        "s35_2_b_necessary": "DPA 2018 Part 3, s35(2)(b) necessary for a law enforcement purpose",
    },
    e.RetentionTrigger: {
        "case_closure": "Case closure",
        "referral_date": "Referral date",
        "last_contact": "Last contact",
        "creation": "Creation of the record",
    },
    e.DsaStatus: {
        "draft": "Draft",
        "in_force": "In force",
        "expired": "Expired",
        "superseded": "Superseded",
        "terminated": "Terminated",
    },
    e.TemplateOrigin: {
        "ctnet_police_template": "CTNet police template",
        "la_template": "Local authority template",
        "nhs_template": "NHS template",
        "waspi": "WASPI (Wales Accord on the Sharing of Personal Information)",
        "bespoke": "Bespoke",
        "unknown": "Not known",
    },
    e.Exemption: {
        "s40_2": "FOIA s40(2) personal information",
        "s38": "FOIA s38 health and safety",
        "s24": "FOIA s24 national security",
        "s31": "FOIA s31 law enforcement",
    },
    e.Marking: {"official": "OFFICIAL", "official_sensitive": "OFFICIAL-SENSITIVE"},
    e.DocumentMarking: {
        "official": "OFFICIAL",
        "official_sensitive": "OFFICIAL-SENSITIVE",
        "secret": "SECRET",
        "top_secret": "TOP SECRET",
    },
    e.DpiaRegime: {"uk_gdpr_art35": "UK GDPR Art 35", "dpa_s64": "DPA 2018 s64 (law enforcement)"},
    e.DpiaStatus: {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed"},
    e.RiskLevel: {"low": "Low", "medium": "Medium", "high": "High"},
    e.IcoConsultation: {
        "not_needed": "Not needed",
        "submitted": "Submitted to the ICO (UK GDPR Art 36)",
        "advice_received": "ICO advice received",
    },
    e.PanelKind: {
        "channel": "Channel panel",
        "police_led_partnership": "Police-led partnership panel",
        "pmap": "Prevent Multi-Agency Panel (PMAP, Scotland)",
    },
    e.ConfidentialityPolicy: {
        "signed_each_meeting": "Signed at each meeting",
        "signed_annually": "Signed once a year",
        "verbal_statement_minuted": "Verbal statement, recorded in the minutes",
        "none": "No policy",
    },
    e.Membership: {"core": "Core member", "invited": "Invited", "observer": "Observer"},
    e.ConfidentialityMethod: {
        "signed_agreement": "Signed a confidentiality agreement",
        "verbal_recorded_in_minutes": "Agreed verbally, recorded in the minutes",
        "verbal_not_recorded": "Agreed verbally, not recorded",
        "none": "Not recorded",
    },
    e.Severity: {"high": "High", "medium": "Medium", "low": "Low"},
    e.FindingStatus: {"open": "Open", "accepted_risk": "Risk accepted", "remediated": "Remediated"},
    e.FindingEventKind: {
        "raised": "Raised",
        "severity_changed": "Severity changed",
        "risk_accepted": "Risk accepted",
        "acceptance_lapsed": "Risk acceptance lapsed",
        "marked_remediated": "Marked remediated",
        "closed": "Closed",
        "reopened": "Reopened",
    },
    e.SubjectType: {
        "data_flow": "Data flow",
        "dsa": "Data sharing agreement",
        "dpia": "DPIA",
        "processing_contract": "Processing contract (Art 28)",
        "mou": "Memorandum of understanding",
        "organisation": "Organisation",
        "storage_system": "Storage system",
        "privacy_notice": "Privacy notice",
        "panel": "Panel",
        "panel_meeting": "Panel meeting",
        "area": "Area",
        "joint_controller_arrangement": "Joint controller arrangement (Art 26)",
    },
    e.Role: {
        "admin": "Administrator",
        "dpo": "Data protection officer",
        "panel_chair": "Panel chair",
        "auditor": "Auditor",
    },
    e.AuditAction: {"create": "Created", "update": "Changed", "delete": "Deleted"},
}

# The sheet of each record type in the report workbook and the exchange workbook.
SHEET_TITLES: dict[str, str] = {
    "areas": "Areas",
    "organisations": "Organisations",
    "storage_systems": "Storage systems",
    "privacy_notices": "Privacy notices",
    "data_flows": "Data flows",
    "dsas": "DSAs",
    "dpias": "DPIAs",
    "processing_contracts": "Processing contracts",
    "mous": "MOUs",
    "joint_controller_arrangements": "Joint controllers",
    "panels": "Panels",
}

# The exchange-format keys whose values are coded, with the enums they may hold (a key such as
# "kind" or "status" is shared by record types whose values never collide).
FIELD_ENUMS: dict[str, tuple[type[StrEnum], ...]] = {
    "nation": (e.Nation,),
    "kind": (e.DesignationKind, e.StorageKind, e.PanelKind),
    "partner_type": (e.PartnerType,),
    "hosting": (e.Hosting,),
    "scope": (e.NoticeScope,),
    "programme": (e.Programme,),
    "frequency": (e.Frequency,),
    "transfer_channel": (e.TransferChannel,),
    "allowed_channels": (e.TransferChannel,),
    "relationship": (e.Relationship,),
    "status": (e.FlowStatus, e.DsaStatus, e.DpiaStatus),
    "data_categories": (e.DataCategory,),
    "categories": (e.DataCategory,),
    "regime": (e.Regime, e.DpiaRegime),
    "art6": (e.Art6Basis,),
    "annex1_condition": (e.Annex1Condition,),
    "art9": (e.Art9Condition,),
    "art10": (e.Art10Basis,),
    "part3": (e.Part3Basis,),
    "trigger": (e.RetentionTrigger,),
    "template_origin": (e.TemplateOrigin,),
    "exemption": (e.Exemption,),
    "marking": (e.Marking, e.DocumentMarking),
    "residual_risk": (e.RiskLevel,),
    "ico_prior_consultation": (e.IcoConsultation,),
    "confidentiality_policy": (e.ConfidentialityPolicy,),
    "membership": (e.Membership,),
    "method": (e.ConfidentialityMethod,),
    "severity": (e.Severity,),
    "subject_type": (e.SubjectType,),
    "role": (e.Role,),
}


def _capitalised(label: str) -> str:
    return label[0].upper() + label[1:]


def label(value: Enum | None) -> str:
    """The label of one enum member, e.g. label(TransferChannel.PCM) == "Prevent Case Management (PCM)"."""
    if value is None:
        return ""
    return _capitalised(LABELS[type(value)][value.value])


def coded_label(key: str, value: str) -> str | None:
    """The label of `value` when it is one of field `key`'s codes; None when it is not (free text)."""
    for enum_cls in FIELD_ENUMS.get(key, ()):
        text = LABELS[enum_cls].get(value)
        if text is not None:
            return _capitalised(text)
    return None


def value_label(key: str, value: str | None) -> str:
    """The label of one coded value of exchange-format field `key`, e.g. ("art6", "e_public_task")."""
    if value is None:
        return ""
    return coded_label(key, value) or value.replace("_", " ").capitalize()


def art6_text(art6: str | None, annex1_condition: str | None = None) -> str:
    """E.g. "Art 6(1)(ea) recognised legitimate interest: safeguarding vulnerable individuals"."""
    if art6 is None:
        return "Not recorded"
    text = value_label("art6", art6)
    if annex1_condition:
        text += f": {LABELS[e.Annex1Condition].get(annex1_condition, annex1_condition)}"
    return text


def public_authority_text(stated: bool | None, by_default: bool) -> str:
    """Whether an organisation is a public authority, and whether it was stated or is its partner type's default."""
    if stated is not None:
        return "Yes" if stated else "No"
    return f"{'Yes' if by_default else 'No'} (default for its partner type)"


def long_date(value: date | str | None) -> str:
    """GOV.UK style: "4 December 2026" (from a date, a datetime or an ISO date string)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def month_label(month: str, short: bool = False) -> str:
    """ "2026-12" as "December 2026" (or "Dec" for a chart's axis)."""
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        return month
    return f"{first:%b}" if short else f"{first:%B %Y}"


# Column headings for exchange-format fields, where the field's own name, in words, is not what a
# DPO would call it (the exchange workbook's headers, and its Read me).
FIELD_LABELS: dict[str, str] = {
    "ref": "Ref",
    "dsa": "DSA",
    "mou": "MOU",
    "dpia": "DPIA",
    "ico_registration": "ICO registration number",
    "dpo_contact": "DPO contact (role mailbox)",
    "apd_ref": "Appropriate policy document",
    "competent_authority": "Competent authority (DPA 2018 Part 3)",
    "complaints_procedure_ref": "Complaints procedure (DPA 2018 s164A)",
    "approved_for_prevent": "Approved for Prevent data",
    "approval_ref": "Approval reference",
    "url": "Web address",
    "ropa_ref": "Record of processing (ROPA) entry",
    "regime": "Regime",
    "art6": "UK GDPR Art 6 basis",
    "annex1_condition": "Annex 1 condition",
    "art9": "UK GDPR Art 9 condition",
    "sch1_paragraph": "DPA 2018 Sch 1 paragraph",
    "art10": "UK GDPR Art 10 basis",
    "part3": "DPA 2018 s35 basis",
    "sch8_condition": "DPA 2018 Sch 8 condition",
    "domestic_law": "Domestic law",
    "ico_prior_consultation": "ICO prior consultation",
    "ico_consulted_on": "ICO consulted on",
    "dpo_advice_on": "DPO advice on",
    "art28_clauses": "Art 28 clauses",
    "essence_published_url": "Essence published at",
    "resident_area_police_present": "Resident area's police present",
    "signatory_name": "Signatory name (personal data)",
    "name@attendee": "Name (personal data)",
    "value": "Designated",
    "financial_year": "Financial year",
}


def field_label(key: str, part: str = "") -> str:
    """A column heading for field `key` (of the structure `part`, e.g. "attendee"), e.g. "Transfer channel"."""
    label = FIELD_LABELS.get(f"{key}@{part}") or FIELD_LABELS.get(key)
    return label or key.replace("_", " ").capitalize()


# Where a form's label or a page's heading must say more than the workbook's column heading
# (FIELD_LABELS) has room for. Everything else reads the same in both.
FORM_LABELS: dict[str, str] = {
    "ref": "Reference",
    "dpo_contact": "DPO contact (a role mailbox)",
    "apd_ref": "Appropriate policy document reference",
    "competent_authority": "Competent authority under DPA 2018 Part 3",
    "public_authority": "Public authority (UK GDPR Art 6(1))",
    "complaints_procedure_ref": "Data protection complaints procedure (DPA 2018 s164A)",
    "annex1_condition": "UK GDPR Annex 1 condition",
    "ropa_ref": "Record of processing activities reference",
    "art28_clauses": "Art 28(3) terms the contract contains",
    "checklist": "What it covers",
    "dsa": "Data sharing agreement",
    "essence_published_url": "Web address where the essence is published",
    "sch1_paragraph": "Schedule 1 paragraph",
    "dpo_advice_on": "DPO advice given on",
    "part3": "DPA 2018 Part 3 basis",
    "sch8_condition": "DPA 2018 Schedule 8 condition",
    "needs_completion": "Still to be completed by the DPO",
}


def form_label(key: str) -> str:
    """A form field's label, and a field's heading on the pages, e.g. "Reference"."""
    return FORM_LABELS.get(key) or field_label(key)


# An example reference for each record type, in the register's own format (lower-case letters,
# digits and hyphens), as the demo register spells them.
REF_EXAMPLES: dict[str, str] = {
    "areas": "riverford",
    "organisations": "riverford-college",
    "storage_systems": "pcm",
    "privacy_notices": "riverford-prevent-notice",
    "data_flows": "council-to-police-referrals",
    "dsas": "dsa-2026-03",
    "dpias": "dpia-2026-01",
    "processing_contracts": "pcm-hosting-contract",
    "mous": "mou-2026-02",
    "joint_controller_arrangements": "jca-channel-2026",
    "panels": "riverford-channel",
}


def ref_hint(record_key: str) -> str:
    example = REF_EXAMPLES.get(record_key, "dsa-2026-03")
    return (
        f"A short code you use for this record, such as {example}: up to 64 lower-case letters, digits and "
        "hyphens, different from every other record of its kind. It cannot be changed later."
    )


# Hints under fields a DPO could misread.
FORM_HINTS: dict[str, str] = {
    "public_authority": "A public authority may not rely on Art 6(1)(ea) or (f) for its tasks. Not recorded: "
    "yes for councils, police, NHS bodies, schools, colleges, universities, probation, prisons, youth offending "
    "teams, government departments, the Home Office, regulators and executive agencies; no for others.",
    "complaints_procedure_ref": "Where its complaints procedure is published or filed, for example a web address",
    "annex1_condition": "Only for Art 6(1)(ea) recognised legitimate interest",
    "needs_completion": "A panel chair added it at a meeting with only its name and partner type. "
    "Choose No once its details and agreements are recorded.",
    "dpo_contact": "A shared mailbox that stays when people change jobs, for example dpo@riverford.gov.uk",
    "ico_registration": "The data protection fee registration number on the ICO's register, for example ZA123456",
    "apd_ref": "Where the appropriate policy document for special category or criminal offence data is kept, "
    "for example its document number or web address",
    "ropa_ref": "The entry for this flow in your record of processing activities (UK GDPR Art 30), "
    "for example ROPA-042",
    "approval_ref": "The decision that approved it for Prevent data, for example an IG board minute number",
    "version": "As printed on the agreement, for example 2.1",
    "sch1_paragraph": "The paragraph number of DPA 2018 Schedule 1 the condition relies on, for example 10",
    "domestic_law": "The Act and section that give the power, for example Counter-Terrorism and Security Act 2015 s36",
    "essence_published_url": "Joint controllers must make the essence of the arrangement available "
    "(UK GDPR Art 26(2)): where it is published",
    "art28_clauses": "Tick each term the contract with the processor contains",
    "dsa": "The agreement that covers this flow, if there is one",
}
