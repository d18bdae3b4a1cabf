"""Reply due of contact-log entries (working days, 调休, in/out of province)
and the overdue flag. Dates are worked out by hand from the 2025 official
calendar: National Day 10-01..10-08 off, make-up working days Sunday 09-28
and Saturday 10-11; working hours 08:30-12:00 / 13:30-17:30, Mon-Fri."""
import datetime as dt

import pytest

from core import db, tenancy
from core.settings import set_settings
from plugins.crm.models import ContactLog, Customer

D = dt.datetime


def customer(company, user, code, province):
    with tenancy.acting_as(company, user):
        c = Customer(code=code, name=f"客户{code}", province=province)
        db.session.add(c)
        db.session.commit()
        return c


def log_at(company, user, cust, when, **kw):
    with tenancy.acting_as(company, user):
        kw.setdefault("subject", "来电咨询")
        entry = ContactLog(customer=cust, occurred_at=when, **kw)
        db.session.add(entry)
        db.session.commit()
        return entry


@pytest.fixture
def a(ctx, world):
    company, user = world.company("A"), world.user("staff@a.test")  # A is in 浙江
    return company, user, customer(company, user, "IN1", "浙江省"), customer(company, user, "OUT1", "四川")


@pytest.mark.parametrize("when, province, due", [
    # Thu 10:00 + 2: Fri 26 (1), Sat 27 off, Sun 28 make-up working day (2).
    (D(2025, 9, 25, 10, 0), "in", D(2025, 9, 28, 10, 0)),
    # + 4: Fri 26, Sun 28, Mon 29, Tue 30.
    (D(2025, 9, 25, 10, 0), "out", D(2025, 9, 30, 10, 0)),
    # Tue 30 15:00 + 2: Oct 1-8 holiday; Thu Oct 9 (1), Fri Oct 10 (2).
    (D(2025, 9, 30, 15, 0), "in", D(2025, 10, 10, 15, 0)),
    # + 4: Oct 9, Oct 10, Sat Oct 11 (make-up working day), Mon Oct 13.
    (D(2025, 9, 30, 15, 0), "out", D(2025, 10, 13, 15, 0)),
    # Fri 26 18:00 (after hours): counting starts Sun 28 08:30; Mon 29 (1), Tue 30 (2).
    (D(2025, 9, 26, 18, 0), "in", D(2025, 9, 30, 8, 30)),
    # A plain weekend: Thu 2026-11-19 10:00 + 2 → Fri 20, Mon 23.
    (D(2026, 11, 19, 10, 0), "in", D(2026, 11, 23, 10, 0)),
    # + 4 → Fri 20, Mon 23, Tue 24, Wed 25.
    (D(2026, 11, 19, 10, 0), "out", D(2026, 11, 25, 10, 0)),
])
def test_reply_due_counts_working_days_of_the_company_calendar(a, when, province, due):
    company, user, inside, outside = a
    entry = log_at(company, user, inside if province == "in" else outside, when)
    assert entry.reply_due == due


def test_customer_in_province_is_derived_from_the_company(a, world):
    company, user, inside, outside = a
    assert inside.in_province is True and outside.in_province is False
    b, b_user = world.company("B"), world.user("staff@b.test")  # B is in 四川
    assert customer(b, b_user, "OUT1", "四川省").in_province is True
    assert customer(b, b_user, "X", None).in_province is None


def test_reply_days_follow_the_company_settings(a, world):
    company, user, inside, outside = a
    set_settings({"crm.reply_days_in_province": 1, "crm.reply_days_out_of_province": 3},
                 company, world.user("admin@a.test"))
    assert log_at(company, user, inside, D(2025, 9, 25, 10, 0)).reply_due == D(2025, 9, 26, 10, 0)
    assert log_at(company, user, outside, D(2025, 9, 25, 10, 0)).reply_due == D(2025, 9, 29, 10, 0)


def test_given_reply_due_is_kept(a):
    company, user, inside, _ = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0), reply_due=D(2025, 9, 25, 17, 0))
    assert entry.reply_due == D(2025, 9, 25, 17, 0)


def test_overdue_flag(a):
    company, user, inside, _ = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0))  # due 2025-09-28 10:00
    assert not entry.is_overdue(D(2025, 9, 28, 10, 0))
    assert entry.is_overdue(D(2025, 9, 28, 10, 1))
    assert entry.overdue  # long past today
    with tenancy.acting_as(company, user):
        entry.state = "replied"
        db.session.commit()
    assert not entry.is_overdue(D(2025, 10, 30)) and not entry.overdue


def test_overdue_entries_are_highlighted_and_filtered(world, app, client_for):
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        cust = customer(company, user, "K1", "浙江")
        log_at(company, user, cust, D(2025, 9, 25, 10, 0), subject="qoverdueentry")
        log_at(company, user, cust, dt.datetime.now() + dt.timedelta(days=1), subject="qfreshentry")
    client = client_for("staff@a.test")
    page = client.get("/admin/crm/contactlog/").get_data(as_text=True)
    assert "qoverdueentry" in page and "qfreshentry" in page
    assert page.count("qdesk-overdue") == 1
    only = client.get("/admin/crm/contactlog/?overdue=1").get_data(as_text=True)
    assert "qoverdueentry" in only and "qfreshentry" not in only


def test_dashboard_tile_counts_overdue_entries(world, app, client_for):
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        cust = customer(company, user, "K1", "浙江")
        log_at(company, user, cust, D(2025, 9, 25, 10, 0))
    page = client_for("staff@a.test").get("/admin/").get_data(as_text=True)
    assert "Overdue contacts" in page
    readonly = client_for("readonly@a.test").get("/admin/").get_data(as_text=True)
    assert "Overdue contacts" in readonly  # readonly holds crm.contactlog.read by default


def test_logging_a_call_on_the_screen_computes_reply_due(world, app, client_for):
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        cid = customer(company, user, "K1", "四川").id  # out of province for A
        b_staff = world.user("staff@b.test").id
    client = client_for("staff@a.test")
    form = client.get("/admin/crm/contactlog/new/").get_data(as_text=True)
    assert "staff A" in form and "staff B" not in form  # people of the current company only
    response = client.post("/admin/crm/contactlog/new/", {
        "customer": str(cid), "channel": "phone", "direction": "in", "state": "open",
        "occurred_at": "2025-09-30 15:00:00", "subject": "扶梯异响"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        entry = tenancy.scoped_query(ContactLog, world.company("A")).one()
        assert entry.reply_due == D(2025, 10, 13, 15, 0)  # 4 working days, see above
    # a user of another company cannot be set as follow-up owner
    refused = client.post("/admin/crm/contactlog/new/", {
        "customer": str(cid), "channel": "phone", "direction": "in", "state": "open",
        "occurred_at": "2025-09-30 15:00:00", "subject": "越权", "follow_up_owner": str(b_staff)})
    # (an id outside the company's people is not a choice: the field stays empty)
    assert refused.status_code in (200, 302)
    with app.app_context():
        owners = {e.follow_up_owner_id for e in tenancy.scoped_query(ContactLog, world.company("A"))}
        assert b_staff not in owners


def test_overdue_list_filter_and_mark_replied_action(world, app, client_for):
    from plugins.crm.admin import OverdueFilter
    from tests.factories import view_for
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        cust = customer(company, user, "K1", "浙江")
        late = log_at(company, user, cust, D(2025, 9, 25, 10, 0), subject="qoverdueentry").id
        log_at(company, user, cust, dt.datetime.now() + dt.timedelta(days=1), subject="qfreshentry")
    view = view_for(app, "crm_contactlog")
    arg = next(name for name, (_i, flt) in view._filter_args.items() if isinstance(flt, OverdueFilter))
    client = client_for("staff@a.test")
    page = client.get(f"/admin/crm/contactlog/?flt1_{arg}=1").get_data(as_text=True)
    assert "qoverdueentry" in page and "qfreshentry" not in page
    page = client.get(f"/admin/crm/contactlog/?flt1_{arg}=0").get_data(as_text=True)
    assert "qoverdueentry" not in page and "qfreshentry" in page
    assert client.post("/admin/crm/contactlog/action/", {"action": "mark_replied", "rowid": [str(late)]}).status_code == 302
    with app.app_context():
        entry = db.session.get(ContactLog, late)
        assert entry.state == "replied" and entry.replied_at is not None and not entry.overdue
