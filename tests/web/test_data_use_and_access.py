"""The Data (Use and Access) Act 2025 in the web app: the forms, the detail pages and the dashboard."""

from __future__ import annotations

import re

from .conftest import csrf

MENTOR = "riverford-pathways-mentoring"
MENTOR_FLOW = "council-to-mentor-channel-support"


def test_the_dashboard_names_the_law_of_the_evaluation_date(client_for):
    page = client_for("auditor").get("/").data.decode()
    [law] = re.findall(r'id="rules-as-of">([^<]*)<', page)
    assert law.startswith("Rules as of ")
    assert law.endswith("UK GDPR and the Data Protection Act 2018 as amended by the Data (Use and Access) Act 2025")


def test_detail_pages_show_the_basis_in_words_and_public_authority_defaults(client_for):
    client = client_for("auditor")
    flow = client.get(f"/records/data_flows/{MENTOR_FLOW}").data.decode()
    assert "Art 6(1)(ea) recognised legitimate interest: safeguarding vulnerable individuals" in flow
    assert "Art 6(1)(e) public task" in flow
    council = client.get("/records/organisations/riverford-city-council").data.decode()
    assert "Public authority (UK GDPR Art 6(1))" in council and "Yes (default for its partner type)" in council
    assert "Data protection complaints procedure (DPA 2018 s164A)" in council
    mentor = client.get(f"/records/organisations/{MENTOR}").data.decode()
    assert "No (default for its partner type)" in mentor
    assert 'id="finding-complaints_procedure_missing"' in mentor


def test_recording_a_complaints_procedure_closes_the_finding(client_for):
    client = client_for("dpo")
    path = f"/records/organisations/{MENTOR}/edit"
    page = client.get(path).data.decode()
    assert "Public authority (UK GDPR Art 6(1))" in page
    assert "may not rely on Art 6(1)(ea) or (f) for its tasks" in page  # the hint
    response = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "name": "Riverford Pathways Mentoring CIC",
            "partner_type": "voluntary_community",
            "areas": ["riverford"],
            "ico_registration": "ZB555007",
            "dpo_contact": "privacy@riverford-pathways.example",
            "apd_ref": "RPM-APD-2026",
            "public_authority": "no",
            "complaints_procedure_ref": "https://www.riverford-pathways.example/complaints",
        },
    )
    assert response.status_code == 302, re.findall(r"error-summary__list.*?</ul>", response.data.decode(), re.S)
    mentor = client.get(f"/records/organisations/{MENTOR}").data.decode()
    assert "https://www.riverford-pathways.example/complaints" in mentor
    assert 'id="finding-complaints_procedure_missing"' not in mentor
    assert "No (default for its partner type)" not in mentor  # now stated


def test_the_lawful_basis_form_offers_the_new_bases_in_words_and_the_rules_judge_them(client_for):
    client = client_for("dpo")
    path = f"/records/data_flows/{MENTOR_FLOW}/lawful_bases/riverford-city-council"
    page = client.get(path).data.decode()
    assert ">Art 6(1)(ea) recognised legitimate interest<" in page
    assert ">Art 6(1)(f) legitimate interests<" in page
    assert ">Safeguarding vulnerable individuals<" in page and "UK GDPR Annex 1 condition" in page
    response = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "regime": "uk_gdpr",
            "art6": "f_legitimate_interests",
            "art9": "g_substantial_public_interest",
            "sch1_paragraph": "18",
            "recorded_on": ["10", "3", "2026"],
        },
    )
    assert response.status_code == 302, response.data.decode()[-1500:]
    flow = client.get(f"/records/data_flows/{MENTOR_FLOW}").data.decode()
    assert 'id="finding-legitimate_interests_by_public_authority"' in flow
    assert "Art 6(1)(f) legitimate interests" in flow
