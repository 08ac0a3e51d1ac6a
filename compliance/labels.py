"""Words a DPO recognises for the exchange format's coded values, shared by the forms, the detail
pages, the workbook and the PDF report (the stored values stay exactly as the format names them)."""

from __future__ import annotations

VALUE_LABELS: dict[str, dict[str, str]] = {
    "art6": {
        "a_consent": "Art 6(1)(a) consent",
        "c_legal_obligation": "Art 6(1)(c) legal obligation",
        "e_public_task": "Art 6(1)(e) public task",
        "ea_recognised_legitimate_interest": "Art 6(1)(ea) recognised legitimate interest",
        "f_legitimate_interests": "Art 6(1)(f) legitimate interests",
        "other": "Other",
    },
    "annex1_condition": {
        "public_task_disclosure_request": "disclosure requested for another body's public task",
        "national_security_public_security_defence": "national security, public security and defence",
        "emergencies": "emergencies",
        "crime": "detecting, investigating or preventing crime",
        "safeguarding_vulnerable_individuals": "safeguarding vulnerable individuals",
    },
}


def value_label(key: str, value: str | None) -> str:
    """The label of one coded value of field `key`, e.g. ("art6", "e_public_task")."""
    if value is None:
        return ""
    label = VALUE_LABELS.get(key, {}).get(value)
    if label is None:
        return value.replace("_", " ").capitalize()
    return label[0].upper() + label[1:]


def art6_text(art6: str | None, annex1_condition: str | None = None) -> str:
    """E.g. "Art 6(1)(ea) recognised legitimate interest: safeguarding vulnerable individuals"."""
    if art6 is None:
        return "Not recorded"
    text = value_label("art6", art6)
    if annex1_condition:
        text += f": {VALUE_LABELS['annex1_condition'].get(annex1_condition, annex1_condition)}"
    return text


def public_authority_text(stated: bool | None, by_default: bool) -> str:
    """Whether an organisation is a public authority, and whether it was stated or is its partner type's default."""
    if stated is not None:
        return "Yes" if stated else "No"
    return f"{'Yes' if by_default else 'No'} (default for its partner type)"


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
