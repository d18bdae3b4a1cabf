"""来电来函来访登记表 over a period (report crm.contact_log_period, JL-8.2-01-2)
and its 统计、汇总 (seed 002 5.2.1: "对复函单进行统计、汇总、分析").

Company A is in 浙江 (Asia/Shanghai); occurred_at is the clerk's local time.
Reply within 2 calendar days in the province, 4 outside (D-15: the day of
the call not counted, due at 24:00 of the last day)."""
import datetime as dt
import re

import pytest

from core import db
from core.models import PrintJob
from core.records import tenancy
from core.workflow import transition
from plugins.crm.tests.test_contact_log import customer, frozen, log_at
from tests.test_reports import pdf_text, squeezed

D = dt.datetime


@pytest.fixture
def october(app, world):
    # Its own app context, not ctx: a context held over the test client's
    # requests would share their g (the interface language, the CSRF token).
    with app.app_context():
        return _october(world)


def _october(world):
    company, user = world.company("A"), world.user("staff@a.test")
    inside, outside = customer(company, user, "IN1", "浙江省"), customer(company, user, "OUT1", "四川")
    # Replied 10-02 09:00, due end of 10-03: in time.
    e1 = log_at(company, user, inside, D(2026, 10, 1, 0, 30), channel="phone", subject="十月一日零点半来电")
    with frozen(D(2026, 10, 2, 9, 0)), tenancy.acting_as(company, user):
        transition(e1, "reply")
        db.session.commit()
    # Open; due end of 10-12: past due on 11-30.
    log_at(company, user, inside, D(2026, 10, 10, 9, 0), channel="phone", subject="十月十日来电未复")
    # Open visit on the last minute of October.
    log_at(company, user, inside, D(2026, 10, 31, 23, 59), channel="visit", subject="十月最后一分钟来访")
    # Outside the province, due end of 10-09 (10-06..10-09); replied 10-12: late.
    e6 = log_at(company, user, outside, D(2026, 10, 5, 10, 0), channel="phone", subject="省外来电迟复")
    with frozen(D(2026, 10, 12, 10, 0)), tenancy.acting_as(company, user):
        transition(e6, "reply")
        db.session.commit()
    # Outside October (local days).
    log_at(company, user, inside, D(2026, 9, 30, 23, 59), channel="phone", subject="九月最后一分钟来电")
    log_at(company, user, inside, D(2026, 11, 1, 0, 0), channel="letter", subject="十一月来函")
    return inside.id, outside.id


def print_october(client, **params):
    query = "&".join(f"{k}={v}" for k, v in dict(period="2026-10", **params).items())
    return client.get(f"/admin/reports/crm.contact_log_period/?print=1&{query}")


def test_the_register_of_a_month_lists_its_local_days_and_counts_per_channel(app, world, client_for, october,
                                                                            tmp_path):
    staff = client_for("staff@a.test")
    staff.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = print_october(staff)  # printed in December: the open entries are past due
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = pdf_text(response.data, tmp_path)
    flat = squeezed(text)
    assert "来电来函来访登记表" in flat and "JL-8.2-01-2" in flat and "期间:2026-10-01至2026-10-31" in flat
    for subject in ("十月一日零点半来电", "十月十日来电未复", "十月最后一分钟来访", "省外来电迟复"):
        assert subject in flat
    assert "九月最后一分钟来电" not in flat and "十一月来函" not in flat
    # 电话: 3 entries (2 replied, 1 not; the open one and the late one past due);
    # 来访: 1 (open, past due); in all 4, 2, 2, 3.
    assert re.search(r"电话\s+3\s+2\s+1\s+2", text), text
    assert re.search(r"来访\s+1\s+0\s+1\s+1", text)
    assert re.search(r"合计\s+4\s+2\s+2\s+3", text)


def test_channel_and_customer_narrow_the_register(app, world, client_for, october, tmp_path):
    inside, outside = october
    staff = client_for("staff@a.test")
    flat = squeezed(pdf_text(print_october(staff, channel="visit").data, tmp_path, "visit.pdf"))
    assert "十月最后一分钟来访" in flat and "十月十日来电未复" not in flat and "Channel:Visit" in flat
    flat = squeezed(pdf_text(print_october(staff, customer=outside).data, tmp_path, "out.pdf"))
    assert "省外来电迟复" in flat and "十月一日零点半来电" not in flat and "Customer:OUT1客户OUT1" in flat
    with app.app_context():
        jobs = db.session.query(PrintJob).filter_by(printable="crm.contact_log_period").order_by(PrintJob.id).all()
        assert [j.parameters for j in jobs] == [{"period": "2026-10", "channel": "visit", "customer": ""},
                                                {"period": "2026-10", "channel": "", "customer": str(outside)}]


def test_an_empty_period_says_so(app, world, client_for, october, tmp_path):
    staff = client_for("staff@a.test")
    response = staff.get("/admin/reports/crm.contact_log_period/?print=1&period=2025-03")
    assert response.status_code == 200
    flat = squeezed(pdf_text(response.data, tmp_path))
    assert "Nothingwasrecordedinthisperiod." in flat and re.search(r"Total0000", flat)


def test_another_companys_customer_is_refused(app, world, client_for, october):
    inside, _ = october
    staff_b = client_for("staff@b.test")
    response = print_october(staff_b, customer=inside)
    assert response.status_code == 400 and "there is no such record" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(PrintJob).count() == 0
