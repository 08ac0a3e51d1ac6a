"""Record, meeting and findings pages whose content is kept per scope (views/kept.py): each user gets their
own CSRF token, what they may see and do, and the page as it is after any write."""

from __future__ import annotations

import re

from compliance.exchange import fields as f
from compliance.exchange import serialise
from compliance.extensions import db
from compliance.models import DataFlow
from compliance.models.enums import Role
from compliance.services import access, records
from compliance.views.kept import TOKEN_MARK

MEETING_PAGE = "/meetings/riverford-channel-2026-11"
FLOW_PAGE = "/records/data_flows/council-to-police-referrals"
ADMIN = access.Scope(Role.ADMIN, "test@example", None, frozenset())


def _tokens(page: str) -> set[str]:
    return set(re.findall(r'name="(?:[a-z]+-)?csrf_token"(?: type="hidden")? value="([^"]+)"', page))


def _signs_out_with(client, token: str) -> bool:
    return (
        client.post("/sign-out", data={"csrf_token": token}).status_code == 302 and client.get("/").status_code == 302
    )


def test_each_user_gets_their_own_csrf_token_in_a_kept_page(client_for):
    records.archive(ADMIN, "storage_systems", "pcm", reason="Replaced", actor="test")  # its page has a form
    db.session.commit()
    for path in (MEETING_PAGE, "/records/storage_systems/pcm", "/findings/?status=open"):
        first, second = client_for("admin"), client_for("admin")  # the same scope, two sessions
        page_one, page_two = first.get(path).data.decode(), second.get(path).data.decode()
        content_one = page_one[page_one.index("<main") :]
        assert len(_tokens(content_one)) == 1 and TOKEN_MARK not in page_one + page_two, path
        # The second user's page is the kept one: its forms carry the second user's token, which works.
        (token_two,) = _tokens(page_two[page_two.index("<main") :])
        assert token_two not in _tokens(page_one)
        assert _signs_out_with(second, token_two), path
        # The first user's token is not the second session's: refused there.
        (token_one,) = _tokens(content_one)
        third = client_for("admin")
        third.get(path)
        assert third.post("/sign-out", data={"csrf_token": token_one}).status_code == 400


def test_a_kept_page_is_never_shown_beyond_the_scope_it_was_made_for(client_for, otherton_dpo):
    admin, auditor = client_for("admin"), client_for("auditor")
    for path in (FLOW_PAGE, MEETING_PAGE):
        assert admin.get(path).status_code == 200
        assert otherton_dpo.get(path).status_code == 404, path  # another area's DPO: not visible
    flow = admin.get(FLOW_PAGE).data.decode()
    assert "Change this data flow" in flow and "Archive this data flow" in flow
    read_only = auditor.get(FLOW_PAGE).data.decode()
    assert "Change this data flow" not in read_only and "Archive this data flow" not in read_only
    meeting = admin.get(MEETING_PAGE).data.decode()
    assert "Check and finish" in meeting
    assert "Check and finish" not in auditor.get(MEETING_PAGE).data.decode()
    assert "Accept the risk of several findings" in admin.get("/findings/").data.decode()
    assert "Accept the risk of several findings" not in auditor.get("/findings/").data.decode()
    total = re.compile(r'id="findings-total">([0-9]+) ')
    everything = total.search(admin.get("/findings/").data.decode()).group(1)
    assert total.search(otherton_dpo.get("/findings/").data.decode()).group(1) != everything


def test_a_kept_page_follows_a_write_and_the_request_parameters(client_for):
    admin = client_for("admin")
    assert "Referrals, renamed" not in admin.get(FLOW_PAGE).data.decode()
    flow = db.session.scalar(db.select(DataFlow).where(DataFlow.ref == "council-to-police-referrals"))
    record = serialise.record(f.BY_KEY["data_flows"], flow)
    record["name"] = "Referrals, renamed"
    db.session.remove()
    records.save(ADMIN, "data_flows", record, actor="test")
    page = admin.get(FLOW_PAGE).data.decode()
    assert '<h1 class="govuk-heading-l">Referrals, renamed</h1>' in page
    # The meeting page's links back go where each request asks.
    to_findings = admin.get(MEETING_PAGE + "?next=/findings/").data.decode()
    plain = admin.get(MEETING_PAGE).data.decode()
    assert "next=/findings/" in to_findings and "next=/findings/" not in plain
