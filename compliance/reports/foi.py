"""Draft answers to the standard Prevent/Channel FOI request (../shared/spec/foi-questions.md).

Pure: built from the loaded register (a RuleContext), no database. Worded as a council answers
(the model is the response in reference/foi-response-that-started-it.txt). Personal data (DSA
signatory and panel attendee names) is never read here, so it cannot reach a draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..models.enums import (
    ConfidentialityMethod,
    ConfidentialityPolicy,
    DesignationKind,
    DpiaStatus,
    Exemption,
    StorageKind,
    TemplateOrigin,
    TransferChannel,
)
from ..rules.areas import financial_year
from ..rules.base import humanise, listing
from ..rules.context import RuleContext
from ..rules.processors import in_force

NOT_HELD = (
    "This is information not held and the Council is advising you of this as required by Section 1(1) of the Act."
)
NATIONAL_SYSTEMS = {StorageKind.NATIONAL_PCM, StorageKind.NATIONAL_CMIS}
INFORMAL = {TransferChannel.MASH_EMAIL, TransferChannel.UNSECURE_EMAIL, TransferChannel.PHONE_VERBAL}
EXEMPTION_LABELS = {Exemption.S40_2: "s40(2)", Exemption.S38: "s38", Exemption.S24: "s24", Exemption.S31: "s31"}

QUESTIONS = {
    1: "Any Data Sharing Agreement(s) made with regards to Prevent and/or Channel.",
    2: "Any Data Protection Impact Assessment done in relation to these Data Sharing Agreement(s).",
    3: "Any Data Processing Contract(s) relevant to the Data Sharing Agreement(s).",
    4: "A list of partners without Data Sharing Agreement(s) that you have entered into a Memorandum of "
    "Understanding with for the purposes of Prevent and/or Channel implementation.",
    5: "Any information given to persons, or the guardians of said persons, referred to Prevent and/or Channel, "
    "including any Privacy Notice.",
    6: "Is the Data Sharing Agreement derived from the template Data Sharing Agreement found on the Police CTNet?",
    7: "Are any data relevant to Prevent and/or Channel shared outside of Data Sharing Agreements, such as via "
    "Multi Agency Safeguarding Hub emails being copied in to Police?",
    8: "Do invitees to Channel or Police-Led Partnership Panels have to sign Data Sharing or Confidentiality "
    "Agreements?",
    9: "If YES to (8) please release a copy of this agreement.",
    10: "Is any data relevant to Prevent stored outside of the Prevent Case Management Database or Channel "
    "Management Information System?",
    11: "If YES to (10) please list these databases.",
    12: "Please indicate whether your area is a Prevent priority area (YES/NO).",
    13: "Please indicate whether your area is a Dovetail area (YES/NO).",
    14: "Please list all the persons consulted on the decision to release the above information "
    "(only position and organisation).",
}

S40_S38_TEXT = (
    "We are withholding this information under FOIA Section 40(2) (Personal Information) and Section 38 "
    "(Health and Safety). Disclosing the organisation and position of those consulted would identify them, and "
    "disclosure would contravene the data protection principles; section 40(2) is an absolute exemption. Prevent "
    "is part of the Government's counter-terrorism strategy: people identified as involved in it could be "
    "targeted, and knowing they could be identified would harm their wellbeing. We consider the public interest "
    "in withholding this information outweighs the public interest in its release."
)


@dataclass
class Answer:
    question: int
    outcome: str
    text: str
    exemptions: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "outcome": self.outcome,
            "text": self.text,
            "exemptions": self.exemptions,
            "sources": self.sources,
        }


@dataclass
class Draft:
    area: str
    area_name: str
    as_of: date
    answers: list[Answer]

    def as_json(self) -> dict[str, Any]:
        return {"area": self.area, "as_of": self.as_of.isoformat(), "answers": [a.as_json() for a in self.answers]}


def _src(kind: str, records) -> list[dict[str, str]]:
    return [{"type": kind, "ref": record.ref} for record in sorted(records, key=lambda r: r.ref)]


WITHHOLDING_TEXT = {
    "s24": "Section 24 (National Security)",
    "s31": "Section 31 (Law Enforcement)",
}


def withhold(answer: Answer, exemptions: list[str], public_interest: str) -> Answer:
    """The answer as a DPO decided to withhold it, keeping the records it rests on."""
    cited = listing([WITHHOLDING_TEXT[e] for e in exemptions])
    text = (f"We are withholding this information under {cited} of the Act. {public_interest.strip()}").strip()
    return Answer(answer.question, "withheld", text, list(exemptions), answer.sources)


def draft(ctx: RuleContext, area_ref: str, withheld: Mapping[int, tuple[list[str], str]] | None = None) -> Draft:
    result = _draft(ctx, area_ref)
    for number, (exemptions, public_interest) in (withheld or {}).items():
        result.answers[number - 1] = withhold(result.answers[number - 1], exemptions, public_interest)
    return result


def _draft(ctx: RuleContext, area_ref: str) -> Draft:
    area = next(a for a in ctx.areas if a.ref == area_ref)
    flows = [flow for flow in ctx.data_flows if flow.area is area]
    live = [flow for flow in flows if flow.is_live]
    panels = [panel for panel in ctx.panels if area in panel.areas]
    answers: list[Answer] = []
    if not flows and not panels:
        holder = area.responsible_authority.name if area.responsible_authority else "the county council"
        advice = (
            f"{NOT_HELD} Under section 16 of the Act we advise you that Prevent and Channel in this area are "
            f"run by {holder}, which may hold this information."
        )
        answers = [Answer(n, "not_held", advice, ["s1(1)"]) for n in range(1, 14)]
        answers.append(Answer(14, "withheld", S40_S38_TEXT, ["s40(2)", "s38"]))
        return Draft(area.ref, area.name, ctx.as_of, answers)

    dsas = list(dict.fromkeys(flow.dsa for flow in flows if flow.dsa is not None))
    answers.append(_q1(dsas))
    answers.append(_q2(ctx, dsas))
    answers.append(_q3(ctx, live))
    answers.append(_q4(ctx, flows, dsas, area))
    answers.append(_q5(ctx, area, flows))
    answers.append(_q6(dsas))
    answers.append(_q7(live))
    q8 = _q8(panels)
    answers.append(q8)
    answers.append(
        Answer(9, "held", "Please see the attached blank confidentiality agreement.", [], _src("panel", panels))
        if q8.outcome == "yes"
        else Answer(9, "not_applicable", "N/A")
    )
    q10, q11 = _q10_q11(live)
    answers.extend([q10, q11])
    answers.append(_designation(12, ctx, area, DesignationKind.PREVENT_PRIORITY_AREA, "a Prevent priority area"))
    answers.append(_designation(13, ctx, area, DesignationKind.DOVETAIL_AREA, "a Dovetail area"))
    answers.append(Answer(14, "withheld", S40_S38_TEXT, ["s40(2)", "s38"]))
    return Draft(area.ref, area.name, ctx.as_of, answers)


def _q1(dsas) -> Answer:
    if not dsas:
        return Answer(1, "not_held", NOT_HELD, ["s1(1)"])
    exemptions = sorted({EXEMPTION_LABELS[r.exemption] for dsa in dsas for r in dsa.redactions})
    text = "Please see attached."
    if exemptions:
        reasons = {
            "s40(2)": "Section 40(2) - Personal Data",
            "s38": "Section 38 - Health and Safety",
            "s24": "Section 24 - National Security",
            "s31": "Section 31 - Law Enforcement",
        }
        text += (
            " A small amount of information has been redacted under " + listing([reasons[e] for e in exemptions]) + "."
        )
    return Answer(1, "held", text, exemptions, _src("dsa", dsas))


def _q2(ctx: RuleContext, dsas) -> Answer:
    dpias = list(
        dict.fromkeys(
            flow.dpia
            for dsa in dsas
            for flow in ctx.flows_by_dsa.get(dsa, ())
            if flow.dpia is not None and flow.dpia.status == DpiaStatus.COMPLETED
        )
    )
    if dpias:
        return Answer(2, "held", "Please see attached.", [], _src("dpia", dpias))
    return Answer(2, "not_held", NOT_HELD, ["s1(1)"])


def _q3(ctx: RuleContext, live) -> Answer:
    pairs = list(dict.fromkeys(pair for flow in live for pair in ctx.processor_pairs(flow)))
    if not pairs:
        return Answer(
            3,
            "not_held",
            "N/A: no processor is used; the sharing is between independent controllers. " + NOT_HELD,
            ["s1(1)"],
        )
    contracts = [c for pair in pairs for c in ctx.contracts_by_pair.get(pair, ()) if in_force(c, ctx.as_of)]
    if contracts:
        return Answer(3, "held", "Please see attached.", [], _src("processing_contract", contracts))
    return Answer(3, "not_held", NOT_HELD, ["s1(1)"])


def _q4(ctx: RuleContext, flows, dsas, area) -> Answer:
    mous = [mou for mou in ctx.mous if mou in {f.mou for f in flows} or any(area in p.areas for p in mou.parties)]
    with_dsa = {party.organisation for dsa in dsas for party in dsa.parties}
    partners = sorted({org.name for mou in mous for org in mou.parties if org not in with_dsa})
    if partners:
        return Answer(
            4,
            "held",
            "We have entered into a Memorandum of Understanding with: " + listing(partners) + ".",
            [],
            _src("mou", mous),
        )
    reason = "We have not entered into any MOUs" if not mous else "Every partner with an MOU also has a DSA"
    return Answer(
        4,
        "not_held",
        f"This is information not held. {reason} and the Council is advising you of this "
        "as required by Section 1(1) of the Act.",
        ["s1(1)"],
        _src("mou", mous),
    )


def _q5(ctx: RuleContext, area, flows) -> Answer:
    controller = area.responsible_authority
    notices = [n for n in ctx.privacy_notices if n.controller is controller] if controller else []
    notices.sort(key=lambda n: (n.scope.value != "service_specific", n.ref))
    published = [n for n in notices if n.url]
    if not published:
        return Answer(5, "not_held", NOT_HELD, ["s1(1)"], _src("privacy_notice", notices))
    notice = published[0]
    where = notice.url + "." + (f" See section {notice.section}." if notice.section else "")
    return Answer(
        5,
        "accessible_elsewhere",
        f"This information is accessible elsewhere under Section 21 of the FOI Act. Please see {where}",
        ["s21"],
        _src("privacy_notice", [notice]),
    )


def _q6(dsas) -> Answer:
    if not dsas:
        return Answer(6, "not_applicable", "N/A: no Data Sharing Agreement is held.")
    origins = {dsa.template_origin for dsa in dsas}
    if TemplateOrigin.CTNET_POLICE_TEMPLATE in origins:
        return Answer(6, "yes", "Yes", [], _src("dsa", dsas))
    if origins == {TemplateOrigin.UNKNOWN}:
        return Answer(
            6,
            "not_held",
            "The Council does not hold a record of the template the agreement was derived from. " + NOT_HELD,
            ["s1(1)"],
            _src("dsa", dsas),
        )
    return Answer(6, "no", "No", [], _src("dsa", dsas))


def _q7(live) -> Answer:
    outside = [
        f
        for f in live
        if (f.dsa is None and f.transfer_channel in INFORMAL)
        or (
            f.dsa is not None
            and f.dsa.allowed_channels is not None
            and f.transfer_channel.value not in f.dsa.allowed_channels
        )
    ]
    if not outside:
        return Answer(7, "no", "No")
    routes = [f"{f.sender.name} to {f.recipient.name} by {humanise(f.transfer_channel.value)}" for f in outside]
    return Answer(7, "yes", "Yes: " + "; ".join(routes) + ".", [], _src("data_flow", outside))


def _q8(panels) -> Answer:
    records = [a.confidentiality for p in panels for m in p.meetings for a in m.attendees]
    methods = {r.method for r in records if r is not None}
    policies = {p.confidentiality_policy for p in panels}
    signed_policy = policies & {ConfidentialityPolicy.SIGNED_EACH_MEETING, ConfidentialityPolicy.SIGNED_ANNUALLY}
    sources = _src("panel", panels)
    if not panels:
        return Answer(8, "not_applicable", "N/A: the Council does not run a Channel or Police-Led Partnership panel.")
    if signed_policy or (methods and methods == {ConfidentialityMethod.SIGNED_AGREEMENT}):
        return Answer(8, "yes", "Yes", [], sources)
    if methods == {ConfidentialityMethod.VERBAL_RECORDED_IN_MINUTES} and all(
        r is not None and r.minutes_ref for r in records
    ):
        return Answer(8, "no", "No - this is verbally agreed and recorded in the minutes.", [], sources)
    if ConfidentialityMethod.SIGNED_AGREEMENT in methods:
        return Answer(
            8, "no", "Not all: some invitees sign a confidentiality agreement; others agree verbally.", [], sources
        )
    return Answer(8, "no", "No", [], sources)


def _q10_q11(live) -> tuple[Answer, Answer]:
    systems = list(dict.fromkeys(s for f in live for s in f.storage_systems if s.kind not in NATIONAL_SYSTEMS))
    if not systems:
        return Answer(10, "no", "No"), Answer(11, "not_applicable", "N/A")
    names = sorted(s.name for s in systems)
    return (
        Answer(10, "yes", "Yes", [], _src("storage_system", systems)),
        Answer(11, "held", "; ".join(names) + ".", [], _src("storage_system", systems)),
    )


def _designation(number: int, ctx: RuleContext, area, kind: DesignationKind, what: str) -> Answer:
    year = financial_year(ctx.as_of)
    found = next((d for d in area.designations if d.kind == kind and d.financial_year == year), None)
    sources = [{"type": "area", "ref": area.ref}]
    if found is None:
        return Answer(
            number,
            "not_held",
            f"The Council holds no record of whether the area is {what} for {year}. " + NOT_HELD,
            ["s1(1)"],
            sources,
        )
    return Answer(number, "yes" if found.value else "no", f"{'Yes' if found.value else 'No'} ({year}).", [], sources)
