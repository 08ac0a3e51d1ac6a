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
