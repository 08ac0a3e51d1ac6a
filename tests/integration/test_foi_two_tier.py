"""FOI drafts in a two-tier area (issue 18): a district's register, where the county runs Channel.

The district (the register's `holder`) answers for what it holds; the county's DPIA and panel
records are not held by it, and the draft says who holds them (s16). Every flow outside a DSA makes
question 7 "yes" (issue 13). Redactions carry their reasons and public interest tests."""

from __future__ import annotations

import io
import json
import re

import pytest

from tests.integration.test_exchange import export, import_doc

COUNTY_CONTACT = "information.governance@essex.example.gov.uk"
PERSONAL = ["Jane Signatory", "Alex Attendee"]


def flow(ref, sender, recipient, channel, **extra):
    return {
        "ref": ref,
        "name": ref.replace("-", " ").capitalize(),
        "area": "braintree",
        "programme": "prevent_referral",
        "sender": sender,
        "recipient": recipient,
        "frequency": "routine",
        "transfer_channel": channel,
        "relationship": "independent_controllers",
        "status": "live",
        "data_categories": ["identifiers_contact"],
        **extra,
    }


def district_register(county_records: bool = True, county_notice_url: bool = False) -> dict:
    doc = {
        "format": "prevent-compliance-register",
        "version": 1,
        "as_of": "2026-11-25",
        "holder": "braintree-dc",
        "areas": [{"ref": "braintree", "name": "Braintree", "nation": "england", "responsible_authority": "essex-cc"}],
        "organisations": [
            {"ref": "braintree-dc", "name": "Braintree District Council", "partner_type": "local_authority"},
            {
                "ref": "essex-cc",
                "name": "Essex County Council",
                "partner_type": "local_authority",
                "dpo_contact": COUNTY_CONTACT,
            },
            {"ref": "essex-police", "name": "Essex Police", "partner_type": "police"},
        ],
        "privacy_notices": [
            {"ref": "essex-channel-notice", "controller": "essex-cc", "scope": "service_specific", "section": "4"},
            {
                "ref": "braintree-prevent-notice",
                "controller": "braintree-dc",
                "scope": "service_specific",
                "url": "https://www.braintree.example.gov.uk/privacy/prevent",
                "section": "2",
            },
            {
                "ref": "police-notice",
                "controller": "essex-police",
                "scope": "corporate",
                "url": "https://www.essex.police.example.uk/privacy",
            },
        ],
        "dsas": [
            {
                "ref": "district-police-dsa",
                "title": "Braintree Prevent referrals agreement",
                "status": "in_force",
                "template_origin": "la_template",
                "allowed_channels": ["secure_email"],
                "parties": [
                    {"organisation": "braintree-dc", "signatory_role": "Director", "signatory_name": "Jane Signatory"},
                    {"organisation": "essex-police"},
                ],
                "redactions": [
                    {
                        "what": "signatory names and direct telephone numbers",
                        "exemption": "s40_2",
                        "reason": "they are personal data of officers who would not expect them to be published",
                    },
                    {
                        "what": "Annex B (the police referral routes and escalation points)",
                        "exemption": "s24",
                        "reason": "it would show how counter-terrorism referrals are routed and escalated",
                        "public_interest": "The public interest in openness about Prevent is met by the agreement "
                        "itself; knowing the routes would help those seeking to evade them.",
                    },
                    {
                        "what": "Annex C (the thresholds for a police referral)",
                        "exemption": "s31",
                        "reason": "it would help people avoid the attention of the police",
                    },
                ],
            }
        ],
        "mous": [{"ref": "county-police-mou", "title": "Channel MOU", "parties": ["essex-cc", "essex-police"]}],
        "data_flows": [
            flow("district-referrals", "braintree-dc", "essex-police", "secure_email", dsa="district-police-dsa"),
            flow("mash-copies", "braintree-dc", "essex-police", "mash_email", dsa="district-police-dsa"),
            flow("county-to-district", "essex-cc", "braintree-dc", "secure_email"),
        ],
    }
    if county_notice_url:
        doc["privacy_notices"][0]["url"] = "https://www.essex.example.gov.uk/privacy/channel"
    if county_records:
        doc["dpias"] = [
            {"ref": "county-dpia", "title": "Channel DPIA", "controller": "essex-cc", "status": "completed"}
        ]
        doc["data_flows"][0]["dpia"] = "county-dpia"
        doc["data_flows"].append(
            flow("county-channel-cases", "essex-cc", "essex-police", "cmis", mou="county-police-mou")
        )
        doc["panels"] = [
            {
                "ref": "essex-channel",
                "name": "Essex Channel Panel",
                "kind": "channel",
                "areas": ["braintree"],
                "chair_organisation": "essex-cc",
                "confidentiality_policy": "verbal_statement_minuted",
                "meetings": [
                    {
                        "ref": "essex-channel-2026-10",
                        "held_on": "2026-10-01",
                        "attendees": [
                            {
                                "name": "Alex Attendee",
                                "role": "Channel Chair",
                                "organisation": "essex-cc",
                                "confidentiality": {"method": "verbal_recorded_in_minutes", "minutes_ref": "M1"},
                            }
                        ],
                    }
                ],
            }
        ]
    return doc


def drafted(cli, doc: dict) -> dict:
    assert import_doc(cli, doc).exit_code == 0
    result = cli(["foi", "draft", "--area", "braintree", "--format", "json"])
    assert result.exit_code == 0, result.output
    text = cli(["foi", "draft", "--area", "braintree"]).stdout
    out = json.loads(result.stdout)
    assert [name for name in PERSONAL if name in text or name in result.stdout] == []
    assert_grammar(text)
    return out


def assert_grammar(text: str) -> None:
    """Articles agree with the word after them; counts agree with their nouns."""
    assert re.findall(r"\b[Aa] (?:[aeio]\w*|email|MOU)\b", text) == []
    assert re.findall(r"\b[Aa]n (?!MOU|MASH)[b-df-hj-np-tv-z]\w*", text) == []
    assert re.findall(r"\b1 \w+s\b|\b(?:[02-9]|\d\d+) (?:agreement|notice|flow|system|question)\b", text) == []


def by_number(result: dict) -> dict[int, dict]:
    return {a["question"]: a for a in result["answers"]}


def test_a_district_answers_for_itself_and_points_at_the_county(cli):
    result = drafted(cli, district_register())
    answers = by_number(result)
    assert result["holder"] == "Braintree District Council" and "advice" not in result
    # Q1: the district's own DSA, with what is withheld, under which exemption and why.
    q1 = answers[1]
    assert q1["outcome"] == "held" and q1["exemptions"] == ["s24", "s31", "s40(2)"]
    assert "small amount" not in q1["text"]
    for what, why in [
        ("Signatory names and direct telephone numbers, under Section 40(2) (Personal Information)", "They are"),
        ("Annex B (the police referral routes and escalation points), under Section 24", "It would show"),
        ("Annex C (the thresholds for a police referral), under Section 31 (Law Enforcement)", "It would help"),
    ]:
        assert f"{what}" in q1["text"] and f": {why}" in q1["text"]
    assert "Public interest test: The public interest in openness" in q1["text"]
    # s31 has no public interest test recorded: the marker blocks the final mark; s40(2) needs none.
    assert q1["text"].count("Public interest test to be completed by the DPO") == 1
    # Q2: the county's DPIA is the county's: not held, and who holds it and how to ask.
    assert answers[2]["outcome"] == "not_held"
    assert "section 16" in answers[2]["text"] and "Essex County Council holds this information" in answers[2]["text"]
    assert COUNTY_CONTACT in answers[2]["text"]
    # Q4: the MOU is between the county and the police, not the district's.
    assert answers[4]["outcome"] == "not_held" and "Essex County Council" in answers[4]["text"]
    # Q5: the district's own notice first, then its partners' published notices; not the county's
    # Channel notice (it has no URL).
    q5 = answers[5]
    assert q5["outcome"] == "accessible_elsewhere" and q5["exemptions"] == ["s21"]
    assert q5["text"].index("braintree.example.gov.uk/privacy/prevent, section 2") < q5["text"].index("Essex Police")
    assert "essex-channel-notice" not in json.dumps(q5["sources"])
    # Q7: the MASH copies (a channel the DSA does not allow), the county's flow on a secure channel
    # with no DSA, and the one on an MOU alone.
    q7 = answers[7]
    assert q7["outcome"] == "yes"
    assert [s["ref"] for s in q7["sources"]] == ["county-channel-cases", "county-to-district", "mash-copies"]
    assert "by MASH email" in q7["text"] and "on a channel its Data Sharing Agreement does not allow" in q7["text"]
    assert "under a Memorandum of Understanding only" in q7["text"]
    # Q8: the county's panel records.
    assert answers[8]["outcome"] == "not_held" and "Essex County Council" in answers[8]["text"]
    assert answers[9]["outcome"] == "not_applicable"
    # Q14: s38 is qualified: to be completed until the DPO records the test.
    assert "Public interest test to be completed" in answers[14]["text"]


def test_county_records_absent_and_county_notice_without_url(cli):
    result = drafted(cli, district_register(county_records=False))
    answers = by_number(result)
    assert answers[2]["outcome"] == "not_held" and "section 16" not in answers[2]["text"]
    assert answers[8]["outcome"] == "not_applicable"
    # The district publishes its own notice: never "not held" because the county's has no URL.
    assert answers[5]["outcome"] == "accessible_elsewhere"
    assert "braintree.example.gov.uk/privacy/prevent" in answers[5]["text"]
    assert [s["ref"] for s in answers[7]["sources"]] == ["county-to-district", "mash-copies"]


def test_partners_notices_count_when_the_holder_publishes_none(cli):
    doc = district_register(county_notice_url=True)
    doc["privacy_notices"] = [n for n in doc["privacy_notices"] if n["ref"] != "braintree-prevent-notice"]
    answers = by_number(drafted(cli, doc))
    assert answers[5]["outcome"] == "accessible_elsewhere"
    assert "We do not publish a privacy notice of our own" in answers[5]["text"]
    assert "https://www.essex.example.gov.uk/privacy/channel, section 4" in answers[5]["text"]
    for notice in doc["privacy_notices"]:
        del notice["url"]
    answers = by_number(drafted(cli, doc))
    assert answers[5]["outcome"] == "not_held"


def test_a_district_that_holds_nothing_says_so_once(cli):
    doc = district_register()
    doc["dsas"] = []
    doc["data_flows"] = [flow("county-only", "essex-cc", "essex-police", "cmis", mou="county-police-mou")]
    del doc["dpias"]
    result = drafted(cli, doc)
    answers = result["answers"]
    assert {a["outcome"] for a in answers[:13]} == {"not_held"}
    assert result["advice"].startswith("Braintree District Council holds none of the information requested.")
    assert "Essex County Council" in result["advice"] and COUNTY_CONTACT in result["advice"]
    assert [a["question"] for a in answers if "section 16" in a["text"]] == []


def test_the_holder_travels_with_the_register(cli):
    doc = district_register()
    assert import_doc(cli, doc).exit_code == 0
    assert export(cli)["holder"] == "braintree-dc"
    assert export(cli, "--area", "braintree")["holder"] == "braintree-dc"
    bad = {"format": "prevent-compliance-register", "version": 1, "holder": "nobody"}
    result = import_doc(cli, bad)
    assert result.exit_code != 0 and "holder" in result.output and "nobody" in result.output


def test_the_word_document_reads_back(app, cli):
    docx = pytest.importorskip("docx")
    from compliance.reports import foi_document
    from compliance.services import foi

    assert import_doc(cli, district_register()).exit_code == 0
    with app.app_context():
        result = foi.draft("braintree")
    document = docx.Document(io.BytesIO(foi_document.as_docx(result)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert document.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert "Annex B (the police referral routes" in body and "Jane Signatory" not in body
    released = docx.Document(io.BytesIO(foi_document.as_docx(result, marked=False)))
    assert released.sections[0].header.paragraphs[0].text == ""
