"""Periodic tracking per customer (AS-62 定期访问): every
``quality.tracking_interval_months`` months (3 by default: the seed gives no
number), counted to the corresponding date (core.calendar.periods.due_by);
a customer never tracked is due too. The list, its tile, the reminder job."""
from __future__ import annotations

import datetime as dt

from core import db
from core.calendar.periods import add_months, due_by
from core.calendar.timezone import local_today
from core.notify import Notification
from core.records import tenancy
from core.settings import set_settings

from ..tracking_rules import due_count, due_customers, remind_due_customers
from .tracking_helpers import URL, add_customer, add_tracking, text


def _customers(app, world, today):
    """Tracked today; 4 months ago; 3 months ago to the day; 3 months less a day ago; never."""
    just = add_customer(app, world, "AKH11", name="刚跟踪客户")
    with app.app_context():
        staff_id = world.user("staff@a.test").id
    old = add_customer(app, world, "AKH12", name="四个月前客户", responsible_id=staff_id)
    exact = add_customer(app, world, "AKH13", name="整三个月客户")
    almost = add_customer(app, world, "AKH14", name="差一天客户")
    never = add_customer(app, world, "AKH15", name="从未跟踪客户")
    add_tracking(app, world, just, today)
    add_tracking(app, world, just, dt.date(2020, 1, 6))   # an old one does not make it due
    four = dt.date(today.year - (today.month <= 4), (today.month - 5) % 12 + 1, min(today.day, 28))
    add_tracking(app, world, old, four)
    three = due_by(today, 3)
    add_tracking(app, world, exact, three)
    add_tracking(app, world, almost, three + dt.timedelta(days=1))
    return dict(just=just, old=old, exact=exact, almost=almost, never=never, four=four, three=three)


def test_a_customer_just_tracked_is_not_due_one_tracked_four_months_ago_is(app, world):
    with app.app_context():
        today = local_today(world.company("A"))
    c = _customers(app, world, today)
    with app.app_context(), tenancy.acting_as(world.company("A"), None):
        rows = due_customers(world.company("A"))
        ids = [r.customer.id for r in rows]
        assert ids == [c["never"], c["old"], c["exact"]]  # never first, then the longest untracked
        by_id = {r.customer.id: r for r in rows}
        assert by_id[c["old"]].last == c["four"] and by_id[c["old"]].due_on == add_months(c["four"], 3)
        assert by_id[c["exact"]].due_on == today       # due today: on the list
        assert by_id[c["never"]].last is None
        assert due_count(world.company("A")) == 3
        # Another company sees none of them.
        assert due_customers(world.company("B")) == []
        # The interval is the company's: at 5 months the 4-month customer is no longer due.
        set_settings({"quality.tracking_interval_months": 5}, world.company("A"), world.user("admin@a.test"))
        db.session.commit()
        assert [r.customer.id for r in due_customers(world.company("A"))] == [c["never"]]


def test_the_due_page_and_the_home_tile(app, world, client_for):
    with app.app_context():
        today = local_today(world.company("A"))
    _customers(app, world, today)
    staff = client_for("staff@a.test")
    page = text(staff.get(f"{URL}due/"))
    assert "四个月前客户" in page and "从未跟踪客户" in page and "整三个月客户" in page
    assert "刚跟踪客户" not in page and "差一天客户" not in page
    home = text(staff.get("/admin/"))
    assert "待质量跟踪顾客" in home or "Customers due for tracking" in home
    assert client_for("staff@b.test").get(f"{URL}due/").status_code == 200
    assert "四个月前客户" not in text(client_for("staff@b.test").get(f"{URL}due/"))


def test_the_reminder_job_tells_the_responsible_person_once(app, world):
    with app.app_context():
        today = local_today(world.company("A"))
    c = _customers(app, world, today)
    with app.app_context(), tenancy.acting_as(world.company("A"), None):
        summary = remind_due_customers(world.company("A"))
        assert summary.startswith("1 reminded")      # only the 4-month customer has a responsible person
        rows = db.session.query(Notification).filter_by(kind="quality.tracking_due").all()
        assert [(n.recipient_id, n.record_id) for n in rows] == [(world.user("staff@a.test").id, c["old"])]
        assert remind_due_customers(world.company("A")).startswith("0 reminded")  # once per due date
        assert db.session.query(Notification).filter_by(kind="quality.tracking_due").count() == 1


def test_the_customer_page_shows_its_trackings_and_the_next_due_day(app, world, client_for):
    customer = add_customer(app, world, "AKH41", name="面板客户")
    add_tracking(app, world, customer, dt.date(2026, 3, 31), product="KT-35")
    page = text(client_for("staff@a.test").get(f"/admin/crm/customer/details/?id={customer}"))
    assert "2026-03-31" in page and "2026-06-30" in page  # 3 months to the corresponding date (Jun has no 31st)
    other = add_customer(app, world, "AKH42", name="未跟踪客户")
    page = text(client_for("staff@a.test").get(f"/admin/crm/customer/details/?id={other}"))
    assert "never tracked" in page or "从未跟踪" in page
