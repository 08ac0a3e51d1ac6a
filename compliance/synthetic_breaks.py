"""How the synthetic register (compliance/synthetic.py) is broken the way registers are broken in
practice: the gaps set on an area's shared records (AREA_BREAKS, which the area's builder applies),
the gaps set on single flows (FLOW_BREAKS, one in FLOW_BREAK_RATE flows), and the complete lawful
bases they start from. Kept apart from the builder so that each reads on its own; pure and
deterministic like it (the builder's random generator decides which break goes where).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .synthetic import _Area

RECOGNISED_LI_FROM = date(2026, 2, 5)
VOLUNTARY = ("intervention", "charity")
SC_CATEGORIES = ("identifiers_contact", "family_associates", "sc_religious", "criminal_offence_alleged")


def complete_basis(party: str, started: date | None = None) -> dict[str, Any]:
    """A complete basis; a voluntary partner's depends on when its flow started (`started`)."""
    if party.startswith("police-"):
        return {
            "party": party,
            "regime": "dpa_part3",
            "part3": "s35_2_b_necessary",
            "sch8_condition": "para 1",
            "recorded_on": "2022-09-01",
        }
    return {
        "party": party,
        "regime": "uk_gdpr",
        "art6": "e_public_task",
        "art9": "g_substantial_public_interest",
        "sch1_paragraph": 10,
        "art10": "sch1_condition",
        "recorded_on": "2022-09-01",
    } | (_voluntary_basis(started) if started and party.endswith(tuple(f"-{v}" for v in VOLUNTARY)) else {})


def _voluntary_basis(started: date) -> dict[str, Any]:
    """Not a public authority, so neither (e) nor, before the Act, (ea): legitimate interests (f);
    a flow started since the Act commenced rests on (ea) with the safeguarding condition, recorded
    when it started."""
    if started < RECOGNISED_LI_FROM:
        return {"art6": "f_legitimate_interests"}
    return {
        "art6": "ea_recognised_legitimate_interest",
        "annex1_condition": "safeguarding_vulnerable_individuals",
        "recorded_on": started.isoformat(),
    }


# Gaps set on a whole area's shared records (a DSA, a DPIA, a panel...): each area has 3-5 of them.
AREA_BREAKS = frozenset(
    {
        "apd_missing",
        "children_no_best_interests",
        "complaints_procedure_missing",
        "confidentiality_unrecorded",
        "confidentiality_verbal_only",
        "contract_deficient",
        "designation_unsourced",
        "dpia_after_sharing",
        "dpia_high_risk_not_consulted",
        "dpia_review_overdue",
        "dsa_content_incomplete",
        "dsa_review_overdue",
        "dsa_unsigned",
        "mou_not_a_dsa",
        "panel_constitution",
        "panel_partner_ungoverned",
        "privacy_notice_incomplete",
        "privacy_notice_missing",
        "storage_unassured",
    }
)

# Gaps on a single flow; one flow in FLOW_BREAK_RATE has one of them.
FLOW_BREAK_RATE = 0.36


def _no_agreement(area: _Area, flow: dict[str, Any]) -> None:
    del flow["dsa"]
    flow["frequency"] = "routine"


def _mou_only(area: _Area, flow: dict[str, Any]) -> None:
    del flow["dsa"]
    flow["mou"] = f"{area.ref}-mou"


def _informal_channel(area: _Area, flow: dict[str, Any]) -> None:
    flow["transfer_channel"] = "unsecure_email"


def _one_basis(area: _Area, flow: dict[str, Any]) -> None:
    flow["lawful_bases"] = flow["lawful_bases"][:1]


def _no_art9(area: _Area, flow: dict[str, Any]) -> None:
    flow["lawful_bases"] = [_without(b, "art9", "sch1_paragraph") for b in flow["lawful_bases"]]


def _no_art10(area: _Area, flow: dict[str, Any]) -> None:
    flow["lawful_bases"] = [_without(b, "art10") for b in flow["lawful_bases"]]


def _police_under_gdpr(area: _Area, flow: dict[str, Any]) -> None:
    if area.police not in (flow["sender"], flow["recipient"]):
        _reroute(flow, area.council, area.police, f"{area.ref}-dsa-prevent")
    # A complete UK GDPR basis for the police too, so that only the regime is wrong.
    flow["lawful_bases"] = [complete_basis("any") | {"party": basis["party"]} for basis in flow["lawful_bases"]]


def _no_dpia(area: _Area, flow: dict[str, Any]) -> None:
    del flow["dpia"]
    flow["subjects"] = {"children": False, "vulnerable_adults": True}


def _unapproved_storage(area: _Area, flow: dict[str, Any]) -> None:
    flow["storage_systems"] = [*flow["storage_systems"], f"{area.ref}-tracker"]


def _joint_without_arrangement(area: _Area, flow: dict[str, Any]) -> None:
    # The only arrangement in an area is between the council and the police.
    flow["relationship"] = "joint_controllers"
    if {flow["sender"], flow["recipient"]} == {area.council, area.police}:
        _reroute(flow, f"{area.ref}-nhs", area.council, f"{area.ref}-dsa-prevent")


def _hosted_without_contract(area: _Area, flow: dict[str, Any]) -> None:
    flow["storage_systems"] = [*flow["storage_systems"], f"{area.ref}-shared-drive"]


def _no_retention(area: _Area, flow: dict[str, Any]) -> None:
    del flow["retention"]


def _intelligence_to_partner(area: _Area, flow: dict[str, Any]) -> None:
    _reroute(flow, area.police, area.council, f"{area.ref}-dsa-prevent")
    flow["data_categories"] = [*SC_CATEGORIES, "intelligence_service_derived"]


def _reroute(flow: dict[str, Any], sender: str, recipient: str, dsa: str) -> None:
    flow["sender"], flow["recipient"], flow["dsa"] = sender, recipient, dsa
    flow["lawful_bases"] = [complete_basis(sender), complete_basis(recipient)]
    flow["privacy_notices"] = [f"{sender}-notice", f"{recipient}-notice"]


def _no_ropa(area: _Area, flow: dict[str, Any]) -> None:
    del flow["ropa_ref"]


def _consent(area: _Area, flow: dict[str, Any]) -> None:
    basis = flow["lawful_bases"][0]
    if basis["regime"] == "uk_gdpr":
        basis["art6"] = "a_consent"
    else:
        flow["lawful_bases"][1]["art6"] = "a_consent"


def _recognised_li_misused(area: _Area, flow: dict[str, Any]) -> None:
    """(ea) claimed for the sender's part: a public authority's, or (housing) a basis recorded
    before (ea) existed. Either is G33."""
    basis = next(b for b in flow["lawful_bases"] if b["regime"] == "uk_gdpr")
    basis["art6"] = "ea_recognised_legitimate_interest"
    basis["annex1_condition"] = "crime"


def _legitimate_interests_by_public_authority(area: _Area, flow: dict[str, Any]) -> None:
    """Art 6(1)(f) claimed by the council, or by the public authority sharing with it."""
    voluntary = tuple(f"{area.ref}-{v}" for v in (*VOLUNTARY, "housing"))
    basis = next(b for b in flow["lawful_bases"] if b["regime"] == "uk_gdpr" and b["party"] not in voluntary)
    basis["art6"] = "f_legitimate_interests"
    basis.pop("annex1_condition", None)


def _without(basis: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in basis.items() if key not in keys}


FLOW_BREAKS = {
    "consent": _consent,
    "hosted_without_contract": _hosted_without_contract,
    "informal_channel": _informal_channel,
    "intelligence_to_partner": _intelligence_to_partner,
    "joint_without_arrangement": _joint_without_arrangement,
    "legitimate_interests_by_public_authority": _legitimate_interests_by_public_authority,
    "mou_only": _mou_only,
    "no_agreement": _no_agreement,
    "no_art10": _no_art10,
    "no_art9": _no_art9,
    "no_dpia": _no_dpia,
    "no_retention": _no_retention,
    "no_ropa": _no_ropa,
    "one_basis": _one_basis,
    "police_under_gdpr": _police_under_gdpr,
    "recognised_li_misused": _recognised_li_misused,
    "unapproved_storage": _unapproved_storage,
}
