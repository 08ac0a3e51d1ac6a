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
