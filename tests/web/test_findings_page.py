"""Every finding findable (issue 17 item 3) and a dashboard that groups the work (issue 13 item 2):
the findings page lists, filters, sorts, paginates and downloads what the user may see; the
dashboard groups open findings by rule, says what to do once, and hides nothing without a link."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa

from compliance.extensions import db
from compliance.models import Finding
from compliance.models.enums import FindingStatus
from compliance.services import finding_list

from .conftest import USERS, sign_in


def _open_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Finding.status == FindingStatus.OPEN))


def test_the_findings_page_lists_every_finding_and_filters_them(demo):
    client = demo.test_client()
    assert sign_in(client, USERS["dpo"]).status_code == 302
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Finding))
    page = client.get("/findings/").get_data(as_text=True)
    assert f"{total} findings, whatever their status" in page
    assert page.count('href="/findings/') - page.count('href="/findings/?') - page.count("findings.csv") >= total

    low = client.get("/findings/?severity=low&status=open").get_data(as_text=True)
    expected = db.session.scalar(
        sa.select(sa.func.count()).where(Finding.status == FindingStatus.OPEN, Finding.severity == "low")
    )
    assert f"{expected} findings match the filters" in low
    assert "High</strong>" not in low

    rule = client.get("/findings/?rule=DPIA_MISSING").get_data(as_text=True)
    assert re.search(r"(\d+) findings? match", rule).group(1) == str(
        db.session.scalar(sa.select(sa.func.count()).where(Finding.rule_code == "DPIA_MISSING"))
    )
    # Values the page does not know are ignored, not errors.
    assert (
        client.get("/findings/?severity=catastrophic&status=closed&sort=nonsense&page=99&area=nowhere").status_code
        == 200
    )


def test_the_csv_holds_what_the_filters_chose(demo):
    client = demo.test_client()
    assert sign_in(client, USERS["auditor"]).status_code == 302
    response = client.get("/findings/findings.csv?status=open")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == _open_count()
    assert {row["status"] for row in rows} == {"open"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["first_raised_on"]) for row in rows)


def test_another_areas_user_sees_only_their_own(otherton_dpo):
    page = otherton_dpo.get("/findings/").get_data(as_text=True)
    assert "riverford" not in page.lower()
    rows = list(csv.DictReader(io.StringIO(otherton_dpo.get("/findings/findings.csv").get_data(as_text=True))))
    assert {row["areas"] for row in rows} <= {"otherton"}
    assert otherton_dpo.get("/findings/?area=riverford").get_data(as_text=True).count("govuk-table__row") == 0


def test_the_pages_are_a_page_at_a_time(demo, monkeypatch):
    monkeypatch.setattr(finding_list, "PAGE_SIZE", 5)
    client = demo.test_client()
    assert sign_in(client, USERS["admin"]).status_code == 302
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Finding))
    first = client.get("/findings/?sort=record").get_data(as_text=True)
    last = client.get(f"/findings/?sort=record&page={-(-total // 5)}").get_data(as_text=True)
    assert "govuk-pagination" in first
    assert first.count('class="govuk-table__row"') == 5 + 1
    assert last.count('class="govuk-table__row"') == total - 5 * (-(-total // 5) - 1) + 1


def test_the_dashboard_groups_the_work_by_rule_and_links_every_finding(demo):
    client = demo.test_client()
    assert sign_in(client, USERS["dpo"]).status_code == 302
    page = client.get("/").get_data(as_text=True)
    groups = re.findall(r'id="rule-([a-z0-9_]+)-(high|medium|low)"', page)
    by_rule = dict(
        ((code.lower(), severity.value), count)
        for code, severity, count in db.session.execute(
            sa.select(Finding.rule_code, Finding.severity, sa.func.count())
            .where(Finding.status == FindingStatus.OPEN)
            .group_by(Finding.rule_code, Finding.severity)
        )
    )
    assert set(groups) == set(by_rule)
    # "What to do" once per rule, not once per finding.
    assert page.count("<strong>What to do:</strong>") == len(groups)
    # A rule with more findings than shown says so and links to them all.
    dpia = by_rule[("dpia_missing", "high")]
    assert f"Showing 5 of {dpia}: view all {dpia}" in page
    assert "/findings/?rule=DPIA_MISSING&amp;severity=high&amp;status=open" in page
    assert f"View all {_open_count()} open findings" in page
    # The trend is a picture with a text alternative, and its figures are behind a details element.
    assert re.search(r'<svg class="app-chart"[^>]*role="img"', page)
    assert '<desc id="trend-chart-desc">' in page and '<details class="govuk-details">' in page


def _accept_form(client, path: str, **fields) -> dict:
    from .conftest import csrf

    return {"csrf_token": csrf(client, path), "reason": "", "review_on": ["", "", ""], "which": "selected"} | fields


def test_a_dpo_accepts_the_risk_of_a_panels_advisory_findings_at_once(demo):
    """Panel level: every CONFIDENTIALITY_VERBAL_ONLY finding of a panel whose policy is a minuted
    statement, in one step, each with its own event in the finding's history."""
    client = demo.test_client()
    assert sign_in(client, USERS["dpo"]).status_code == 302
    path = "/findings/?rule=CONFIDENTIALITY_VERBAL_ONLY&panel=riverford-channel&status=open"
    target = db.session.scalars(
        sa.select(Finding).where(Finding.rule_code == "CONFIDENTIALITY_VERBAL_ONLY", Finding.status == "open")
    ).all()
    assert len(target) >= 2
    others = db.session.scalar(
        sa.select(sa.func.count()).where(Finding.rule_code != "CONFIDENTIALITY_VERBAL_ONLY", Finding.status == "open")
    )
    reason = "The panel's policy is a minuted statement, read at every meeting."
    response = client.post(
        path,
        data=_accept_form(client, path, which="matching", reason=reason, review_on=["1", "12", "2030"]),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    accepted = db.session.scalars(sa.select(Finding).where(Finding.id.in_([f.id for f in target]))).all()
    assert {f.status for f in accepted} == {FindingStatus.ACCEPTED_RISK}
    assert all(f.accepted_reason == reason and f.events[-1].kind.value == "risk_accepted" for f in accepted)
    assert all(f.events[-1].actor == f"web:{USERS['dpo']}" for f in accepted)
    # Nothing else changed.
    assert others == db.session.scalar(
        sa.select(sa.func.count()).where(Finding.rule_code != "CONFIDENTIALITY_VERBAL_ONLY", Finding.status == "open")
    )
    assert "is accepted until 1 December 2030" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_ticked_findings_only_and_never_another_areas(demo, otherton_dpo):
    client = demo.test_client()
    assert sign_in(client, USERS["dpo"]).status_code == 302
    ours = db.session.scalars(sa.select(Finding.id).where(Finding.status == "open").order_by(Finding.id)).all()
    riverford_ids = ours[:2]
    # The Otherton DPO ticks Riverford's findings: nothing of Riverford's is touched.
    response = otherton_dpo.post(
        "/findings/",
        data=_accept_form(
            otherton_dpo,
            "/findings/",
            finding=[str(i) for i in riverford_ids],
            reason="x",
            review_on=["1", "1", "2031"],
        ),
    )
    assert response.status_code == 400
    assert "Select at least one open finding" in response.get_data(as_text=True)
    db.session.expire_all()
    assert {db.session.get(Finding, i).status for i in riverford_ids} == {FindingStatus.OPEN}

    response = client.post(
        "/findings/",
        data=_accept_form(
            client, "/findings/", finding=[str(i) for i in riverford_ids], reason="Agreed", review_on=["1", "1", "2031"]
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Finding, i).status for i in riverford_ids} == {FindingStatus.ACCEPTED_RISK}
    assert db.session.get(Finding, ours[2]).status == FindingStatus.OPEN


def test_bad_requests_say_what_is_wrong_and_change_nothing(demo):
    client = demo.test_client()
    assert sign_in(client, USERS["dpo"]).status_code == 302
    first = db.session.scalar(sa.select(Finding.id).where(Finding.status == "open").order_by(Finding.id))
    cases = [
        ({"finding": [str(first)], "review_on": ["1", "1", "2031"]}, "Enter why the risk is accepted"),
        ({"finding": [str(first)], "reason": "r", "review_on": ["1", "1", "2020"]}, "must be in the future"),
        ({"reason": "r", "review_on": ["1", "1", "2031"]}, "Select at least one open finding"),
    ]
    for fields, message in cases:
        response = client.post("/findings/", data=_accept_form(client, "/findings/", **fields))
        assert response.status_code == 400 and message in response.get_data(as_text=True), message
    db.session.expire_all()
    assert db.session.get(Finding, first).status == FindingStatus.OPEN
    auditor = demo.test_client()
    assert sign_in(auditor, USERS["auditor"]).status_code == 302
    response = auditor.post("/findings/", data=_accept_form(auditor, "/findings/", finding=[str(first)]))
    assert response.status_code == 403
