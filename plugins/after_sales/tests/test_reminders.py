"""The after-sales deadline reminders sent through core (the job
``core.deadlines_check``), on the company's clock (Asia/Shanghai):

* a work order's resolution (in-province: 2 calendar days, the day of
  receipt not counted) warns its engineer (the order's responsible
  employee) and the head of its service centre from a day before its due
  moment, and tells them again once it is breached, each once;
* its response (24 hours) warns them 4 hours before;
* a service report (due 2 calendar days after the engineer's return to the
  factory, AS-17 / T-AS-8) warns and then tells its engineer.

Moments are chosen at 00:30 Shanghai time, which is still the day before in
UTC: a check reading UTC would send nothing then.

Orders of the seeds' kind: received Mon 2024-03-04 09:00 from 西湖国宾馆
(浙江, the company's province) → response due Tue 03-05 09:00, resolution
due at the end of Wed 03-06 (03-05, 03-06), warned from Tue 03-05 23:59:59.
An engineer back Thu 2024-03-07 17:00 → report due at the end of Sat 03-09
(03-08, 03-09), warned from Fri 03-08 23:59:59."""
from __future__ import annotations

import datetime as dt

from core import db
from core.jobs import run_jobs
from core.notify import Notification
from core.records import tenancy
from core.workflow import transition
from tests.fixtures import frozen

from ..models import ServiceReport, WorkOrder
from .helpers import add_customer
from .report_helpers import job

T = dt.datetime
RESOLUTION = "after_sales.workorder.resolution"
RESPONSE = "after_sales.workorder.response"
REPORT = "after_sales.report.due"


def check(app, world, when, company="A"):
    """The deadline job run at ``when`` (Shanghai time)."""
    with frozen(when), app.app_context():
        results = run_jobs(["core.deadlines_check"], [world.company(company)])
        assert results and all(r.ok for r in results), results


def told(app, key, record_id, what) -> list[str]:
    """Who got the reminder ``what`` (due_soon, breached) of deadline ``key``
    on the record, one entry per notification."""
    with app.app_context():
        rows = db.session.query(Notification).filter_by(dedupe_key=f"deadline:{key}:{record_id}:{what}").all()
        return sorted(r.recipient.email for r in rows)


def centre_with_an_order(app, world):
    """售后服务中心 headed by 王芳 (manager@a), its engineer 刘洋 (staff@a), and
    an order of 西湖国宾馆 received Mon 2024-03-04 09:00, recorded by the
    hotline clerk (admin@a) and given to 刘洋: its id."""
    from core.org import Department, Employee
    customer = add_customer(app, world, "AKH01", name="西湖国宾馆", province="浙江")
    with frozen(T(2024, 3, 4, 9, 10)), app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            head = Employee(number="A012", name="王芳", user=world.user("manager@a.test"))
            centre = Department(code="FW", name="售后服务中心", head=head)
            engineer = Employee(number="A013", name="刘洋", department=centre, user=world.user("staff@a.test"))
            db.session.add_all([head, centre, engineer])
            db.session.flush()
            head.department = centre
            order = WorkOrder(customer_id=customer, subject="三号机组不制冷", received_at=T(2024, 3, 4, 9, 0),
                              department=centre, responsible=engineer)
            db.session.add(order)
            db.session.commit()
            assert (order.response_due, order.resolution_due) == (T(2024, 3, 5, 9, 0), T(2024, 3, 6, 23, 59, 59))
            return order.id


EVERYONE = ["admin@a.test", "manager@a.test", "staff@a.test"]  # the clerk who recorded it, the head, the engineer


def test_the_resolution_due_soon_warns_the_engineer_and_the_centre_head_from_a_day_before(app, world, client_for):
    oid = centre_with_an_order(app, world)
    check(app, world, T(2024, 3, 5, 23, 30))  # more than a day before the end of 03-06
    assert told(app, RESOLUTION, oid, "due_soon") == []
    check(app, world, T(2024, 3, 6, 0, 30))  # its last day (UTC: still 03-05 16:30)
    assert told(app, RESOLUTION, oid, "due_soon") == EVERYONE
    check(app, world, T(2024, 3, 6, 15, 0))  # the next run: nobody is told twice
    assert told(app, RESOLUTION, oid, "due_soon") == EVERYONE
    assert told(app, RESOLUTION, oid, "breached") == []  # not yet past due
    # The engineer reads it in the inbox, with the due moment in company time.
    inbox = client_for("staff@a.test").get("/admin/inbox/").get_data(as_text=True)
    with app.app_context():
        number = db.session.get(WorkOrder, oid).number
    assert f"Due soon: Work order resolution ({number})" in inbox, inbox[-3000:]
    assert "2024-03-06 23:59" in inbox, inbox[-3000:]


def test_a_breached_resolution_tells_the_engineer_and_the_centre_head_once(app, world, client_for):
    oid = centre_with_an_order(app, world)
    check(app, world, T(2024, 3, 6, 23, 30))  # the last day is not over
    assert told(app, RESOLUTION, oid, "breached") == []
    check(app, world, T(2024, 3, 7, 0, 30))  # 03-07 in Shanghai (UTC: still 03-06 16:30)
    assert told(app, RESOLUTION, oid, "breached") == EVERYONE
    check(app, world, T(2024, 3, 8, 9, 0))
    assert told(app, RESOLUTION, oid, "breached") == EVERYONE  # once each
    with app.app_context():
        number = db.session.get(WorkOrder, oid).number
    inbox = client_for("manager@a.test").get("/admin/inbox/").get_data(as_text=True)
    assert f"Overdue: Work order resolution ({number})" in inbox


def test_an_order_given_to_another_engineer_warns_the_new_one(app, world):
    """The reminder follows the order: the engineer at the moment of the
    check is told, not the one it was first given to."""
    from core.org import Department, Employee
    oid = centre_with_an_order(app, world)
    with frozen(T(2024, 3, 5, 10, 0)), app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            centre = tenancy.scoped_query(Department).filter_by(code="FW").one()
            other = Employee(number="A021", name="张伟", department=centre, user=world.user("readonly@a.test"))
            db.session.add(other)
            db.session.flush()
            db.session.get(WorkOrder, oid).responsible = other
            db.session.commit()
    check(app, world, T(2024, 3, 6, 0, 30))
    assert told(app, RESOLUTION, oid, "due_soon") == ["admin@a.test", "manager@a.test", "readonly@a.test"]


def test_the_response_warns_four_hours_before_its_24_hours_are_up(app, world):
    oid = centre_with_an_order(app, world)  # response due Tue 03-05 09:00
    check(app, world, T(2024, 3, 5, 4, 30))
    assert told(app, RESPONSE, oid, "due_soon") == []
    check(app, world, T(2024, 3, 5, 5, 30))
    assert told(app, RESPONSE, oid, "due_soon") == EVERYONE
    check(app, world, T(2024, 3, 5, 9, 30))
    assert told(app, RESPONSE, oid, "breached") == EVERYONE


def test_an_order_waiting_for_the_customer_sends_no_reminder(app, world):
    """Waiting for the customer stops the resolution clock: neither the
    warning nor the breach comes while the order waits."""
    from ..categories import by_code
    oid = centre_with_an_order(app, world)
    with frozen(T(2024, 3, 4, 10, 0)), app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            order = db.session.get(WorkOrder, oid)
            order.category, order.repair_task = by_code("repair"), "检查压缩机启动电容"
            transition(order, "classify")
            transition(order, "dispatch")
            transition(order, "wait", "顾客要求下周上门")
            db.session.commit()
            assert order.state == "waiting"
    for when in (T(2024, 3, 6, 0, 30), T(2024, 3, 7, 0, 30), T(2024, 3, 8, 9, 0)):
        check(app, world, when)
    assert told(app, RESOLUTION, oid, "due_soon") == told(app, RESOLUTION, oid, "breached") == []
    assert told(app, RESPONSE, oid, "breached") == []  # answered when classified, on 03-04


# --- the service report ------------------------------------------------------------

def report_back_on_thursday(app, world, **fields):
    """A report on a job for 西湖制冷, written up by the clerk (admin@a) for
    the engineer 刘洋 (staff@a), back at the factory Thu 2024-03-07 17:00."""
    from core.org import Employee
    j = job(app, world)
    with frozen(T(2024, 3, 8, 9, 0)), app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            engineer = Employee(number="A013", name="刘洋", user=world.user("staff@a.test"))
            report = ServiceReport(work_order_id=j["order"], engineer=engineer, returned_at=T(2024, 3, 7, 17, 0),
                                   verified_fault="室外风机电容鼓包", work_done="更换风机电容，试机正常", **fields)
            db.session.add_all([engineer, report])
            db.session.commit()
            assert report.report_due == T(2024, 3, 9, 23, 59, 59)  # the end of Sat 03-09
            return report.id


def test_the_service_report_due_warns_its_engineer_then_tells_them_it_is_late(app, world):
    pk = report_back_on_thursday(app, world)
    check(app, world, T(2024, 3, 8, 23, 30))  # more than a day before the end of 03-09
    assert told(app, REPORT, pk, "due_soon") == []
    check(app, world, T(2024, 3, 9, 0, 30))  # its last day (UTC: still 03-08)
    # The engineer named on the report (Deadline notify=("engineer",)), with the clerk who wrote it up.
    assert told(app, REPORT, pk, "due_soon") == ["admin@a.test", "staff@a.test"]
    check(app, world, T(2024, 3, 9, 23, 30))
    assert told(app, REPORT, pk, "breached") == []
    check(app, world, T(2024, 3, 10, 0, 30))  # Sunday in Shanghai: not handed in
    assert told(app, REPORT, pk, "breached") == ["admin@a.test", "staff@a.test"]
    check(app, world, T(2024, 3, 11, 9, 0))
    assert told(app, REPORT, pk, "due_soon") == told(app, REPORT, pk, "breached") == ["admin@a.test", "staff@a.test"]


def test_a_report_handed_in_on_saturday_is_never_reported_late(app, world):
    pk = report_back_on_thursday(app, world)
    with frozen(T(2024, 3, 9, 20, 0)), app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            transition(db.session.get(ServiceReport, pk), "submit")
            db.session.commit()
    check(app, world, T(2024, 3, 10, 0, 30))
    check(app, world, T(2024, 3, 12, 9, 0))
    assert told(app, REPORT, pk, "breached") == []
    with app.app_context():
        assert db.session.get(ServiceReport, pk).state == "submitted"
