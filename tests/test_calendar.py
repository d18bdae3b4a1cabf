"""The company working calendar: China's holidays and make-up days, the
company's own days off and working days, its weekdays and hours from the
settings, the Calendar screens and company isolation."""
from __future__ import annotations

import datetime as dt

import pytest

from core.records import tenancy
from core.calendar import company_calendar, company_days
from core.extensions import db
from core.models import AuditEntry
from core.calendar.days import CompanyCalendarDay
from core.settings import set_settings

# 2026-10-01..07: National Day holidays; 2026-09-20 (Sunday) and 2026-10-10
# (Saturday): make-up days (chinesecalendar 1.11). 2026-11-16 is a plain Monday.
MON = dt.datetime(2026, 11, 16, 9, 0)


def add_day(app, world, code, day, kind, note=""):
    with app.app_context():
        company, admin = world.company(code), world.user(f"admin@{code.lower()}.test")
        with tenancy.acting_as(company, admin):
            db.session.add(CompanyCalendarDay(day=day, kind=kind, note=note))
            db.session.commit()


def test_china_holidays_and_makeup_days(app, world):
    with app.app_context():
        cal = company_calendar(world.company("A"), years=[2026])
        assert not cal.is_working_day(dt.date(2026, 10, 1))       # National Day
        assert cal.is_working_day(dt.date(2026, 11, 16))
        assert cal.is_working_day(dt.date(2026, 9, 20))            # a Sunday make-up day
        # Wednesday 2026-09-30 + 1 working day skips the holiday week.
        assert cal.add_working_days(dt.datetime(2026, 9, 30, 10), 1) == dt.datetime(2026, 10, 8, 10)


def test_company_day_off_and_extra_working_day_change_deadlines(app, world):
    with app.app_context():
        before = company_calendar(world.company("A"))
        assert before.add_working_days(MON, 1) == dt.datetime(2026, 11, 17, 9, 0)
        assert before.add_working_days(dt.datetime(2026, 11, 20, 9), 1) == dt.datetime(2026, 11, 23, 9)
    add_day(app, world, "A", dt.date(2026, 11, 17), "off", "公司年会")
    add_day(app, world, "A", dt.date(2026, 11, 21), "work", "盘点")  # a Saturday
    with app.app_context():
        cal = company_calendar(world.company("A"))
        assert not cal.is_working_day(dt.date(2026, 11, 17))
        assert cal.add_working_days(MON, 1) == dt.datetime(2026, 11, 18, 9, 0)
        assert cal.add_working_days(dt.datetime(2026, 11, 20, 9), 1) == dt.datetime(2026, 11, 21, 9)
        with tenancy.acting_as(world.company("A")):  # default: the current company
            assert company_calendar() == cal


def test_hours_setting_feeds_add_working_hours(app, world):
    from core.settings import get_setting
    with app.app_context():
        a = world.company("A")
        hours = get_setting("notes.reply_hours", a)
        assert hours == 24 and isinstance(hours, int)
        # 24 working hours = 3.2 days of 7.5 h: Monday 09:00 → Thursday 10:30.
        assert company_calendar(a).add_working_hours(MON, hours) == dt.datetime(2026, 11, 19, 10, 30)
        set_settings({"notes.reply_hours": "1.5"}, a)
        assert company_calendar(a).add_working_hours(MON, get_setting("notes.reply_hours", a)) \
            == dt.datetime(2026, 11, 16, 10, 30)


def test_company_working_day_beats_a_public_holiday(app, world):
    add_day(app, world, "A", dt.date(2026, 10, 7), "work")
    add_day(app, world, "A", dt.date(2026, 10, 10), "off")  # and a day off beats a make-up day
    with app.app_context():
        a, b = company_calendar(world.company("A")), company_calendar(world.company("B"))
        assert a.is_working_day(dt.date(2026, 10, 7)) and not b.is_working_day(dt.date(2026, 10, 7))
        assert not a.is_working_day(dt.date(2026, 10, 10)) and b.is_working_day(dt.date(2026, 10, 10))


def test_weekdays_hours_and_holiday_switch_come_from_settings(app, world):
    with app.app_context():
        a = world.company("A")
        set_settings({"core.calendar.weekdays": ["0", "1", "2", "3", "4", "5"],
                      "core.calendar.hours": "09:00-12:00, 13:00-18:00",
                      "core.calendar.china_holidays": "false"}, a)
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        cal = company_calendar(a)
        assert cal.is_working_day(dt.date(2026, 11, 21))            # Saturday now works
        assert cal.is_working_day(dt.date(2026, 10, 1))             # public holidays off
        assert cal.working_day_length == dt.timedelta(hours=8)
        assert cal.add_working_hours(dt.datetime(2026, 11, 16, 17, 0), 2) == dt.datetime(2026, 11, 17, 10, 0)
        other = company_calendar(b)
        assert not other.is_working_day(dt.date(2026, 11, 21))
        assert other.working_day_length == dt.timedelta(hours=7, minutes=30)


def test_isolation_a_days_not_visible_to_b(app, world, client_for):
    add_day(app, world, "A", dt.date(2026, 11, 17), "off", "A-ONLY-MARKER")
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        assert [d.note for d in company_days(a)] == ["A-ONLY-MARKER"]
        assert company_days(b) == []
        assert company_calendar(b).is_working_day(dt.date(2026, 11, 17))
        a_id = company_days(a)[0].id
    b_admin = client_for("admin@b.test")
    assert "A-ONLY-MARKER" not in b_admin.get("/admin/core/calendar_day/").get_data(as_text=True)
    assert "A-ONLY-MARKER" not in b_admin.get("/admin/core/calendar_day/month/?month=2026-11").get_data(as_text=True)
    assert b_admin.get(f"/admin/core/calendar_day/edit/?id={a_id}").status_code == 404
    assert b_admin.get(f"/admin/core/calendar_day/details/?id={a_id}").status_code == 404
    b_admin.post(f"/admin/core/calendar_day/delete/", {"id": a_id})
    with app.app_context():
        assert len(company_days(world.company("A"))) == 1
    a_admin = client_for("admin@a.test")
    assert "A-ONLY-MARKER" in a_admin.get("/admin/core/calendar_day/").get_data(as_text=True)


def test_calendar_screen_admin_adds_and_removes_days(app, world, client_for):
    admin = client_for("admin@a.test")
    response = admin.post("/admin/core/calendar_day/new/", {"day": "2026-11-17", "kind": "off", "note": "年会"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        days = company_days(world.company("A"))
        assert [(d.day, d.kind, d.company_id) for d in days] == [(dt.date(2026, 11, 17), "off", world.ids["A"])]
        day_id = days[0].id
        assert db.session.query(AuditEntry).filter_by(table_name="company_calendar_days").count() == 1
    # The same day twice: a clear message, nothing added.
    page = admin.post("/admin/core/calendar_day/new/", {"day": "2026-11-17", "kind": "work"},
                      follow_redirects=True).get_data(as_text=True)
    assert "already in the calendar" in page
    month = admin.get("/admin/core/calendar_day/month/?month=2026-11").get_data(as_text=True)
    assert 'data-date="2026-11-17" data-working="no" data-mark="company-off"' in month
    october = admin.get("/admin/core/calendar_day/month/?month=2026-10").get_data(as_text=True)
    assert 'data-date="2026-10-01" data-working="no" data-mark="holiday"' in october
    assert 'data-date="2026-10-10" data-working="yes" data-mark="makeup"' in october
    # Delete: really gone (no archive), audited.
    assert admin.post("/admin/core/calendar_day/delete/", {"id": day_id}).status_code == 302
    with app.app_context():
        assert company_days(world.company("A")) == []
        assert db.session.query(AuditEntry).filter_by(table_name="company_calendar_days",
                                                      action="delete").count() == 1


@pytest.mark.parametrize("email, read, write", [
    ("admin@a.test", 200, True), ("manager@a.test", 200, False), ("staff@a.test", 403, False),
    ("readonly@a.test", 403, False)])
def test_calendar_permissions(app, world, client_for, email, read, write):
    client = client_for(email)
    assert client.get("/admin/core/calendar_day/").status_code == read
    assert client.get("/admin/core/calendar_day/month/").status_code == read
    response = client.post("/admin/core/calendar_day/new/", {"day": "2026-11-18", "kind": "off"})
    assert response.status_code == (302 if write else 403)
    with app.app_context():
        assert len(company_days(world.company("A"))) == (1 if write else 0)


def test_month_view_in_chinese(app, world):
    from tests.fixtures import Client
    client = Client(app)
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert client.login("admin@a.test").status_code == 302
    html = client.get("/admin/core/calendar_day/month/?month=2026-10").get_data(as_text=True)
    assert "公司工作日历" in html and "法定节假日" in html and "调休上班" in html and "星期一" in html
    assert "工作日历" in client.get("/admin/").get_data(as_text=True)  # menu entry
