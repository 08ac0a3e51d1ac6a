"""Draft answers to the standard Prevent/Channel FOI request (../shared/spec/foi-questions.md).

Pure: built from the loaded register (a RuleContext), no database. Worded as a council answers
(the model is the response in reference/foi-response-that-started-it.txt). Personal data (DSA
signatory and panel attendee names) is never read here, so it cannot reach a draft.

The answers are the register holder's (the exchange format's `holder`, by default the area's
responsible authority): a record another organisation holds (the county's DPIA, the county's panel
records) makes the answer `not_held`, with advice and assistance (s16) naming who holds it.
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
    Relationship,
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
EXEMPTION_LABELS = {Exemption.S40_2: "s40(2)", Exemption.S38: "s38", Exemption.S24: "s24", Exemption.S31: "s31"}
SECTIONS = {
    "s40(2)": "Section 40(2) (Personal Information)",
    "s38": "Section 38 (Health and Safety)",
    "s24": "Section 24 (National Security)",
    "s31": "Section 31 (Law Enforcement)",
}
QUALIFIED = {"s24", "s31", "s38"}  # the public interest test applies
# Markers a DPO must replace before the draft can be marked final.
PIT_PENDING = "[Public interest test to be completed by the DPO]"
REASON_PENDING = "[Reason to be recorded by the DPO]"
PENDING = (PIT_PENDING, REASON_PENDING)
CHANNEL_WORDS = {TransferChannel.MASH_EMAIL: "MASH email", TransferChannel.PCM: "PCM", TransferChannel.CMIS: "CMIS"}

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

S40_TEXT = (
    "Section 40(2) exempts personal data if disclosure would contravene any of the data protection principles in "
    "Article 5(1) of the UK GDPR and section 34(1) of the Data Protection Act 2018. By disclosing two identifiers "
    "(organisation and position within it), any individual who has been consulted could be identified. "
    "Section 40(2) is an absolute exemption, which does not require a public interest test."
)
S38_TEXT = (
    "Prevent is part of the Government's counter-terrorism strategy, and those involved in it are engaged in "
    "reducing the terrorist threat to the UK. People identified as consulted on this answer could be targeted by "
    "individuals or groups seeking to undermine that strategy, and knowing they could be identified would harm "
    "their wellbeing."
)


@dataclass
class Answer:
    question: int
    outcome: str
    text: str
    exemptions: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """A reason or public interest test is still to be recorded: the draft cannot be final."""
        return any(marker in self.text for marker in PENDING)

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
    holder: str | None = None  # the name of the organisation answering
    advice: str | None = None  # said once for the whole draft (the holder holds nothing at all)

    @property
    def pending(self) -> list[int]:
        """The questions whose answer still needs a reason or a public interest test."""
        return [answer.question for answer in self.answers if answer.pending]

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"area": self.area, "as_of": self.as_of.isoformat()}
        if self.holder:
            out["holder"] = self.holder
        if self.advice:
            out["advice"] = self.advice
        out["answers"] = [a.as_json() for a in self.answers]
        return out


def _src(kind: str, records) -> list[dict[str, str]]:
    return [{"type": kind, "ref": record.ref} for record in sorted(records, key=lambda r: r.ref)]


def sentence(text: str) -> str:
    """Capitalised, with one full stop at the end."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?]" else text + "."


def public_interest(text: str | None) -> str:
    return "Public interest test: " + sentence(text) if text and text.strip() else PIT_PENDING


def withhold(answer: Answer, exemptions: list[str], public_interest_text: str) -> Answer:
    """The answer as a DPO decided to withhold it, keeping the records it rests on."""
    cited = listing([SECTIONS[e] for e in exemptions])
    text = f"We are withholding this information under {cited} of the Act. {public_interest(public_interest_text)}"
    return Answer(answer.question, "withheld", text, list(exemptions), answer.sources)


def q14(public_interest_text: str | None = None) -> Answer:
    text = (
        "We are withholding this information under FOIA Section 40(2) (Personal Information) and Section 38 "
        f"(Health and Safety). {S40_TEXT} {S38_TEXT} {public_interest(public_interest_text)}"
    )
    return Answer(14, "withheld", text, ["s40(2)", "s38"])


class _Holder:
    """Who answers, and what they hold: records whose organisations include the holder are its own.
    With no holder known (no `holder`, and the area has no responsible authority) every record
    counts as held, as a single council's register."""

    def __init__(self, organisation) -> None:
        self.organisation = organisation

    def holds(self, organisations) -> bool:
        return self.organisation is None or self.organisation in set(organisations)

    def others(self, organisations) -> list:
        seen = dict.fromkeys(o for o in organisations if o is not None and o is not self.organisation)
        return sorted(seen, key=lambda o: o.name)


def advice_s16(organisations, what: str = "this information") -> str:
    """Advice and assistance (s16): who holds it and how to ask them."""
    names = listing(o.name for o in organisations)
    verb = "holds" if len(organisations) == 1 else "hold"
    contacts = listing(f"{o.name} ({o.dpo_contact})" if o.dpo_contact else o.name for o in organisations)
    return f"Under section 16 of the Act we advise you that {names} {verb} {what}, and you can ask {contacts} for it."


def _not_held(number: int, holder: _Holder, elsewhere, prefix: str = "", sources=()) -> Answer:
    others = holder.others(elsewhere)
    text = (prefix + " " if prefix else "") + NOT_HELD + (" " + advice_s16(others) if others else "")
    return Answer(number, "not_held", text, ["s1(1)"], list(sources))


def draft(
    ctx: RuleContext,
    area_ref: str,
    withheld: Mapping[int, tuple[list[str], str]] | None = None,
    holder_ref: str | None = None,
) -> Draft:
    withheld = dict(withheld or {})
    final_q14 = withheld.pop(14, None)
    result = _draft(ctx, area_ref, holder_ref)
    result.answers[13] = q14(final_q14[1] if final_q14 else None)
    for number, (exemptions, public_interest_text) in withheld.items():
        result.answers[number - 1] = withhold(result.answers[number - 1], exemptions, public_interest_text)
    return result


def _draft(ctx: RuleContext, area_ref: str, holder_ref: str | None) -> Draft:
    area = next(a for a in ctx.areas if a.ref == area_ref)
    organisation = next((o for o in ctx.organisations if o.ref == holder_ref), None) if holder_ref else None
    flows = [flow for flow in ctx.data_flows if flow.area is area]
    live = [flow for flow in flows if flow.is_live]
    panels = [panel for panel in ctx.panels if area in panel.areas]
    # With no `holder`, an area the register holds nothing about is not its responsible authority's
    # register: it is answered by "the Council", pointing at the authority.
    default = area.responsible_authority if flows or panels else None
    holder = _Holder(organisation or default)
    holder_name = holder.organisation.name if holder.organisation else None
    dsas = list(dict.fromkeys(flow.dsa for flow in flows if flow.dsa is not None))
    involved = _involved(ctx, flows, panels, dsas, area)
    if (not flows and not panels) or not holder.holds(involved):
        authority = area.responsible_authority
        named = [authority] if authority is not None and authority is not holder.organisation else []
        named = named or holder.others(involved) or ([authority] if authority else [])
        who = holder_name or "The Council"
        advice = f"{who} holds none of the information requested. {NOT_HELD}"
        if named:
            advice += (
                f" Under section 16 of the Act we advise you that Prevent and Channel in this area are run by "
                f"{listing(o.name for o in named)}, which may hold this information"
                + "".join(f"; you can ask {o.name} at {o.dpo_contact}" for o in named if o.dpo_contact)
                + "."
            )
        answers = [Answer(n, "not_held", NOT_HELD, ["s1(1)"]) for n in range(1, 14)]
        answers.append(q14())
        return Draft(area.ref, area.name, ctx.as_of, answers, holder_name, advice)

    answers = [
        _q1(holder, dsas),
        _q2(ctx, holder, dsas),
        _q3(ctx, holder, live),
        _q4(ctx, holder, flows, dsas, area),
        _q5(ctx, holder, live),
        _q6(holder, dsas),
        _q7(live),
    ]
    q8 = _q8(holder, panels)
    answers.append(q8)
    answers.append(
        Answer(9, "held", "Please see the attached blank confidentiality agreement.", [], q8.sources)
        if q8.outcome == "yes"
        else Answer(9, "not_applicable", "N/A")
    )
    q10, q11 = _q10_q11(live)
    answers.extend([q10, q11])
    answers.append(_designation(12, ctx, area, DesignationKind.PREVENT_PRIORITY_AREA, "a Prevent priority area"))
    answers.append(_designation(13, ctx, area, DesignationKind.DOVETAIL_AREA, "a Dovetail area"))
    answers.append(q14())
    return Draft(area.ref, area.name, ctx.as_of, answers, holder_name)


def _involved(ctx: RuleContext, flows, panels, dsas, area) -> list:
    """Every organisation that holds a record of the area: senders, recipients, DSA and MOU
    parties, DPIA and contract controllers, panel chairs and privacy notice controllers."""
    organisations = [o for f in flows for o in (f.sender, f.recipient)]
    organisations += [party.organisation for dsa in dsas for party in dsa.parties]
    organisations += [f.dpia.controller for f in flows if f.dpia is not None]
    organisations += [o for mou in _mous(ctx, flows, area) for o in mou.parties]
    organisations += [panel.chair_organisation for panel in panels]
    return organisations


def _mous(ctx: RuleContext, flows, area) -> list:
    used = {f.mou for f in flows}
    return [mou for mou in ctx.mous if mou in used or any(area in p.areas for p in mou.parties)]


def _q1(holder: _Holder, dsas) -> Answer:
    held = [dsa for dsa in dsas if holder.holds(p.organisation for p in dsa.parties)]
    if not held:
        return _not_held(1, holder, [p.organisation for dsa in dsas for p in dsa.parties], sources=_src("dsa", dsas))
    redactions = [r for dsa in held for r in dsa.redactions]
    exemptions = sorted({EXEMPTION_LABELS[r.exemption] for r in redactions})
    titles = listing(sorted(dsa.title for dsa in held))
    what = "the attached Data Sharing Agreement" if len(held) == 1 else "the attached Data Sharing Agreements"
    text = f"Please see {what} ({titles})."
    if redactions:
        text += " We have redacted the following, under the exemptions given:"
        for redaction in redactions:
            label = EXEMPTION_LABELS[redaction.exemption]
            reason = sentence(redaction.reason) if redaction.reason and redaction.reason.strip() else REASON_PENDING
            what = redaction.what.strip().rstrip(".")
            text += f" {what[:1].upper() + what[1:]}, under {SECTIONS[label]}: {reason}"
            if label in QUALIFIED:
                text += " " + public_interest(redaction.public_interest)
    return Answer(1, "held", text, exemptions, _src("dsa", held))


def _q2(ctx: RuleContext, holder: _Holder, dsas) -> Answer:
    dpias = list(
        dict.fromkeys(
            flow.dpia
            for dsa in dsas
            for flow in ctx.flows_by_dsa.get(dsa, ())
            if flow.dpia is not None and flow.dpia.status == DpiaStatus.COMPLETED
        )
    )
    held = [dpia for dpia in dpias if holder.holds([dpia.controller])]
    if held:
        return Answer(2, "held", "Please see attached.", [], _src("dpia", held))
    return _not_held(2, holder, [dpia.controller for dpia in dpias], sources=_src("dpia", dpias))


def _q3(ctx: RuleContext, holder: _Holder, live) -> Answer:
    pairs = list(dict.fromkeys(pair for flow in live for pair in ctx.processor_pairs(flow)))
    if not pairs:
        return Answer(
            3,
            "not_held",
            "N/A: no processor is used; the sharing is between independent controllers. " + NOT_HELD,
            ["s1(1)"],
        )
    contracts = [c for pair in pairs for c in ctx.contracts_by_pair.get(pair, ()) if in_force(c, ctx.as_of)]
    held = [c for c in contracts if holder.holds([c.controller])]
    if held:
        return Answer(3, "held", "Please see attached.", [], _src("processing_contract", held))
    return _not_held(3, holder, [c.controller for c in contracts], sources=_src("processing_contract", contracts))


def _q4(ctx: RuleContext, holder: _Holder, flows, dsas, area) -> Answer:
    mous = _mous(ctx, flows, area)
    held = [mou for mou in mous if holder.holds(mou.parties)]
    with_dsa = {party.organisation for dsa in dsas for party in dsa.parties}
    partners = sorted({org.name for mou in held for org in mou.parties if org not in with_dsa})
    if partners:
        return Answer(
            4,
            "held",
            "We have entered into a Memorandum of Understanding with: " + listing(partners) + ".",
            [],
            _src("mou", held),
        )
    reason = "We have not entered into any MOUs" if not held else "Every partner with an MOU also has a DSA"
    others = holder.others(o for mou in mous if mou not in held for o in mou.parties)
    return Answer(
        4,
        "not_held",
        f"This is information not held. {reason} and the Council is advising you of this "
        "as required by Section 1(1) of the Act." + (" " + advice_s16(others) if others else ""),
        ["s1(1)"],
        _src("mou", mous),
    )


def _where(notice) -> str:
    return notice.url + (f", section {notice.section}" if notice.section else "")


def _q5(ctx: RuleContext, holder: _Holder, live) -> Answer:
    """The privacy notices of every controller of the area's live flows, the holder's own first."""
    controllers = [flow.sender for flow in live] + [
        flow.recipient for flow in live if flow.relationship_ != Relationship.CONTROLLER_TO_PROCESSOR
    ]
    if holder.organisation is not None:
        controllers.insert(0, holder.organisation)
    controllers = list(dict.fromkeys(controllers))
    by_controller: dict[Any, list] = {}
    for notice in sorted(ctx.privacy_notices, key=lambda n: (n.scope.value != "service_specific", n.ref)):
        if notice.controller in controllers:
            by_controller.setdefault(notice.controller, []).append(notice)
    considered = [n for c in controllers for n in by_controller.get(c, ())]
    own = [n for n in by_controller.get(holder.organisation, ()) if n.url] if holder.organisation else []
    partners = [
        next(n for n in by_controller[c] if n.url)
        for c in controllers
        if c is not holder.organisation and any(n.url for n in by_controller.get(c, ()))
    ]
    if holder.organisation is None and partners:
        own, partners = partners[:1], partners[1:]
    if not own and not partners:
        return Answer(5, "not_held", NOT_HELD, ["s1(1)"], _src("privacy_notice", considered))
    text = "This information is accessible elsewhere under Section 21 of the FOI Act."
    if own:
        text += f" Please see our privacy notice at {_where(own[0])}."
    else:
        text += " We do not publish a privacy notice of our own for this work."
    if partners:
        listed = "; ".join(f"{n.controller.name}: {_where(n)}" for n in partners)
        lead = "Our partners in this work publish theirs" if own else "Our partners in this work publish them"
        text += f" {lead}: {listed}."
    return Answer(5, "accessible_elsewhere", text, ["s21"], _src("privacy_notice", own[:1] + partners))


def _q6(holder: _Holder, dsas) -> Answer:
    if not dsas:
        return Answer(6, "not_applicable", "N/A: no Data Sharing Agreement is held.")
    held = [dsa for dsa in dsas if holder.holds(p.organisation for p in dsa.parties)]
    if not held:
        return _not_held(6, holder, [p.organisation for dsa in dsas for p in dsa.parties], sources=_src("dsa", dsas))
    dsas = held
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


def _outside_dsa(flow) -> str | None:
    """Why a live flow is shared outside a DSA, or None when a DSA covers it on an allowed channel."""
    if flow.dsa is None:
        if flow.mou is not None:
            return "under a Memorandum of Understanding only, with no Data Sharing Agreement"
        return "with no Data Sharing Agreement"
    allowed = flow.dsa.allowed_channels
    if allowed is not None and flow.transfer_channel.value not in allowed:
        return "on a channel its Data Sharing Agreement does not allow"
    return None


def channel_words(channel: TransferChannel) -> str:
    return CHANNEL_WORDS.get(channel, humanise(channel.value))


def _q7(live) -> Answer:
    """Every live flow with no DSA (whatever its channel, an MOU alone included) or on a channel its
    DSA does not allow."""
    outside = [(flow, why) for flow in live if (why := _outside_dsa(flow)) is not None]
    if not outside:
        return Answer(7, "no", "No")
    outside.sort(key=lambda pair: pair[0].ref)
    routes = [
        f"{flow.sender.name} to {flow.recipient.name} by {channel_words(flow.transfer_channel)} ({flow.name}), {why}"
        for flow, why in outside
    ]
    return Answer(7, "yes", "Yes: " + "; ".join(routes) + ".", [], _src("data_flow", [f for f, _ in outside]))


def _q8(holder: _Holder, panels) -> Answer:
    if not panels:
        return Answer(8, "not_applicable", "N/A: the Council does not run a Channel or Police-Led Partnership panel.")
    own = [panel for panel in panels if holder.holds([panel.chair_organisation])]
    if not own:
        return _not_held(
            8,
            holder,
            [panel.chair_organisation for panel in panels],
            prefix="The Council does not run these panels or hold their records.",
            sources=_src("panel", panels),
        )
    panels = own
    records = [a.confidentiality for p in panels for m in p.meetings for a in m.attendees]
    methods = {r.method for r in records if r is not None}
    policies = {p.confidentiality_policy for p in panels}
    signed_policy = policies & {ConfidentialityPolicy.SIGNED_EACH_MEETING, ConfidentialityPolicy.SIGNED_ANNUALLY}
    sources = _src("panel", panels)
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
