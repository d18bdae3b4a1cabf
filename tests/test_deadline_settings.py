"""Deadline settings (type ``deadline``, D-1): an amount with its unit, read
by plugins as a ``core.deadlines.DeadlineRule``, changed by a company admin
on the Settings screen (amount, unit, and the calendar-days roll option)."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from core.deadlines import DeadlineRule
from core.settings import Setting
from tests.test_hooks import make_app, plugin_source  # noqa: F401  (fixture)

REPLY = Setting("demo.reply", "deadline", default="2 calendar_days", label_en="Reply within")


@pytest.mark.parametrize("given, rule", [
    ("2 calendar_days", DeadlineRule(2, "calendar_days")),
    ("4 calendar_days roll", DeadlineRule(4, "calendar_days", True)),
    ("24 hours", DeadlineRule(24, "hours")),
    ("1.5 working_hours", DeadlineRule(1.5, "working_hours")),
    ({"amount": "3", "unit": "working_days", "roll": "false"}, DeadlineRule(3, "working_days")),
    ({"amount": 3, "unit": "working_days", "roll": True}, DeadlineRule(3, "working_days")),  # roll: days only
])
def test_values_are_read_as_rules(given, rule):
    assert REPLY.check(given) == rule
    assert REPLY.from_json(REPLY.to_json(REPLY.check(given))) == rule


@pytest.mark.parametrize("given", ["2", "2 days", "2 calendar_days later", "二 calendar_days", "٣ hours",
                                   "1.5 working_days", "-1 hours", "99999 calendar_days", {"unit": "hours"},
                                   {"amount": "1e3", "unit": "hours"}, ["2", "hours"]])
def test_a_deadline_that_cannot_be_counted_is_refused(given):
    with pytest.raises(ValidationError):
        REPLY.check(given)


def test_the_settings_screen_edits_amount_unit_and_roll(make_app):  # noqa: F811
    from core import migrate
    from core.records import tenancy
    from core.extensions import db
    from core.models import Company, Membership, User
    from core.plugin.modules import enable_module
    from core.records.security import hash_password
    from core.settings import get_setting
    from tests.fixtures import Client, PASSWORD
    app = make_app({"demo": plugin_source("demo", """
        @hookimpl
        def register_settings():
            from core.settings import Setting
            return [Setting("demo.reply", "deadline", default="2 calendar_days", label_en="Reply within")]
    """)})
    with app.app_context():
        migrate.upgrade()
        company = Company(code="D", name="Demo")
        user = User(email="admin@d.test", name="admin", password_hash=hash_password(PASSWORD))
        user.memberships.append(Membership(company=company, role="admin"))
        db.session.add_all([company, user])
        db.session.commit()
        enable_module(company, "demo")
        assert get_setting("demo.reply", company) == DeadlineRule(2, "calendar_days")
    client = Client(app)
    client.login("admin@d.test")
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert 'name="demo.reply__unit"' in page and '<option value="calendar_days" selected>' in page

    refused = client.post("/admin/settings/", {"demo.reply": "1.5", "demo.reply__unit": "working_days",
                                               "demo.reply__roll": "false"})
    assert refused.status_code == 400
    saved = client.post("/admin/settings/", {"demo.reply": "4", "demo.reply__unit": "calendar_days",
                                             "demo.reply__roll": ["false", "true"]})
    assert saved.status_code == 302
    with app.app_context():
        company = db.session.query(Company).filter_by(code="D").one()
        with tenancy.acting_as(company):
            assert get_setting("demo.reply", company) == DeadlineRule(4, "calendar_days", True)
