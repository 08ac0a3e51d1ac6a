"""The exchange workbook's "Read me": what each sheet and column means, in plain words, with the law
behind it (from the domain brief). A column not described here gets its label and kind only."""

from __future__ import annotations

INTRODUCTION = [
    "This workbook holds a Prevent and Channel compliance register: the arrangements for sharing "
    "data, never case-level data about people referred to Prevent or discussed at Channel panels.",
    "Fill it in, or edit it, and import it back (compliance import FILE.xlsx, or Reports, import and "
    "export in the browser). The whole file is checked first: if anything is wrong nothing is "
    "written, and every problem is listed by sheet, cell and column.",
    "One row per record. Row 1 holds the column headings; row 2 (hidden) holds the names the import "
    "reads: do not change or delete it, and do not add, remove or rename sheets or columns.",
    "A record whose ref is already in the register replaces it as a whole; records not in the file are "
    "kept. Lawful bases, DSA parties, meetings and the like are on their own sheets, each row naming "
    "its record's ref in the first column: a record's rows there replace all of its previous ones.",
    "Coded values: choose from the drop-down list. Yes/No columns: Yes or No; leave blank when not "
    "known. Dates: real dates (2021-03-31). Lists of refs: separated by commas. A list of coded "
    "values: separated by semicolons. (none) means an empty list, which is not the same as not "
    "recorded.",
    "Columns marked personal data (signatory and attendee names) are left out of public, FOI and "
    "redacted outputs (FOIA s40(2)).",
]

SHEETS = {
    "Areas": "Each local authority area the register covers, its nation (Scotland has PMAP, not "
    "Channel) and its responsible local authority.",
    "Organisations": "Every partner that sends, receives or stores Prevent data: Schedule 7 (CTSA 2015) "
    "partners, police, intervention providers and suppliers.",
    "Storage systems": "Where Prevent data is kept: the national case systems, council systems, drives, "
    "mailboxes, spreadsheets and paper files, and whether each is approved for it.",
    "Privacy notices": "The privacy notices (UK GDPR Arts 13 and 14) that tell people how their data is "
    "used, and what each one says.",
    "Data flows": "The core record: one direction, one purpose, one sender and one recipient. Each flow "
    "needs a lawful basis for each party, an agreement that covers it, and a DPIA before it starts.",
    "DSAs": "Data sharing agreements (ICO data sharing code): who signed, what they cover and when they "
    "are due for review.",
    "DPIAs": "Data protection impact assessments (UK GDPR Art 35, DPA 2018 s64), done before the "
    "sharing starts. The flows a DPIA covers are the flows that name it.",
    "Processing contracts": "Contracts with processors (UK GDPR Art 28): a supplier that hosts or runs "
    "a system, or acts only on a controller's instructions.",
    "MOUs": "Memorandums of understanding. One counts as a DSA only between public bodies and when it "
    "includes data sharing provisions.",
    "Joint controllers": "Arrangements between joint controllers (UK GDPR Art 26): who answers for what.",
    "Panels": "Channel panels (CTSA 2015 s36-38), police-led partnerships and PMAP panels.",
    "Designations": "Each area's Prevent priority area and Dovetail designations, per financial year "
    "(they change every year).",
    "Lawful bases": "One row per party that processes a flow's data: the UK GDPR or DPA 2018 Part 3 "
    "basis, and the conditions for special category and criminal offence data.",
    "DSA parties": "The organisations party to each DSA, and when and by whom (role) it was signed.",
    "DSA redactions": "What is withheld from a published DSA and under which FOIA exemption.",
    "Panel meetings": "Each panel meeting (no case-level detail: only how many cases were discussed).",
    "Meeting attendees": "Who attended each meeting (by role and organisation) and how their "
    "confidentiality was agreed.",
}

COLUMNS = {
    "ref": "The record's reference: 1 to 64 lower-case letters, digits or hyphens, unique among records "
    "of its kind. Other sheets point at a record by its ref.",
    "nation": "England, Wales or Scotland. Scotland has PMAP panels rather than Channel.",
    "responsible_authority": "The ref of the local authority responsible for Prevent in the area.",
    "partner_type": "Schedule 7 CTSA 2015 partners have the Prevent duty (s26) and must co-operate with "
    "panels (s38); police are panel members under s37.",
    "areas": "Refs of the areas, separated by commas.",
    "competent_authority": "A competent authority under DPA 2018 Part 3 (law enforcement). Blank: Yes for "
    "police, No otherwise.",
    "public_authority": "A public authority (UK GDPR Art 6(1), words after point (f)): it cannot rely on "
    "legitimate interests for its public tasks. Blank: the partner type's default.",
    "apd_ref": "Its appropriate policy document (DPA 2018 Sch 1 Part 4), needed for most Sch 1 conditions.",
    "complaints_procedure_ref": "Where its data protection complaints procedure is published or filed "
    "(DPA 2018 s164A, from 19 June 2026).",
    "approved_for_prevent": "Whether a local governance decision approved the system for Prevent data.",
    "processor": "The ref of a supplier that hosts or runs it for the owner: an Art 28 contract is needed.",
    "hosting": "On premises, UK cloud or non-UK cloud (an international transfer, UK GDPR Chapter V).",
    "controller": "The ref of the organisation that is the controller.",
    "programme": "Which part of Prevent the flow serves: referrals, Channel cases and panels, police-led "
    "partnerships, MASH, or statistics.",
    "sender": "The ref of the organisation that sends the data.",
    "recipient": "The ref of the organisation that receives it.",
    "frequency": "Routine flows are the ones the ICO expects a DSA to cover.",
    "transfer_channel": "How the data travels. Unsecured email is a security gap (UK GDPR Art 32).",
    "relationship": "Independent controllers, joint controllers (Art 26 arrangement needed) or controller "
    "to processor (Art 28 contract needed).",
    "data_categories": "Semicolon-separated. 'Sc' categories are special category data (UK GDPR Art 9); "
    "criminal offence data needs an Art 10 basis.",
    "subjects.children": "Whether children's data is shared: the DPIA should record their best interests.",
    "large_scale": "Large scale processing: one of the triggers for a DPIA.",
    "combines_sources": "Data matched or combined from several sources: a DPIA trigger.",
    "dsa": "The ref of the data sharing agreement that covers the flow.",
    "mou": "The ref of the MOU that covers the flow, where there is one.",
    "dpia": "The ref of the DPIA done for the flow (UK GDPR Art 35).",
    "retention.period": "How long the data is kept, for example 6y.",
    "ropa_ref": "The flow's entry in the record of processing activities (UK GDPR Art 30).",
    "party": "The ref of the organisation that relies on this basis.",
    "regime": "UK GDPR, or DPA 2018 Part 3 for processing by a competent authority for law enforcement.",
    "art6": "The UK GDPR Art 6(1) lawful basis; for Prevent usually (e) public task.",
    "annex1_condition": "For Art 6(1)(ea) recognised legitimate interest: the UK GDPR Annex 1 condition.",
    "art9": "The Art 9(2) condition for special category data; (g) needs a DPA 2018 Sch 1 paragraph.",
    "sch1_paragraph": "The DPA 2018 Sch 1 paragraph, for example 6 (statutory purposes), 10 (unlawful "
    "acts) or 18 (safeguarding).",
    "art10": "The basis for criminal offence data (UK GDPR Art 10).",
    "part3": "DPA 2018 s35(2): consent, or necessary for a law enforcement task.",
    "sch8_condition": "For sensitive processing under Part 3, the DPA 2018 Sch 8 condition.",
    "domestic_law": "The law that gives the task, for example CTSA 2015 ss36-38; DPA 2018 s8.",
    "recorded_on": "When the basis was recorded: it must not be after the flow started.",
    "template_origin": "Which template the agreement started from (CTNet police, council, NHS, WASPI...).",
    "allowed_channels": "The transfer channels the DSA allows, separated by semicolons.",
    "marking": "Its Government Security Classification marking.",
    "signatory_name": "Personal data (FOIA s40(2)): left out of public, FOI and redacted outputs.",
    "name": "The record's name.",
    "exemption": "The FOIA exemption relied on: s40(2) personal data, s38 health and safety, s24 "
    "national security, s31 law enforcement.",
    "residual_risk": "The risk left after the DPIA's measures. High means prior consultation with the ICO "
    "(UK GDPR Art 36).",
    "ico_prior_consultation": "Whether the ICO was consulted before the processing (Art 36).",
    "best_interests_recorded": "Whether the DPIA records the best interests of children.",
    "subject_matter": "What the processor does (Art 28(3)).",
    "includes_data_sharing_provisions": "Whether the MOU includes data sharing provisions.",
    "responsibilities_allocated": "Whether the arrangement allocates who answers requests and gives the "
    "privacy information (Art 26(1)).",
    "essence_published_url": "Where the essence of the arrangement is published (Art 26(2)).",
    "kind": "The kind of record.",
    "chair_organisation": "The organisation that chairs the panel: the local authority (CTSA 2015 s37).",
    "police_forces": "Refs of the police forces on the panel, separated by commas.",
    "confidentiality_policy": "How the panel asks attendees to keep case information confidential.",
    "cases_discussed": "How many cases the meeting discussed (a number, never who).",
    "resident_area_police_present": "Whether the police of the area where the person lives attended "
    "(CTSA 2015 s37(3)).",
    "membership": "Core member, invited for a case, or observer.",
    "confidentiality.method": "How the attendee agreed to confidentiality. Verbal and not minuted leaves no evidence.",
    "financial_year": "The financial year the designation is for, for example 2024/25.",
    "value": "Yes if the area is designated that year.",
}

KINDS = {
    "text": "text",
    "integer": "a whole number",
    "boolean": "Yes or No",
    "date": "a date",
    "enum": "one of the drop-down list",
    "ref": "a ref",
    "refs": "refs separated by commas",
    "enums": "values separated by semicolons",
    "parent": "the ref of the record this row belongs to",
}


def column_text(column) -> str:
    """What a column holds and means."""
    meaning = COLUMNS.get(column.name) or COLUMNS.get(column.path[-1], "")
    if column.path[0] in ("checklist", "art28_clauses"):
        meaning = "Yes if the document covers this; No if not; blank if not checked."
    required = "Required. " if column.required else ""
    return f"{required}{KINDS[column.kind].capitalize()}. {meaning}".strip()
