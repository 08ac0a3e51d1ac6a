"""Who may reach what: every route of the app against a table of expected access per role."""

from __future__ import annotations

import pytest

from .conftest import csrf
from .meeting_helpers import attendee_ids

ROLES = ("anonymous", "admin", "dpo", "panel_chair", "auditor")
MEETING = "riverford-channel-2026-11"
FLOW = "council-to-police-referrals"

# endpoint -> (method, path, {role: expected status}); "ok" = 200, "in" = redirect to sign-in.
R = {"admin": 200, "dpo": 200, "panel_chair": 200, "auditor": 200}
EDITORS = {"admin": 200, "dpo": 200, "panel_chair": 403, "auditor": 403}
CHAIRS = {"admin": 200, "dpo": 200, "panel_chair": 200, "auditor": 403}
ADMIN_AUDITOR = {"admin": 200, "dpo": 403, "panel_chair": 403, "auditor": 200}
ADMIN = {"admin": 200, "dpo": 403, "panel_chair": 403, "auditor": 403}
PUBLIC = {role: 200 for role in ROLES}

ACCESS = {
    "main.index": ("GET", "/", R),
    "main.register": ("GET", "/register", R),
    "main.accessibility": ("GET", "/accessibility", PUBLIC),
    "auth.sign_in": ("GET", "/sign-in", {"anonymous": 200, **{r: 302 for r in R}}),
    "auth.two_factor": ("GET", "/sign-in/code", {"anonymous": 302, **{r: 302 for r in R}}),
    "auth.sign_out": ("POST", "/sign-out", {**{r: 302 for r in R}}),
    "auth.signed_out": ("GET", "/signed-out", PUBLIC),
    "auth.change_password": ("GET", "/account/password", R),
    # single sign-on is not set up in these tests (tests/web/test_single_sign_on.py sets it up)
    "sso.start": ("GET", "/sign-in/council", {role: 404 for role in ROLES}),
    "sso.callback": ("GET", "/sign-in/council/callback", {role: 404 for role in ROLES}),
    "records.list_page": ("GET", "/records/data_flows", R),
    "records.download": ("GET", "/records/data_flows/download.csv", R),
    "records.detail": ("GET", f"/records/data_flows/{FLOW}", R),
    "records.history": ("GET", f"/records/data_flows/{FLOW}/history", R),
    "records.create": ("GET", "/records/dpias/new", EDITORS),
    "records.edit": ("GET", f"/records/data_flows/{FLOW}/edit", EDITORS),
    "records.nested": ("GET", "/records/dsas/riverford-prevent-channel-dsa/parties/riverford-college", EDITORS),
    "records.archive": ("GET", "/records/storage_systems/pcm/archive", EDITORS),
    "records.retention": ("GET", f"/records/data_flows/{FLOW}/retention", EDITORS),
    "records.designation": ("GET", "/records/areas/riverford/designation", EDITORS),
    "records.restore": ("POST", "/records/storage_systems/pcm/restore", {**EDITORS, "admin": 302, "dpo": 302}),
    "flow_map.area_map": ("GET", "/areas/riverford/map", R),
    "findings.index": ("GET", "/findings/", R),
    "findings.download": ("GET", "/findings/findings.csv", R),
    "findings.accept_several": ("POST", "/findings/", {**EDITORS, "admin": 400, "dpo": 400}),
    "findings.detail": ("GET", "/findings/1", R),
    "findings.accept": ("POST", "/findings/1/accept", {**EDITORS, "admin": 400, "dpo": 400}),
    "findings.remediated": ("POST", "/findings/1/remediated", {**EDITORS, "admin": 302, "dpo": 302}),
    "meetings.index": ("GET", "/meetings/", R),
    "meetings.start": ("GET", "/meetings/start/riverford-channel", CHAIRS),
    "meetings.show": ("GET", f"/meetings/{MEETING}", R),
    "meetings.add_attendee": (
        "POST",
        f"/meetings/{MEETING}/attendees",
        {**CHAIRS, "admin": 400, "dpo": 400, "panel_chair": 400},
    ),
    "meetings.add_attendees": (
        "POST",
        f"/meetings/{MEETING}/attendees/several",
        {**CHAIRS, "admin": 400, "dpo": 400, "panel_chair": 400},
    ),
    "meetings.check": ("GET", f"/meetings/{MEETING}/check", CHAIRS),
    "meetings.minuted_statement": (
        "POST",
        f"/meetings/{MEETING}/minuted-statement",
        {**CHAIRS, "admin": 400, "dpo": 400, "panel_chair": 400},
    ),
    # {attendee}: the id of the meeting's first attendee (attendees are named by id, not by row)
    "meetings.change_attendee": ("GET", f"/meetings/{MEETING}/attendees/{{attendee}}", CHAIRS),
    "meetings.remove_attendee": ("GET", f"/meetings/{MEETING}/attendees/{{attendee}}/remove", CHAIRS),
    "meetings.cases_discussed": ("GET", f"/meetings/{MEETING}/cases-discussed", CHAIRS),
    "meetings.add_organisation": (
        "POST",
        f"/meetings/{MEETING}/organisations",
        {**CHAIRS, "admin": 400, "dpo": 400, "panel_chair": 400},
    ),
    "meetings.attendance_sheet": ("GET", f"/meetings/{MEETING}/attendance.pdf", CHAIRS),
    # A DPO reads the trail of their own areas (issue 20 item 4).
    "audit.log": ("GET", "/audit/", {**ADMIN_AUDITOR, "dpo": 200}),
    "audit.download": ("GET", "/audit/trail.csv?record_type=report", {**ADMIN_AUDITOR, "dpo": 200}),
    "transfer.index": ("GET", "/transfer/", R),
    "transfer.import_file": ("POST", "/transfer/import", {**ADMIN, "admin": 400}),
    "transfer.export": ("GET", "/transfer/export", ADMIN),
    "transfer.confirm_import": ("POST", "/transfer/import/confirm", {**ADMIN, "admin": 400}),
    "transfer.preview": ("GET", f"/transfer/import/{'0' * 64}", {**ADMIN, "admin": 404}),  # nothing kept
    "transfer.template": ("GET", "/transfer/template.xlsx", R),
    "transfer.report": ("GET", "/transfer/report.pdf?area=riverford", R),
    "admin.index": ("GET", "/admin/", ADMIN),
    "admin.lift_lock": ("POST", "/admin/people/999/lift-lock", {**ADMIN, "admin": 404}),
    "admin.set_active": ("POST", "/admin/people/999/access", {**ADMIN, "admin": 404}),
    "admin.save_mapping": ("POST", "/admin/sign-in-mappings", {**ADMIN, "admin": 400}),
    "admin.remove_mapping": ("POST", "/admin/sign-in-mappings/999/remove", {**ADMIN, "admin": 404}),
    "admin.new_person": ("GET", "/admin/people/new", ADMIN),
    "admin.edit_person": ("GET", "/admin/people/1/edit", ADMIN),
    "evidence.upload": ("GET", "/records/dsas/riverford-prevent-channel-dsa/documents", EDITORS),
    "evidence.download": ("GET", "/documents/999", {role: 404 for role in R}),
    "foi.index": ("GET", "/foi/", R),
    "foi.holder": ("GET", "/foi/holder", ADMIN),
    "foi.show": ("GET", "/foi/riverford", R),
    "foi.withhold": ("GET", "/foi/riverford/2/withhold", EDITORS),
    "foi.download": ("GET", "/foi/riverford/response.txt", R),
    "foi.mark_final": ("POST", "/foi/riverford/final", {**EDITORS, "admin": 302, "dpo": 302}),
    "static": ("GET", "/assets/app.css", PUBLIC),
    "health.healthz": ("GET", "/healthz", PUBLIC),
}


def test_every_route_is_in_the_access_table(demo):
    endpoints = {rule.endpoint for rule in demo.url_map.iter_rules()}
    assert endpoints == set(ACCESS), {
        "missing from the table": sorted(endpoints - set(ACCESS)),
        "no longer routes": sorted(set(ACCESS) - endpoints),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(demo, client_for, role):
    client = demo.test_client() if role == "anonymous" else client_for(role)
    token = csrf(client, "/sign-in") if role == "anonymous" else csrf(client, "/")
    failures = []
    attendee = attendee_ids(MEETING)[0]
    for endpoint, (method, path, expected) in ACCESS.items():
        if endpoint == "auth.sign_out":
            continue  # signing out would end the session the rest of the loop uses
        path = path.replace("{attendee}", str(attendee))
        status = expected.get(role, "in")
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token})
        if status == "in":
            ok = response.status_code == 302 and "/sign-in" in response.headers["Location"]
        else:
            ok = response.status_code == status
        response.close()
        if not ok:
            failures.append((endpoint, method, path, response.status_code, status))
    assert failures == []


def test_anonymous_requests_are_sent_to_sign_in_with_where_they_were_going(demo):
    response = demo.test_client().get("/records/data_flows?q=police")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/records/data_flows?q%3Dpolice"


def test_sign_out_needs_a_post_and_ends_the_session(client_for):
    client = client_for("dpo")
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out", data={"csrf_token": csrf(client, "/")}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_post_without_a_csrf_token_is_refused(client_for):
    client = client_for("dpo")
    response = client.post("/findings/1/remediated", data={})
    assert response.status_code == 400
    assert "Sorry, there is a problem with the request" in response.data.decode()
