"""The contact log on core's services: its reply deadline (core.deadlines,
D-1/D-2/D-15), its workflow 待答复 → 已答复 → 已关闭 (core.workflow) and its
numbers (core.sequences).

Dates are worked out by hand from the 2025 official calendar: National Day
10-01..10-08 off, make-up working days Sunday 09-28 and Saturday 10-11.
Company A is in 浙江 (Asia/Shanghai); 省内二天、省外四天 are calendar days by
default (D-15): the day of the call is not counted and the time ends at
24:00 of the last day, stored as 23:59:59 (D-2)."""
import datetime as dt
import io

import pytest
import time_machine

from core import db

from core.records import tenancy
from core.deadlines import DeadlineClock, DueComputed, is_overdue
from core.errors import Conflict, Forbidden, Invalid
from core.models import AuditEntry
from core.settings import set_settings
from core.workflow import StateLocked, transition
from plugins.crm.models import ContactLog, Customer
from tests.test_timezone import server_zone  # noqa: F401  (fixture: UTC and America/New_York servers, D-3)

D = dt.datetime
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def end(y, m, d):
    """The end (24:00) of a day, as stored."""
    return D(y, m, d, 23, 59, 59)


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


def clock_of(entry):
    return db.session.query(DeadlineClock).filter_by(deadline="crm.contactlog.reply", record_id=entry.id).one()


def frozen(local):
    """Freeze the clock at ``local`` Shanghai time."""
    return time_machine.travel(local.replace(tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def a(ctx, world):
    company, user = world.company("A"), world.user("staff@a.test")  # A is in 浙江
    return company, user, customer(company, user, "IN1", "浙江省"), customer(company, user, "OUT1", "四川")


# --- the reply deadline --------------------------------------------------------

@pytest.mark.parametrize("when, province, due", [
    # Thu 09-25 10:00 + 2 calendar days: 26, 27 → end of Sat 09-27.
    (D(2025, 9, 25, 10, 0), "in", end(2025, 9, 27)),
    # + 4: 26, 27, 28, 29 → end of Mon 09-29.
    (D(2025, 9, 25, 10, 0), "out", end(2025, 9, 29)),
    # Tue 09-30 15:00 + 2: 10-01, 10-02 → end of 10-02, a holiday (no roll by default).
    (D(2025, 9, 30, 15, 0), "in", end(2025, 10, 2)),
    # + 4 → end of 10-04.
    (D(2025, 9, 30, 15, 0), "out", end(2025, 10, 4)),
    # Just before midnight: the day of the call still does not count.
    (D(2026, 11, 19, 23, 59), "in", end(2026, 11, 21)),
])
def test_reply_due_counts_calendar_days_by_default(a, server_zone, when, province, due):
    company, user, inside, outside = a
    entry = log_at(company, user, inside if province == "in" else outside, when)
    assert entry.reply_due == due
    clock = clock_of(entry)
    assert (clock.started_at, clock.due_at, clock.status) == (when, due, "running")


def test_a_deadline_ending_on_a_holiday_may_roll_to_the_next_working_day(a):
    company, user, inside, outside = a
    set_settings({"crm.reply_in_province": "2 calendar_days roll", "crm.reply_out_of_province": "4 calendar_days roll"},
                 company, user)
    # 10-02 and 10-04 are holidays; the next working day is Thu 10-09.
    assert log_at(company, user, inside, D(2025, 9, 30, 15, 0)).reply_due == end(2025, 10, 9)
    assert log_at(company, user, outside, D(2025, 9, 30, 15, 0)).reply_due == end(2025, 10, 9)
    # Thu 09-25 + 2 = Sat 09-27, a day off → Sun 09-28, a make-up working day.
    assert log_at(company, user, inside, D(2025, 9, 25, 10, 0)).reply_due == end(2025, 9, 28)


def test_a_company_may_switch_to_working_days_or_hours(a, server_zone):
    company, user, inside, outside = a
    set_settings({"crm.reply_in_province": {"amount": 2, "unit": "working_days"},
                  "crm.reply_out_of_province": {"amount": 4, "unit": "working_days"}}, company, user)
    # Thu 09-25: Fri 26 (1), Sat off, Sun 28 make-up (2) → end of 09-28.
    assert log_at(company, user, inside, D(2025, 9, 25, 10, 0)).reply_due == end(2025, 9, 28)
    # 26, 28, 29, 30 → end of 09-30.
    assert log_at(company, user, outside, D(2025, 9, 25, 10, 0)).reply_due == end(2025, 9, 30)
    # Tue 09-30: 10-01..08 off; Thu 10-09 (1), Fri 10-10 (2).
    assert log_at(company, user, inside, D(2025, 9, 30, 15, 0)).reply_due == end(2025, 10, 10)
    set_settings({"crm.reply_in_province": "24 hours"}, company, user)
    # Hours run from the exact moment, holidays or not.
    assert log_at(company, user, inside, D(2025, 9, 30, 15, 0)).reply_due == D(2025, 10, 1, 15, 0)


def test_a_changed_setting_applies_to_new_entries_only(a):
    company, user, inside, _ = a
    before = log_at(company, user, inside, D(2025, 9, 25, 10, 0))
    set_settings({"crm.reply_in_province": "5 calendar_days"}, company, user)
    after = log_at(company, user, inside, D(2025, 9, 25, 10, 0))
    with tenancy.acting_as(company, user):
        before.subject = "来电咨询（补记）"
        db.session.commit()
    assert before.reply_due == end(2025, 9, 27) and after.reply_due == end(2025, 9, 30)


def test_changing_the_customer_counts_the_deadline_again(a):
    company, user, inside, outside = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0))
    assert entry.reply_due == end(2025, 9, 27)
    with tenancy.acting_as(company, user):
        entry.customer = outside
        db.session.commit()
    assert entry.reply_due == end(2025, 9, 29) and clock_of(entry).due_at == end(2025, 9, 29)
    with tenancy.acting_as(company, user):
        entry.occurred_at = D(2025, 9, 26, 9, 0)
        db.session.commit()
    assert entry.reply_due == end(2025, 9, 30)


def test_a_due_time_given_by_code_is_kept_and_nobody_changes_it_later(a):
    company, user, inside, _ = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0), reply_due=D(2025, 9, 25, 17, 0))
    assert entry.reply_due == D(2025, 9, 25, 17, 0) == clock_of(entry).due_at  # data brought over
    with tenancy.acting_as(company, user):
        entry.reply_due = D(2025, 12, 31, 0, 0)
        with pytest.raises(DueComputed):
            db.session.commit()
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(ContactLog, entry.id).reply_due == D(2025, 9, 25, 17, 0)


def test_overdue_met_and_met_late(a):
    company, user, inside, _ = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0))  # due end of 09-27
    assert not is_overdue(entry, D(2025, 9, 27, 23, 59, 59))
    assert is_overdue(entry, D(2025, 9, 28, 0, 0))
    with frozen(D(2025, 9, 27, 18, 0)), tenancy.acting_as(company, user):
        transition(entry, "reply")
        db.session.commit()
    clock = clock_of(entry)
    assert (entry.state, entry.replied_at) == ("replied", D(2025, 9, 27, 18, 0))
    assert (clock.status, clock.met_at) == ("met", D(2025, 9, 27, 18, 0))
    assert not is_overdue(entry, D(2025, 10, 30))
    late = log_at(company, user, inside, D(2025, 9, 25, 10, 0))
    with frozen(D(2025, 9, 28, 8, 0)), tenancy.acting_as(company, user):
        transition(late, "reply")
        db.session.commit()
    assert clock_of(late).status == "late"


# --- the workflow -------------------------------------------------------------------

def test_reply_then_close_stamps_and_writes_the_history(a):
    company, user, inside, _ = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0))
    assert entry.state == "open"
    with frozen(D(2025, 9, 26, 9, 30)), tenancy.acting_as(company, user):
        transition(entry, "reply", comment="已电话答复：备件下周到货")
        db.session.commit()
        transition(entry, "close")
        db.session.commit()
    rows = (db.session.query(AuditEntry).filter_by(table_name="crm_contact_log", record_id=entry.id,
                                                   action="transition").order_by(AuditEntry.id).all())
    assert [(r.transition, r.changes["state"], r.comment, r.user_id) for r in rows] == [
        ("reply", ["open", "replied"], "已电话答复：备件下周到货", user.id),
        ("close", ["replied", "closed"], None, user.id)]
    assert rows[0].changes["replied_at"] == [None, "2025-09-26T09:30:00"]


def test_a_transition_is_refused_from_a_wrong_state_without_permission_or_comment(a, world):
    company, user, inside, _ = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0))
    with tenancy.acting_as(company, user):
        with pytest.raises(Conflict):
            transition(entry, "close")  # only a replied entry is closed; an open one needs a reason
        with pytest.raises(Invalid):
            transition(entry, "close_unanswered")  # comment required
        with pytest.raises(Invalid):
            transition(entry, "close_unanswered", comment="   ")
    with tenancy.acting_as(company, world.user("readonly@a.test")):
        with pytest.raises(Forbidden):
            transition(entry, "reply")
    db.session.rollback()
    assert db.session.get(ContactLog, entry.id).state == "open"
    assert not db.session.query(AuditEntry).filter_by(record_id=entry.id, action="transition").count()
    with tenancy.acting_as(company, user):
        transition(entry, "close_unanswered", comment="打错电话")
        db.session.commit()
    assert entry.state == "closed" and entry.replied_at is None
    assert clock_of(entry).status in ("met", "late")  # closed: the clock stops


def test_the_state_cannot_be_set_by_code_outside_a_transition(a):
    company, user, inside, _ = a
    entry = log_at(company, user, inside, D(2025, 9, 25, 10, 0))
    with tenancy.acting_as(company, user):
        entry.state = "closed"
        with pytest.raises(StateLocked):
            db.session.commit()
        db.session.rollback()
    assert db.session.get(ContactLog, entry.id).state == "open"


# --- the screens ----------------------------------------------------------------------

def test_logging_a_call_on_the_screen_counts_reply_due_and_ignores_a_forged_state(world, app, client_for):
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        cid = customer(company, user, "K1", "四川").id  # out of province for A
        b_staff = world.user("staff@b.test").id
    client = client_for("staff@a.test")
    form = client.get("/admin/crm/contactlog/new/").get_data(as_text=True)
    assert "staff A" in form and "staff B" not in form  # people of the current company only
    assert 'name="state"' not in form and 'name="reply_due"' not in form and 'name="number"' not in form
    response = client.post("/admin/crm/contactlog/new/", {
        "customer": str(cid), "channel": "phone", "direction": "in", "state": "closed",
        "reply_due": "2030-01-01 00:00:00", "occurred_at": "2025-09-30 15:00:00", "subject": "扶梯异响"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        entry = tenancy.scoped_query(ContactLog, world.company("A")).one()
        assert entry.state == "open"
        assert entry.reply_due == end(2025, 10, 4)  # 4 calendar days, see above
        eid, version = entry.id, entry.version
    # A forged state in the edit form changes nothing either.
    client.post(f"/admin/crm/contactlog/edit/?id={eid}", {
        "customer": str(cid), "channel": "phone", "direction": "in", "state": "closed",
        "occurred_at": "2025-09-30 15:00:00", "subject": "扶梯异响", "version": str(version)})
    with app.app_context():
        assert db.session.get(ContactLog, eid).state == "open"
    # a user of another company cannot be set as follow-up owner
    refused = client.post("/admin/crm/contactlog/new/", {
        "customer": str(cid), "channel": "phone", "direction": "in",
        "occurred_at": "2025-09-30 15:00:00", "subject": "越权", "follow_up_owner": str(b_staff)})
    assert refused.status_code in (200, 302)
    with app.app_context():
        owners = {e.follow_up_owner_id for e in tenancy.scoped_query(ContactLog, world.company("A"))}
        assert b_staff not in owners


def _fresh_and_overdue(app, world):
    from core.calendar.timezone import local_now
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        cust = customer(company, user, "K1", "浙江")
        late = log_at(company, user, cust, D(2025, 9, 25, 10, 0), subject="qoverdueentry").id
        fresh = log_at(company, user, cust, local_now(company), subject="qfreshentry").id
    return late, fresh


def test_overdue_entries_are_badged_filtered_and_counted_on_the_home_page(world, app, client_for):
    from admin.deadlines import DeadlineFilter
    from tests.factories import view_for
    _fresh_and_overdue(app, world)
    client = client_for("staff@a.test")
    page = client.get("/admin/crm/contactlog/").get_data(as_text=True)
    assert "qoverdueentry" in page and "qfreshentry" in page
    assert page.count("qdesk-overdue") == 1
    only = client.get("/admin/crm/contactlog/?overdue=crm.contactlog.reply").get_data(as_text=True)
    assert "qoverdueentry" in only and "qfreshentry" not in only
    view = view_for(app, "crm_contactlog")
    arg = next(f"flt1_{name}" for name, (_i, flt) in view._filter_args.items() if isinstance(flt, DeadlineFilter))
    assert "qfreshentry" not in client.get(f"/admin/crm/contactlog/?{arg}=overdue").get_data(as_text=True)
    page = client.get(f"/admin/crm/contactlog/?{arg}=open").get_data(as_text=True)
    assert "qoverdueentry" in page and "qfreshentry" in page
    home = client.get("/admin/").get_data(as_text=True)
    assert "Overdue contacts" in home and "?overdue=crm.contactlog.reply" in home
    readonly = client_for("readonly@a.test").get("/admin/").get_data(as_text=True)
    assert "Overdue contacts" in readonly  # readonly holds crm.contactlog.read by default


def test_reply_button_on_the_record_page_and_bulk_close(world, app, client_for):
    late, fresh = _fresh_and_overdue(app, world)
    client = client_for("staff@a.test")
    page = client.get(f"/admin/crm/contactlog/details/?id={late}").get_data(as_text=True)
    assert 'data-transition="reply"' in page and 'data-transition="close_unanswered"' in page
    assert 'data-transition="close"' not in page  # not from "open"
    with app.app_context():
        version = db.session.get(ContactLog, late).version
    done = client.post("/admin/crm/contactlog/transition/", {"id": str(late), "version": str(version),
                                                             "transition": "reply", "comment": "已答复"})
    assert done.status_code == 302
    history = client.get(f"/admin/crm/contactlog/details/?id={late}").get_data(as_text=True)
    assert "已答复" in history and 'data-transition="close"' in history
    with app.app_context():
        entry = db.session.get(ContactLog, late)
        assert entry.state == "replied" and entry.replied_at is not None
        assert clock_of(entry).status == "late"  # replied today, due in 2025
    # A stale page (old version) is refused: someone else acted first.
    stale = client.post("/admin/crm/contactlog/transition/", {"id": str(late), "version": str(version),
                                                              "transition": "close"})
    assert stale.status_code == 302
    with app.app_context():
        assert db.session.get(ContactLog, late).state == "replied"
    # Bulk close: the open entry cannot be closed (not replied) → nothing changes.
    client.post("/admin/crm/contactlog/action/", {"action": "transition_close", "rowid": [str(late), str(fresh)]})
    with app.app_context():
        assert {db.session.get(ContactLog, i).state for i in (late, fresh)} == {"replied", "open"}
    client.post("/admin/crm/contactlog/action/", {"action": "transition_close", "rowid": [str(late)]})
    with app.app_context():
        assert db.session.get(ContactLog, late).state == "closed"
    # Read-only users see no buttons and may not post the action.
    ro = client_for("readonly@a.test")
    assert 'data-transition="reply"' not in ro.get(f"/admin/crm/contactlog/details/?id={fresh}").get_data(as_text=True)
    assert ro.post("/admin/crm/contactlog/action/", {"action": "transition_reply",
                                                     "rowid": [str(fresh)]}).status_code == 403
    ro.post("/admin/crm/contactlog/transition/", {"id": str(fresh), "transition": "reply"})
    with app.app_context():
        assert db.session.get(ContactLog, fresh).state == "open"


def test_the_import_has_no_state_or_due_columns(world, app, client_for):
    from openpyxl import Workbook
    with app.app_context():
        customer(world.company("A"), world.user("staff@a.test"), "K1", "浙江")
    book = Workbook()
    book.active.append(["customer", "occurred_at", "subject", "state"])
    book.active.append(["K1", "2025-09-25 10:00", "来电", "closed"])
    data = io.BytesIO()
    book.save(data)
    client = client_for("staff@a.test")
    response = client.post("/admin/crm/contactlog/import/", data={"file": (io.BytesIO(data.getvalue()), "log.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    with app.app_context():
        assert tenancy.scoped_query(ContactLog, world.company("A")).count() == 0


def test_the_printed_register_reads_the_clocks_once_not_per_entry(a):
    """``{% if log is overdue %}`` on every row of 来电来函来访登记表: the clocks
    of the printed entries are read in one query, however many they are."""
    from sqlalchemy import event

    from core.printing import get_printable, render_html
    company, user, inside, _ = a
    logs = [log_at(company, user, inside, D(2025, 9, 25, 10, 0), subject=f"来电{i}") for i in range(12)]
    seen = []

    def count(conn, cursor, statement, *args):
        if "deadline_clocks" in statement:
            seen.append(statement)

    with tenancy.acting_as(company, user):
        printable = get_printable("crm.contact_register")
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for batch in (logs[:3], logs):
                seen.clear()
                html = render_html(printable, batch, company, user)[0]
                assert html.count("overdue") >= len(batch)  # every entry is past due (2025)
                assert len(seen) == 1, seen
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
