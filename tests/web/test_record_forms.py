"""Create and edit forms: GOV.UK error messages that say what to do, typed values kept, nested lists kept."""

from __future__ import annotations

import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Dsa
from compliance.services import exchange

from .conftest import csrf
from .test_write_scope_web import stored


def stored_all(key: str) -> list[dict]:
    db.session.remove()
    return exchange.export_document().get(key, [])


EMPTY_DATE = ["", "", ""]
DSA_DATES = {name: EMPTY_DATE for name in ("effective_from", "review_due", "last_reviewed_on", "expires_on")}


def test_a_dsa_is_created_with_its_parties_and_edited_without_losing_signatures(client_for):
    client = client_for("dpo")
    token = csrf(client, "/records/dsas/new")
    response = client.post(
        "/records/dsas/new",
        data={
            "csrf_token": token,
            "ref": "college-dsa",
            "title": "College sharing agreement",
            "status": "in_force",
            "template_origin": "bespoke",
            "party_organisations": ["riverford-city-council", "riverford-college"],
            **DSA_DATES,
            "review_due": ["31", "3", "2027"],
        },
    )
    assert response.status_code == 302, response.data.decode()[-2000:]
    dsa = db.session.scalar(sa.select(Dsa).where(Dsa.ref == "college-dsa"))
    assert [p.organisation.ref for p in dsa.parties] == ["riverford-city-council", "riverford-college"]

    page = client.get("/records/dsas/riverford-prevent-channel-dsa/edit").data.decode()
    assert 'value="riverford-college" checked' in page
    before = {
        p.organisation.ref: p.signed_on
        for p in db.session.scalar(sa.select(Dsa).where(Dsa.ref == "riverford-prevent-channel-dsa")).parties
    }
    db.session.remove()
    parties = list(before)
    response = client.post(
        "/records/dsas/riverford-prevent-channel-dsa/edit",
        data={
            "csrf_token": token,
            "title": "Riverford Prevent and Channel ISA (v2.2)",
            "status": "in_force",
            "template_origin": "la_template",
            "party_organisations": parties,
            **DSA_DATES,
            "review_due": ["31", "3", "2027"],
        },
    )
    assert response.status_code == 302, re.findall(r"error-summary__list.*?</ul>", response.data.decode(), re.S)
    dsa = db.session.scalar(sa.select(Dsa).where(Dsa.ref == "riverford-prevent-channel-dsa"))
    assert dsa.title == "Riverford Prevent and Channel ISA (v2.2)"
    assert {p.organisation.ref: p.signed_on for p in dsa.parties} == before


def test_errors_say_what_to_do_and_keep_what_was_typed(client_for):
    client = client_for("dpo")
    response = client.post(
        "/records/dsas/new",
        data={
            "csrf_token": csrf(client, "/records/dsas/new"),
            "ref": "Bad Ref",
            "title": "",
            "status": "in_force",
            "template_origin": "",
            "version": "3.1-draft",
            **DSA_DATES,
        },
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert "<title>Error: Add a data sharing agreement" in page
    assert "Enter the title of the data sharing agreement" in page
    assert "Choose the template origin of the data sharing agreement" in page
    assert "Choose the organisations that are party to the agreement" in page
    assert "Enter a reference using only lower-case letters, digits and hyphens (up to 64), such as dsa-2026-03" in page
    assert 'value="3.1-draft"' in page and 'value="Bad Ref"' in page
    assert "govuk-error-summary" in page and 'href="#title"' in page


def test_an_impossible_date_is_an_error_not_a_crash(client_for):
    client = client_for("dpo")
    response = client.post(
        "/records/dpias/new",
        data={
            "csrf_token": csrf(client, "/records/dpias/new"),
            "ref": "x-dpia",
            "title": "X",
            "status": "completed",
            "controller": "riverford-city-council",
            "completed_on": ["31", "2", "2026"],
            "dpo_advice_on": EMPTY_DATE,
            "review_due": EMPTY_DATE,
            "last_reviewed_on": EMPTY_DATE,
            "ico_consulted_on": EMPTY_DATE,
        },
    )
    assert response.status_code == 400
    assert "Not a valid date value" in response.data.decode() or "real date" in response.data.decode()


def test_archiving_a_flow_asks_why_then_ends_it_and_closes_its_findings(client_for):
    client = client_for("dpo")
    path = "/records/data_flows/council-to-police-referrals/archive"
    page = client.get(path).data.decode()
    assert "Are you sure you want to archive the data flow" in page
    blank = client.post(path, data={"csrf_token": csrf(client, path), "reason": " "})
    assert blank.status_code == 400 and "Enter why the record is being archived" in blank.data.decode()
    assert "archived_on" not in stored("data_flows", "council-to-police-referrals")
    response = client.post(path, data={"csrf_token": csrf(client, path), "reason": "Referrals now go by CTNet"})
    assert response.status_code == 302
    page = client.get("/records/data_flows/council-to-police-referrals").data.decode()
    assert "is archived" in page and "No open findings." in page and "Referrals now go by CTNet" in page
    record = stored("data_flows", "council-to-police-referrals")
    assert record["status"] == "ended" and record["archived_reason"] == "Referrals now go by CTNet"


def test_a_record_in_use_is_archived_kept_and_shown_archived_where_it_is_linked(client_for):
    client = client_for("dpo")
    path = "/records/storage_systems/pcm/archive"
    page = client.get(path).data.decode()
    assert "link to it and will keep the link" in page  # the flows that use it are listed
    response = client.post(path, data={"csrf_token": csrf(client, path), "reason": "Replaced by the new system"})
    assert response.status_code == 302
    assert stored("storage_systems", "pcm")["archived_reason"] == "Replaced by the new system"
    flows = [r for r in stored_all("data_flows") if "pcm" in r.get("storage_systems", ())]
    assert flows, "the demo's flows use pcm"
    flow_page = client.get(f"/records/data_flows/{flows[0]['ref']}").data.decode()
    # The link (by the system's name, its ref as secondary text) is followed by the Archived tag.
    assert re.search(
        r'href="/records/storage_systems/pcm">[^<]*</a>(?: <span[^>]*>\(pcm\)</span>)?'
        r' <strong class="govuk-tag govuk-tag--grey">Archived</strong>',
        flow_page,
    )


def test_recording_a_dsa_signature_and_a_lawful_basis(client_for):
    client = client_for("dpo")
    path = "/records/dsas/riverford-prevent-channel-dsa/parties/riverford-college"
    page = client.get(path).data.decode()
    assert "Record the signature of riverford-college" in page
    response = client.post(
        path, data={"csrf_token": csrf(client, path), "signed_on": EMPTY_DATE, "signatory_role": "Principal"}
    )
    assert response.status_code == 400 and "Enter the date the DSA was signed" in response.data.decode()
    response = client.post(
        path,
        data={"csrf_token": csrf(client, path), "signed_on": ["2", "5", "2024"], "signatory_role": "Vice Principal"},
    )
    assert response.status_code == 302
    dsa = db.session.scalar(sa.select(Dsa).where(Dsa.ref == "riverford-prevent-channel-dsa"))
    college = next(p for p in dsa.parties if p.organisation.ref == "riverford-college")
    assert (college.signed_on.isoformat(), college.signatory_role) == ("2024-05-02", "Vice Principal")

    path = "/records/data_flows/council-to-police-statistics/lawful_bases/eastshire-police"
    response = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "regime": "dpa_part3",
            "part3": "s35_2_b_necessary",
            "recorded_on": ["1", "3", "2023"],
        },
    )
    assert response.status_code == 302, response.data.decode()[-1500:]
    assert client.get("/records/dsas/riverford-prevent-channel-dsa/parties/nobody").status_code == 404


def test_import_from_the_browser_lists_problems_by_path_and_writes_nothing(client_for):
    import io
    import json

    from compliance.models import AuditEvent
    from tests.conftest import fixture_path

    client = client_for("admin")
    entries = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    db.session.remove()
    doc = json.loads(fixture_path("spec-example.json").read_text())
    doc["data_flows"][0]["transfer_channel"] = "carrier_pigeon"
    response = client.post(
        "/transfer/import",
        data={
            "csrf_token": csrf(client, "/transfer/"),
            "file": (io.BytesIO(json.dumps(doc).encode()), "register.json"),
        },
        content_type="multipart/form-data",
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert "nothing was written" in page and "data_flows[0].transfer_channel" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == entries

    doc["data_flows"][0]["transfer_channel"] = "secure_email"
    response = client.post(
        "/transfer/import",
        data={
            "csrf_token": csrf(client, "/transfer/"),
            "file": (io.BytesIO(json.dumps(doc).encode()), "register.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Imported areas: 1 new" in client.get("/transfer/").data.decode()


def test_download_of_an_area_without_personal_data(client_for):
    response = client_for("auditor").get("/transfer/export?area=riverford&redact=yes")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode()
    assert '"signatory_name"' not in text and '"name": "' in text  # records keep their names; people do not
    import json

    doc = json.loads(text)
    assert all("name" not in a for p in doc["panels"] for m in p["meetings"] for a in m.get("attendees", ()))


def test_lists_filter_by_enumerated_values_search_and_sort(client_for):
    client = client_for("dpo")
    page = client.get("/records/data_flows?programme=channel_panel").data.decode()
    assert "nhs-to-council-channel-panel" in page and "council-to-police-referrals" not in page
    assert "1 data flow" in page or "data flows" in page
    page = client.get("/records/data_flows?q=statistics").data.decode()
    assert "council-to-police-statistics" in page and "school-to-council-referrals" not in page
    assert client.get("/records/data_flows?programme=not-a-programme&sort=-nonsense").status_code == 200


def test_a_list_downloads_as_csv_with_its_filters_and_no_personal_data(client_for):
    import csv
    import io

    client = client_for("auditor")
    response = client.get("/records/data_flows/download.csv?programme=channel_panel")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert [row["ref"] for row in rows] == ["nhs-to-council-channel-panel", "yjs-to-council-channel-panel"] or all(
        row["programme"] == "channel panel" for row in rows
    )
    dsas = client.get("/records/dsas/download.csv").data.decode()
    assert "riverford-prevent-channel-dsa" in dsas and "signatory" not in dsas


def test_reports_download_from_the_browser_for_an_area_the_user_can_see(client_for):
    client = client_for("auditor")
    pdf = client.get("/transfer/report.pdf?area=riverford")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    xlsx = client.get("/transfer/report.xlsx?area=riverford")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    assert client.get("/transfer/report.pdf").status_code == 403  # every area: admins only
    assert client.get("/transfer/report.pdf?area=elsewhere").status_code == 302


def test_a_dpo_withholds_an_foi_answer_under_s24_with_the_public_interest_test(client_for):
    client = client_for("dpo")
    path = "/foi/riverford/2/withhold"
    response = client.post(path, data={"csrf_token": csrf(client, path), "public_interest": ""})
    page = response.data.decode()
    assert response.status_code == 400 and "Select the exemption" in page and "Enter why the public interest" in page
    response = client.post(
        path,
        data={
            "csrf_token": csrf(client, path),
            "exemptions": ["s24", "s31"],
            "public_interest": "Disclosure would show how interventions operate.",
        },
    )
    assert response.status_code == 302
    draft = client.get("/foi/riverford").data.decode()
    assert "withholding this information under Section 24 (National Security) and Section 31" in draft
    response = client.post(path, data={"csrf_token": csrf(client, path), "stop": "yes"})
    assert response.status_code == 302
    assert "Section 24 (National Security)" not in client.get("/foi/riverford").data.decode()
