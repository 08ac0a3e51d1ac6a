"""Pages and widgets kept between requests (services/page_cache.py, views/widgets.py): a kept page
follows every change to the register, and a kept widget never stands in for one with other values."""

from __future__ import annotations

import re

from flask import render_template_string
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from markupsafe import Markup
from wtforms import Form, StringField

from compliance.exchange import fields as f
from compliance.exchange import serialise
from compliance.extensions import db
from compliance.models import DataFlow
from compliance.models.enums import Role
from compliance.services import access, records


def _main(page: str) -> str:
    """The page's content (the frame around it carries a new CSP nonce each time)."""
    return page[page.index("<main") : page.index("</main>")]


def _total(page: str) -> str:
    return re.search(r'id="findings-total">([^<]*)', page).group(1)


def test_kept_pages_follow_a_change_to_the_register(demo, otherton_dpo):
    client = otherton_dpo
    dashboard, findings = _main(client.get("/").data.decode()), client.get("/findings/").data.decode()
    the_map = client.get("/areas/otherton/map").data.decode()
    assert _main(client.get("/").data.decode()) == dashboard  # kept, and the same
    assert "Otherton referrals by unsecured email" not in the_map

    flow = db.session.scalar(db.select(DataFlow).where(DataFlow.ref == "otherton-referrals"))
    record = serialise.record(f.BY_KEY["data_flows"], flow)
    record.update(name="Otherton referrals by unsecured email", transfer_channel="unsecure_email")
    db.session.remove()
    admin = access.Scope(Role.ADMIN, "test@example", None, frozenset())
    records.save(admin, "data_flows", record, actor="test")

    assert "Otherton referrals by unsecured email" in client.get("/areas/otherton/map").data.decode()
    assert _total(client.get("/findings/").data.decode()) != _total(findings)
    assert _main(client.get("/").data.decode()) != dashboard


def test_a_kept_widget_is_only_reused_for_the_same_parameters(demo):
    class One(Form):
        name = StringField("Name", widget=GovTextInput())

    with demo.test_request_context():
        first = One(data={"name": "Riverford"}).name()
        second = One(data={"name": "Otherton"}).name()
        again = One(data={"name": "Riverford"}).name()
        hint = "{{ f.name(params={'hint': {'text': h}}) }}"
        markup = render_template_string(hint, f=One(), h=Markup("<b>x</b>"))
        text = render_template_string(hint, f=One(), h="<b>x</b>")
    assert 'value="Riverford"' in first and 'value="Otherton"' in second
    assert again == first
    # The same characters as Markup and as text render differently, so they are kept apart.
    assert "<b>x</b>" in markup and "&lt;b&gt;x&lt;/b&gt;" in text
