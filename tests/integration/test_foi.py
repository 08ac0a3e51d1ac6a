"""FOI draft answers: the outcomes foi-questions.md gives for the council of the FOI response, and
no personal data in any draft."""

from __future__ import annotations

import copy
import json

from compliance.services.seeding import DEMO_FILE
from tests.integration.test_exchange import import_doc, load_fixture
from tests.integration.test_foi_two_tier import assert_grammar

COUNCIL_OUTCOMES = {
    1: "held",
    2: "not_held",
    3: "not_held",
    4: "not_held",
    5: "accessible_elsewhere",
    6: "no",
    7: "no",
    8: "no",
    9: "not_applicable",
    10: "no",
    11: "not_applicable",
    12: "yes",
    13: "no",
    14: "withheld",
}


def draft(cli, *args: str) -> dict:
    result = cli(["foi", "draft", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_demo_council_gets_the_outcomes_of_the_real_answer(cli, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "foi-tests-password")
    assert cli(["seed", "demo"]).exit_code == 0
    result = draft(cli, "--area", "riverford", "--as-of", "2026-11-25")
    assert {a["question"]: a["outcome"] for a in result["answers"]} == COUNCIL_OUTCOMES
    answers = {a["question"]: a for a in result["answers"]}
    assert answers[3]["text"].startswith("N/A: no processor is used")
    assert (
        answers[5]["exemptions"] == ["s21"]
        and "https://www.riverford.example.gov.uk/privacy/prevent" in (answers[5]["text"])
        and "section 3" in answers[5]["text"]
    )
    assert answers[8]["text"] == "No - this is verbally agreed and recorded in the minutes."
    assert answers[14]["exemptions"] == ["s40(2)", "s38"]
    assert answers[1]["sources"] == [{"type": "dsa", "ref": "riverford-prevent-channel-dsa"}]
    # What is redacted, under which exemption and why: not "a small amount".
    assert answers[1]["text"].endswith(
        "Signatory names, under Section 40(2) (Personal Information): Personal data of the officers who signed "
        "(FOI response question 1)."
    )
    assert_grammar(cli(["foi", "draft", "--area", "riverford"]).stdout)


def test_no_person_named_in_any_draft(cli, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "foi-tests-password")
    assert cli(["seed", "demo"]).exit_code == 0
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    names = {a["name"] for p in demo["panels"] for m in p["meetings"] for a in m["attendees"] if "name" in a}
    names |= {p["signatory_name"] for d in demo["dsas"] for p in d["parties"] if "signatory_name" in p}
    text = cli(["foi", "draft", "--area", "riverford"]).stdout + json.dumps(draft(cli, "--area", "riverford"))
    assert names and [name for name in names if name in text] == []


def test_the_spec_example_council(cli):
    assert import_doc(cli, load_fixture("spec-example.json")).exit_code == 0
    result = draft(cli, "--area", "city")
    assert result["as_of"] == "2021-06-30"
    outcomes = {a["question"]: a["outcome"] for a in result["answers"]}
    assert outcomes == COUNCIL_OUTCOMES | {5: "not_held"}  # its notice in the example has no URL


def test_a_processor_without_a_contract_is_not_held_without_the_na(cli):
    doc = copy.deepcopy(load_fixture("spec-example.json"))
    doc["organisations"].append({"ref": "host", "name": "Hosting Ltd", "partner_type": "supplier"})
    doc["storage_systems"].append(
        {
            "ref": "cloud-crm",
            "name": "Cloud CRM",
            "kind": "la_case_system",
            "approved_for_prevent": True,
            "owner": "city-council",
            "processor": "host",
        }
    )
    doc["data_flows"][0]["storage_systems"] = ["cloud-crm", "pcm"]
    assert import_doc(cli, doc).exit_code == 0
    answers = {a["question"]: a for a in draft(cli, "--area", "city")["answers"]}
    assert answers[3]["outcome"] == "not_held" and not answers[3]["text"].startswith("N/A")
    assert (answers[10]["outcome"], answers[11]["outcome"], answers[11]["text"]) == ("yes", "held", "Cloud CRM.")


def test_a_district_that_runs_no_prevent_work_points_to_who_does(cli):
    doc = {
        "format": "prevent-compliance-register",
        "version": 1,
        "areas": [{"ref": "braintree", "name": "Braintree", "nation": "england", "responsible_authority": "essex"}],
        "organisations": [
            {"ref": "essex", "name": "Essex County Council", "partner_type": "local_authority", "areas": ["braintree"]}
        ],
    }
    assert import_doc(cli, doc).exit_code == 0
    result = draft(cli, "--area", "braintree")
    answers = result["answers"]
    assert {a["outcome"] for a in answers[:13]} == {"not_held"}
    # The advice and assistance is given once, for the whole draft, not in each answer.
    assert "section 16" in result["advice"] and "Essex County Council" in result["advice"]
    assert [a["question"] for a in answers if "section 16" in a["text"] or "Essex" in a["text"]] == []


def test_an_unknown_area_is_bad_input(cli):
    result = cli(["foi", "draft", "--area", "nowhere"])
    assert result.exit_code == 2 and "nowhere" in result.stderr
