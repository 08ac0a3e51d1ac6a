"""From a finding to its fix in one step (issue 17 item 1): every rule's finding page offers the
action that remedies it, and each works; after a save, a green banner names the findings the save
closed and opened."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from compliance import synthetic
from compliance.exchange import fields as f
from compliance.extensions import db
from compliance.models import ART28_CLAUSES, DSA_CHECKLIST, PRIVACY_NOTICE_CHECKLIST, DataFlow, Dpia, Finding
from compliance.models.enums import FindingStatus
from compliance.rules.base import REGISTRY
from compliance.rules.engine import evaluate  # noqa: F401  (registers every rule)
from compliance.services import exchange
from compliance.views.finding_actions import ACTIONS
from tests.web.conftest import csrf

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "gap-rules.md"


def test_every_rule_has_an_action():
    assert set(ACTIONS) == set(REGISTRY)
    if SPEC.exists():  # the spec lives beside the repository, not in it
        codes = set(re.findall(r"^\| ([A-Z_0-9]+) \| G\d\d \|", SPEC.read_text(), flags=re.M))
        assert codes == set(ACTIONS)
        assert {
            "RECOGNISED_LI_MISUSED",
            "LEGITIMATE_INTERESTS_BY_PUBLIC_AUTHORITY",
            "COMPLAINTS_PROCEDURE_MISSING",
        } <= codes
    assert all(ACTIONS[code] for code in ACTIONS)


def every_rule_register() -> dict:
    """A synthetic register of two areas, changed so that it raises every rule at least once."""
    doc = synthetic.register(2, seed=3)
    area = doc["areas"][0]
    area["designations"] = [{"kind": "prevent_priority_area", "value": True, "financial_year": "2021/22"}]
    dsa = doc["dsas"][0]
    dsa["review_due"] = "2020-01-01"
    dsa["checklist"] = dict.fromkeys(DSA_CHECKLIST, False)
    dsa["parties"][1].pop("signed_on")
    notice = doc["privacy_notices"][0]
    notice["checklist"] = dict.fromkeys(PRIVACY_NOTICE_CHECKLIST, False)
    dpia = doc["dpias"][0]
    dpia.update(completed_on="2026-01-01", residual_risk="high", ico_prior_consultation="not_needed")
    dpia.pop("review_due")
    flow = next(flow for flow in doc["data_flows"] if flow.get("dpia") == dpia["ref"] and flow["status"] == "live")
    flow["started_on"] = "2023-01-01"
    contract = doc["processing_contracts"][0]
    contract["art28_clauses"] = dict.fromkeys(ART28_CLAUSES, False)
    panel = doc["panels"][0]
    panel["chair_organisation"] = "police-01"
    doc["organisations"].append(
        {
            "ref": "ungoverned-mentors",
            "name": "Ungoverned Mentors",
            "partner_type": "voluntary_community",
            "areas": [area["ref"]],
        }
    )
    meeting = panel["meetings"][0]
    meeting["cases_discussed"] = 3
    meeting["attendees"].append({"role": "Mentor", "organisation": "ungoverned-mentors", "membership": "invited"})
    return doc


@pytest.fixture
def every_rule(demo):
    exchange.import_text(every_rule_register(), actor="test", source="synth")
    db.session.remove()
    return demo


def _fix_it_links(page: str) -> list[str]:
    section = page.split('<h2 class="govuk-heading-m">Fix it</h2>', 1)
    assert len(section) == 2, "the finding's page has no 'Fix it' section"
    section = section[1].split("<h2", 1)[0]
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', section)]


def test_each_rule_s_action_opens_its_form_pre_filled(every_rule, client_for):
    admin = client_for("admin")
    rows = db.session.execute(
        sa.select(Finding.rule_code, sa.func.min(Finding.id))
        .where(Finding.status == FindingStatus.OPEN)
        .group_by(Finding.rule_code)
    ).all()
    first = dict(rows)
    assert set(first) == set(REGISTRY), f"not raised: {sorted(set(REGISTRY) - set(first))}"
    for code, finding_id in sorted(first.items()):
        finding_page = f"/findings/{finding_id}"
        page = admin.get(finding_page)
        assert page.status_code == 200, code
        links = _fix_it_links(page.data.decode())
        assert links, code
        for link in links:
            if link.startswith(f"{finding_page}#"):
                assert 'id="accept-risk"' in page.data.decode(), code
                continue
            response = admin.get(link)
            assert response.status_code == 200, (code, link)
            text = response.data.decode()
            if "/new?" in link:
                suggested = re.search(r"[?&]ref=([a-z0-9-]+)", link).group(1)
                assert f'value="{suggested}"' in text, (code, link)
            if "link=" in link:
                assert "Saving it also links it to the" in text, (code, link)
            if "fields=" in link:
                # Only the few fields the rule is about, not the whole form.
                focus = set(re.search(r"fields=([a-z0-9_,]+)", link).group(1).split(","))
                assert focus, (code, link)
                others = {field.key for field in f.BY_KEY[link.split("/")[2]].form_fields} - focus - {"ref"}
                shown = {name for name in others if f'name="{name}"' in text or f'name="{name}-day"' in text}
                assert not shown, (code, link, shown)
                assert any(f'name="{name}' in text for name in focus), (code, link)
            assert f"next={finding_page}" in link.replace("%2F", "/"), (code, link)


def _form_fields(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    for name, value in re.findall(r'<select[^>]*name="([^"]+)".*?<option[^>]*value="([^"]*)"[^>]*selected', page, re.S):
        fields[name] = value
    return fields


def test_a_dpo_records_a_dpia_from_its_finding_and_is_told_what_it_closed_and_opened(client_for):
    dpo = client_for("dpo")
    finding = db.session.scalars(
        sa.select(Finding).where(Finding.rule_code == "DPIA_MISSING", Finding.status == FindingStatus.OPEN)
    ).first()
    finding_id, flow_ref = finding.id, finding.subject_ref
    finding_page = f"/findings/{finding_id}"
    link = _fix_it_links(dpo.get(finding_page).data.decode())[0]
    assert link.startswith("/records/dpias/new?")
    form = dpo.get(link)
    assert form.status_code == 200
    text = form.data.decode()
    assert "Saving it also links it to the data flow" in text
    data = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', text)
        if name in ("csrf_token", "record_version", "link_version", "ref", "title")
    }
    assert data["ref"] == f"dpia-{flow_ref}"
    data.update(
        controller=re.search(r'name="controller".*?<option[^>]*value="([^"]+)"[^>]*selected', text, re.S).group(1),
        status=re.search(r'name="status".*?<option[^>]*value="([^"]+)"[^>]*selected', text, re.S).group(1),
    )
    assert data["status"] == "completed"
    data.update(completed_on=["1", "2", "2026"], review_due=["1", "2", "2027"])
    saved = dpo.post(link, data=data)
    assert saved.status_code == 302, saved.data.decode()[:3000]
    assert saved.headers["Location"] == finding_page
    db.session.remove()
    flow = db.session.scalar(sa.select(DataFlow).where(DataFlow.ref == flow_ref))
    assert flow.dpia.ref == data["ref"]
    assert (flow.dpia.completed_on.isoformat(), flow.dpia.review_due.isoformat()) == ("2026-02-01", "2027-02-01")
    page = dpo.get(finding_page).data.decode()
    assert "govuk-notification-banner--success" in page
    assert "This closed" in page and f'href="{finding_page}"' in page
    assert "Data protection impact assessment" in page or "DPIA" in page
    assert "DPIA_MISSING" not in page.split("govuk-notification-banner")[1]
    assert db.session.get(Finding, finding_id).status == FindingStatus.REMEDIATED


def test_a_save_that_changes_no_finding_says_the_record_was_saved(client_for):
    dpo = client_for("dpo")
    flow = db.session.scalars(sa.select(DataFlow).order_by(DataFlow.ref)).first()
    path = f"/records/data_flows/{flow.ref}/edit?fields=ropa_ref"
    page = dpo.get(path).data.decode()
    data = _form_fields(page)
    saved = dpo.post(path, data={**data, "ropa_ref": data.get("ropa_ref", "") or "ROPA-1"})
    assert saved.status_code == 302
    shown = dpo.get(saved.headers["Location"]).data.decode()
    assert "govuk-notification-banner--success" in shown
    assert f"The data flow {flow.ref} has been saved." in shown


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(client_for, target):
    dpo = client_for("dpo")
    flow = db.session.scalars(sa.select(DataFlow).order_by(DataFlow.ref)).first()
    path = f"/records/data_flows/{flow.ref}/edit"
    page = dpo.get(f"{path}?fields=ropa_ref").data.decode()
    data = {**_form_fields(page), "ropa_ref": "ROPA-2"}
    saved = dpo.post(path, query_string={"fields": "ropa_ref", "next": target}, data=data)
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/records/data_flows/{flow.ref}"


def test_a_focused_form_keeps_every_other_field(client_for):
    dpo = client_for("dpo")
    flow = db.session.scalars(sa.select(DataFlow).order_by(DataFlow.ref)).first()
    ref = flow.ref
    before = {"name": flow.name, "sender": flow.sender.ref, "categories": list(flow.data_categories)}
    path = f"/records/data_flows/{ref}/edit?fields=ropa_ref"
    page = dpo.get(path).data.decode()
    assert 'name="name"' not in page and 'name="ropa_ref"' in page
    saved = dpo.post(path, data={**_form_fields(page), "ropa_ref": "ROPA-3"})
    assert saved.status_code == 302
    db.session.remove()
    flow = db.session.scalar(sa.select(DataFlow).where(DataFlow.ref == ref))
    assert flow.ropa_ref == "ROPA-3"
    assert {"name": flow.name, "sender": flow.sender.ref, "categories": list(flow.data_categories)} == before


def test_a_link_to_a_record_outside_the_user_s_areas_is_not_found(client_for):
    from tests.web.conftest import OTHERTON

    exchange.import_text(OTHERTON, actor="test", source="test")
    db.session.remove()
    dpo = client_for("dpo")
    assert dpo.get("/records/dpias/new?link=data_flows:otherton-referrals:dpia").status_code == 404
    assert dpo.get("/records/dpias/new?link=data_flows:otherton-referrals:name").status_code == 404
    assert dpo.get("/findings/999999").status_code == 404
    token = csrf(dpo, "/records/dpias/new")
    refused = dpo.post(
        "/records/dpias/new?link=data_flows:otherton-referrals:dpia",
        data={
            "csrf_token": token,
            "ref": "dpia-x",
            "title": "x",
            "controller": "riverford-council",
            "status": "completed",
        },
    )
    assert refused.status_code == 404
    assert db.session.scalar(sa.select(Dpia).where(Dpia.ref == "dpia-x")) is None


def _open(code: str) -> tuple[int, str]:
    row = db.session.execute(
        sa.select(Finding.id, Finding.subject_ref)
        .where(Finding.rule_code == code, Finding.status == FindingStatus.OPEN)
        .order_by(Finding.id)
    ).first()
    return row.id, row.subject_ref


def _follow_fix(client, finding_id: int, starts: str) -> tuple[str, str]:
    links = _fix_it_links(client.get(f"/findings/{finding_id}").data.decode())
    link = next(link for link in links if link.startswith(starts))
    return link, client.get(link).data.decode()


def test_a_flow_s_retention_recorded_from_its_finding_closes_it(every_rule, client_for):
    admin = client_for("admin")
    finding_id, flow_ref = _open("RETENTION_MISSING")
    link, page = _follow_fix(admin, finding_id, f"/records/data_flows/{flow_ref}/retention")
    data = {**_form_fields(page), "period": "6 years", "trigger": "case_closure", "disposal": "Deleted"}
    saved = admin.post(link, data=data)
    assert saved.status_code == 302, saved.data.decode()[:2000]
    assert saved.headers["Location"] == f"/findings/{finding_id}"
    page = admin.get(saved.headers["Location"]).data.decode()
    assert "This closed" in page and "govuk-notification-banner--success" in page
    db.session.remove()
    assert db.session.get(Finding, finding_id).status == FindingStatus.REMEDIATED
    flow = db.session.scalar(sa.select(DataFlow).where(DataFlow.ref == flow_ref))
    assert (flow.retention_period, flow.retention_trigger.value) == ("6 years", "case_closure")


def test_an_area_s_designation_with_its_source_closes_designation_unsourced(every_rule, client_for):
    admin = client_for("admin")
    finding_id, area_ref = _open("DESIGNATION_UNSOURCED")
    link, page = _follow_fix(admin, finding_id, f"/records/areas/{area_ref}/designation")
    # The designation without a source comes first, for the user to add it...
    assert _form_fields(page)["financial_year"] == "2021/22"
    data = {**_form_fields(page), "source": "Home Office letter"}
    assert data["kind"] == "prevent_priority_area"
    saved = admin.post(link, data=data)
    assert saved.status_code == 302, re.findall(r'govuk-error-message">.*?</span>(.*?)</', saved.data.decode(), re.S)
    assert saved.headers["Location"] == f"/findings/{finding_id}"
    db.session.remove()
    assert db.session.get(Finding, finding_id).status == FindingStatus.OPEN  # no designation for this year
    # ...then one of each kind for the register's financial year.
    for kind in ("prevent_priority_area", "dovetail_area"):
        page = admin.get(link).data.decode()
        assert re.fullmatch(r"\d{4}/\d{2}", _form_fields(page)["financial_year"])
        data = {**_form_fields(page), "kind": kind, "value": "yes", "source": "Home Office letter"}
        saved = admin.post(link, data=data)
        assert saved.status_code == 302, re.findall(
            r'govuk-error-message">.*?</span>(.*?)</', saved.data.decode(), re.S
        )
    db.session.remove()
    assert db.session.get(Finding, finding_id).status == FindingStatus.REMEDIATED


def test_a_dsa_s_missing_signature_is_one_step_from_its_finding(every_rule, client_for):
    admin = client_for("admin")
    finding_id, dsa_ref = _open("DSA_UNSIGNED")
    links = _fix_it_links(admin.get(f"/findings/{finding_id}").data.decode())
    assert any(link.startswith(f"/records/dsas/{dsa_ref}/parties/") for link in links)
    assert any("fields=party_organisations" in link for link in links)


def test_a_save_that_opens_a_finding_names_it_in_the_banner(client_for):
    dpo = client_for("dpo")
    path = "/records/dsas/riverford-prevent-channel-dsa/edit?fields=review_due"
    page = dpo.get(path).data.decode()
    assert 'name="title"' not in page
    data = {**_form_fields(page), "review_due": ["1", "1", "2020"]}
    saved = dpo.post(path, data=data)
    assert saved.status_code == 302, re.findall(r'govuk-error-message">.*?</span>(.*?)</', saved.data.decode(), re.S)
    shown = dpo.get(saved.headers["Location"]).data.decode()
    banner = shown.split("govuk-notification-banner--success", 1)[1].split("<h1", 1)[0]
    assert "This opened 1 finding" in banner
    finding_id = db.session.scalar(
        sa.select(Finding.id).where(
            Finding.rule_code == "DSA_REVIEW_OVERDUE", Finding.subject_ref == "riverford-prevent-channel-dsa"
        )
    )
    assert f'href="/findings/{finding_id}"' in banner
    assert "DSA_REVIEW_OVERDUE" not in banner


def test_a_panel_chair_is_offered_the_attendees_confidentiality_but_not_accepting_the_risk(client_for):
    chair = client_for("panel_chair")
    finding_id = db.session.scalar(
        sa.select(Finding.id).where(Finding.rule_code == "CONFIDENTIALITY_VERBAL_ONLY").order_by(Finding.id)
    )
    links = _fix_it_links(chair.get(f"/findings/{finding_id}").data.decode())
    assert links and all(
        re.fullmatch(rf"/meetings/[a-z0-9-]+/attendees/\d+\?next=/findings/{finding_id}", link) for link in links
    ), links
    assert chair.get(links[0]).status_code == 200


def test_an_attendee_s_confidentiality_recorded_from_its_finding_comes_back_to_it(every_rule, client_for):
    admin = client_for("admin")
    finding_id, _ = _open("CONFIDENTIALITY_UNRECORDED")
    finding_page = f"/findings/{finding_id}"
    links = [link for link in _fix_it_links(admin.get(finding_page).data.decode()) if "/attendees/" in link]
    assert links, "no attendee's confidentiality offered"
    form = admin.get(links[0]).data.decode()
    assert f'href="{finding_page}"' in form  # the back link returns to the finding
    for link in links:
        page = admin.get(link).data.decode()
        data = {
            name: value
            for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
            if name in ("csrf_token", "record_version")
        }
        data.update(method="signed_agreement", signed_on=["3", "3", "2026"])
        saved = admin.post(link, data=data)
        assert saved.status_code == 302, saved.data.decode()[:3000]
        assert saved.headers["Location"] == finding_page
    db.session.remove()
    assert db.session.get(Finding, finding_id).status == FindingStatus.REMEDIATED
    assert "govuk-notification-banner--success" in admin.get(finding_page).data.decode()


def test_the_minuted_statement_applied_from_its_finding_returns_to_the_finding(every_rule, client_for):
    admin = client_for("admin")
    finding_id, _ = _open("CONFIDENTIALITY_UNRECORDED")
    finding_page = f"/findings/{finding_id}"
    link = next(link for link in _fix_it_links(admin.get(finding_page).data.decode()) if "/attendees/" not in link)
    page = admin.get(link).data.decode()
    action = html.unescape(re.search(r'<form method="post" action="([^"]*minuted-statement[^"]*)"', page).group(1))
    assert action.endswith(f"?next=/findings/{finding_id}"), action
    data = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
        if name in ("csrf_token", "record_version")
    }
    saved = admin.post(action, data={**data, "statement-statement_minutes_ref": "Minute 2"})
    assert saved.status_code == 302, saved.data.decode()[:3000]
    assert saved.headers["Location"] == finding_page
    db.session.remove()
    assert db.session.get(Finding, finding_id).status == FindingStatus.REMEDIATED
