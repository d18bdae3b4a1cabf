"""Deadline settings (type ``deadline``, D-1): an amount with its unit, read
by plugins as a ``core.deadlines.DeadlineRule``, changed by a company admin
on the Settings screen (amount, unit, and the calendar-days roll option)."""
from __future__ import annotations

import re

import pytest
from marshmallow import ValidationError

from core.deadlines import DeadlineRule
from core.settings import Setting
from tests.test_hooks import company_with_admin, make_app, plugin_source  # noqa: F401  (fixture)

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
    from core.records import tenancy
    from core.extensions import db
    from core.models import Company
    from core.settings import get_setting
    from tests.fixtures import Client
    app = make_app({"demo": plugin_source("demo", """
        @hookimpl
        def register_settings():
            from core.settings import Setting
            return [Setting("demo.reply", "deadline", default="2 calendar_days", label_en="Reply within"),
                    Setting("demo.urgent", "deadline", optional=True, default=None, label_en="Urgent within")]
    """)})
    company_with_admin(app, "demo")
    with app.app_context():
        company = db.session.query(Company).filter_by(code="D").one()
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
            assert get_setting("demo.urgent", company) is None

    # an optional deadline: shown empty, set, and emptied again (the reply's own is not optional)
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert re.search(r'name="demo.urgent"[^>]*value=""\s*placeholder="Not set"', page)
    assert client.post("/admin/settings/", {"demo.urgent": "6", "demo.urgent__unit": "hours"}).status_code == 302
    with app.app_context():
        assert get_setting("demo.urgent", db.session.query(Company).filter_by(code="D").one()) == DeadlineRule(6, "hours")
    assert client.post("/admin/settings/", {"demo.urgent": "", "demo.urgent__unit": "hours"}).status_code == 302
    assert client.post("/admin/settings/", {"demo.reply": "", "demo.reply__unit": "hours"}).status_code == 400
    with app.app_context():
        company = db.session.query(Company).filter_by(code="D").one()
        assert get_setting("demo.urgent", company) is None
        assert get_setting("demo.reply", company) == DeadlineRule(4, "calendar_days", True)


URGENT = Setting("demo.urgent", "deadline", optional=True, default=None, label_en="Reply to urgent letters within")


@pytest.mark.parametrize("given", [None, "", "  ", {"amount": "", "unit": "hours", "roll": False}, {"unit": "hours"}])
def test_an_optional_deadline_may_be_left_empty(given):
    assert URGENT.check(given) is None
    assert URGENT.to_json(None) is None and URGENT.form_value(None) == {}
    assert URGENT.check("6 hours") == DeadlineRule(6, "hours")
    with pytest.raises(ValidationError):  # empty is allowed, wrong is not
        URGENT.check({"amount": "6", "unit": "fortnights"})


def test_only_a_deadline_setting_can_be_optional():
    with pytest.raises(ValueError, match="only a deadline setting can be optional"):
        Setting("demo.count", "int", default=None, optional=True)


def test_a_chain_of_settings_counts_the_first_that_is_set(app, world, monkeypatch):
    """An ``amount`` function may name keys most particular first: the first
    with a value counts; a chain of empty values is a plugin's mistake."""
    import core.settings
    from core.deadlines import Deadline
    from tests.plugins.tasks.models import Task
    values = {"demo.urgent": None, "demo.reply": DeadlineRule(2, "calendar_days")}
    monkeypatch.setattr(core.settings, "get_setting", lambda key, company=None: values[key])
    chained = Deadline("tasks.task.chained", Task, start="opened_at", due_field="due_at", done=("done",),
                       amount=lambda task: ("demo.urgent", "demo.reply") if task.title == "急" else ("demo.reply",),
                       settings=("demo.urgent", "demo.reply"))
    urgent, normal = Task(title="急"), Task(title="缓")
    assert chained.rule_for(urgent, None) == DeadlineRule(2, "calendar_days")  # urgent empty: passed over
    values["demo.urgent"] = DeadlineRule(6, "hours")
    assert chained.rule_for(urgent, None) == DeadlineRule(6, "hours")
    assert chained.rule_for(normal, None) == DeadlineRule(2, "calendar_days")
    values["demo.reply"] = None
    with pytest.raises(ValueError, match="none of demo.reply has a value"):
        chained.rule_for(normal, None)
    stray = Deadline("tasks.task.stray", Task, start="opened_at", due_field="due_at", done=("done",),
                     amount=lambda task: ("demo.other",), settings=("demo.urgent", "demo.reply"))
    with pytest.raises(ValueError, match="not keys of"):
        stray.rule_for(normal, None)


def test_an_optional_setting_alone_is_refused_as_an_amount(make_app):  # noqa: F811
    with pytest.raises(ValueError, match="'demo.urgent' is optional"):
        make_app({"demo": plugin_source("demo", """
            @hookimpl
            def register_permissions():
                from core import crud_permissions
                return crud_permissions("demo", "task")

            @hookimpl
            def register_settings():
                from core.settings import Setting
                return [Setting("demo.urgent", "deadline", optional=True, default=None, label_en="Urgent")]

            @hookimpl
            def register_deadlines():
                from core.deadlines import Deadline
                from tests.plugins.tasks.models import Task
                return [Deadline("demo.task.urgent", Task, start="opened_at", due_field="done_at",
                                 done=("done",), amount="demo.urgent")]
        """)})
