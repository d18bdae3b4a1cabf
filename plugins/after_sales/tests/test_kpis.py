"""The after-sales KPIs (T-AS-14 of shared/domain/after_sales.md), read
through core (``core.kpis.kpi_value``) for the company, a service centre
and an engineer. Expected values are the seed's arithmetic:

* Q1 2024, company A: 200 service requests received, 188 solved →
  问题解决率 188/200 = **94.00 %**; 150 of them solved at the first contact
  (never reopened) → FCR 150/200 = **75.00 %**. Split: 杭州服务中心 120
  received, 115 solved, 90 first time (95.83 %, 75.00 %); 宁波服务中心 80,
  73, 60 (91.25 %, 75.00 %); both are under 售后服务部 (94.00 %). The engineer
  刘洋 (杭州) has 40 orders, 38 solved (95.00 %). Of the 188 solved, 120
  are closed → 顾客反馈信息处理率 120/200 = 60.00 %.
* Q2 2024: 60 feedback items received, 57 handled (closed), 3 resolved but
  not yet called back → 顾客反馈信息处理率 57/60 = **95.00 %**; the 57 took
  10 h each from receipt to resolution, the 3 took 30 h → AHT
  (57 × 10 + 3 × 30) / 60 = **11.00 h**.
* Not counted: cancelled and archived orders, orders received the minute
  before or after the quarter (company-local days), company B's orders.
* 6 May 2024: a request at 09:00 answered at 15:30 → **6.5 h**, within the
  24 hours (on time); another answered on 8 May at 10:00 → 49 h, late →
  响应及时率 1/2 = 50.00 %, average response (6.5 + 49) / 2 = 27.75 h.
"""
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert

from core import db
from core.kpis import KpiUnavailable, kpi_value
from core.org import Department, Employee
from tests.factories import disable_with_dependents
from core.records import tenancy

from ..models import WorkOrder
from .helpers import add_customer

D, T = dt.date, dt.datetime
Q1, Q2, MAY = (D(2024, 1, 1), D(2024, 3, 31)), (D(2024, 4, 1), D(2024, 6, 30)), (D(2024, 5, 1), D(2024, 5, 31))


def _org(world):
    company = world.company("A")
    with tenancy.acting_as(company, world.user("admin@a.test")):
        head = Department(code="SH", name="售后服务部")
        hz = Department(code="HZ", name="杭州服务中心", parent=head)
        nb = Department(code="NB", name="宁波服务中心", parent=head)
        liu = Employee(number="A013", name="刘洋", department=hz, user=world.user("staff@a.test"))
        wang = Employee(number="A014", name="王强", department=hz)
        db.session.add_all([head, hz, nb, liu, wang])
        db.session.commit()
        return {k: v.id for k, v in dict(head=head, hz=hz, nb=nb, liu=liu, wang=wang).items()}


def _orders(company, customer_id, received, n, state, *, reopened=False, department=None, responsible=None,
            handling_hours=None, **extra):
    """``n`` orders received at ``received`` (company-local) in ``state``."""
    rows = []
    for i in range(n):
        row = dict(company_id=company.id, version=1, customer_id=customer_id, subject=f"报修{i}",
                   received_at=received, state=state, department_id=department, responsible_id=responsible,
                   reopened_at=received + dt.timedelta(hours=5) if reopened else None, **extra)
        if state in ("resolved", "callback_done", "closed"):
            row["resolved_at"] = received + dt.timedelta(hours=handling_hours or 8)
        rows.append(row)
    if rows:
        db.session.execute(insert(WorkOrder.__table__), rows)


def _group(company, cid, received, solved_states, first_time, open_n, **org):
    """Orders of one group: the solved ones (``(state, n)`` pairs) of which
    the first ``first_time`` were never reopened, then ``open_n`` open ones."""
    left = first_time
    for state, n in solved_states:
        fresh = min(left, n)
        left -= fresh
        _orders(company, cid, received, fresh, state, **org)
        _orders(company, cid, received, n - fresh, state, reopened=True, **org)
    _orders(company, cid, received, open_n, "in_progress", **org)


@pytest.fixture
def seeded(app, world):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    b_cid = add_customer(app, world, "KB001", company="B", name="锦江宾馆")
    with app.app_context():
        org = _org(world)
        a, b = world.company("A"), world.company("B")
        feb = T(2024, 2, 12, 10, 0)
        # 杭州: 刘洋 40 (38 solved: 30 closed, 8 called back; 30 first time), 王强 80 (77 solved: 50 closed,
        # 20 called back, 7 resolved; 60 first time) → 120, 115, 90.
        _group(a, cid, feb, [("closed", 30), ("callback_done", 8)], 30, 2, department=org["hz"],
               responsible=org["liu"])
        _group(a, cid, feb, [("closed", 50), ("callback_done", 20), ("resolved", 7)], 60, 3, department=org["hz"],
               responsible=org["wang"])
        # 宁波: 80 received, 73 solved (40 closed, 12 called back, 21 resolved), 60 first time.
        _group(a, cid, T(2024, 3, 31, 23, 59), [("closed", 40), ("callback_done", 12), ("resolved", 21)], 60, 7,
               department=org["nb"])
        # Not counted in Q1: cancelled, archived, received a minute before or after the quarter.
        _orders(a, cid, feb, 5, "cancelled", department=org["hz"])
        _orders(a, cid, feb, 4, "closed", department=org["hz"], archived_at=T(2024, 3, 1))
        _orders(a, cid, T(2023, 12, 31, 23, 59), 3, "in_progress", department=org["nb"])
        # Q2: 60 received from 1 April 00:00, 57 closed (10 h each), 3 resolved (30 h each).
        _orders(a, cid, T(2024, 4, 1, 0, 0), 57, "closed", department=org["nb"], handling_hours=10)
        _orders(a, cid, T(2024, 5, 20, 14, 0), 3, "resolved", department=org["nb"], handling_hours=30)
        # Company B: 50 open orders in Q1, 10 closed in Q2.
        _orders(b, b_cid, feb, 50, "in_progress")
        _orders(b, b_cid, T(2024, 4, 2, 9, 0), 10, "closed", handling_hours=100)
        db.session.commit()
        yield org


def _kpi(key, period, subject=None, company="A"):
    with tenancy.acting_as(company_of(company), None):
        return kpi_value(key, company_of(company), *period, subject=subject)


def company_of(code):
    from core.models import Company
    return db.session.query(Company).filter_by(code=code).one()


def test_t_as_14_resolution_and_first_contact_rates(app, seeded):
    with app.app_context():
        assert _kpi("after_sales.resolution_rate", Q1) == Decimal("94.00")
        assert _kpi("after_sales.first_contact_resolution_rate", Q1) == Decimal("75.00")
        assert _kpi("after_sales.feedback_handling_rate", Q1) == Decimal("60.00")  # 120 closed of 200
        # Another company's orders never count: B's own figures.
        assert _kpi("after_sales.resolution_rate", Q1, company="B") == Decimal("0.00")
        assert _kpi("after_sales.feedback_handling_rate", Q2, company="B") == Decimal("100.00")
        # No orders received: nothing to measure, not zero.
        assert _kpi("after_sales.resolution_rate", (D(2025, 1, 1), D(2025, 3, 31))) is None


def test_t_as_14_feedback_handling_rate_and_handling_time(app, seeded):
    with app.app_context():
        assert _kpi("after_sales.feedback_handling_rate", Q2) == Decimal("95.00")   # 57/60
        assert _kpi("after_sales.resolution_rate", Q2) == Decimal("100.00")
        assert _kpi("after_sales.average_handling_hours", Q2) == Decimal("11.00")   # (57·10 + 3·30)/60
        assert _kpi("after_sales.average_handling_hours", Q2, company="B") == Decimal("100.00")
        # Q1's solved orders took 8 h each; the open ones do not count for AHT.
        assert _kpi("after_sales.average_handling_hours", Q1) == Decimal("8.00")
        # The year: 260 received (200 + 60), 248 solved (188 + 60).
        year = (D(2024, 1, 1), D(2024, 12, 31))
        assert _kpi("after_sales.resolution_rate", year) == Decimal("95.38")       # 248/260
        assert _kpi("after_sales.feedback_handling_rate", year) == Decimal("68.08")  # 177/260


def test_per_service_centre_and_engineer(app, seeded):
    with app.app_context():
        dept = lambda key: db.session.get(Department, seeded[key])  # noqa: E731
        person = lambda key: db.session.get(Employee, seeded[key])  # noqa: E731
        rate, fcr = "after_sales.resolution_rate", "after_sales.first_contact_resolution_rate"
        assert _kpi(rate, Q1, dept("hz")) == Decimal("95.83")      # 115/120
        assert _kpi(fcr, Q1, dept("hz")) == Decimal("75.00")       # 90/120
        assert _kpi(rate, Q1, dept("nb")) == Decimal("91.25")      # 73/80
        assert _kpi(fcr, Q1, dept("nb")) == Decimal("75.00")       # 60/80
        assert _kpi(rate, Q1, dept("head")) == Decimal("94.00")    # both centres are under 售后服务部
        assert _kpi(rate, Q1, person("liu")) == Decimal("95.00")   # 38/40
        assert _kpi(fcr, Q1, person("liu")) == Decimal("75.00")    # 30/40
        assert _kpi("after_sales.feedback_handling_rate", Q1, person("liu")) == Decimal("75.00")  # 30/40
        assert _kpi("after_sales.feedback_handling_rate", Q2, dept("hz")) is None  # no orders in Q2
        with pytest.raises(ValueError, match="not of company 'B'"):
            _kpi(rate, Q1, dept("hz"), company="B")


def _answered(company, cid, received, responded, responsible=None):
    """An order recorded through the ORM (core counts its clocks), classified
    with its first response typed in."""
    order = WorkOrder(customer_id=cid, subject="空调不制冷", received_at=received, responded_at=responded,
                      state="classified", responsible_id=responsible)
    db.session.add(order)
    return order


def test_t_as_14_response_time_and_core_on_time_rate(app, world):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    with app.app_context():
        org = _org(world)
        company = world.company("A")
        with tenancy.acting_as(company, world.user("staff@a.test")):
            on_time = _answered(company, cid, T(2024, 5, 6, 9, 0), T(2024, 5, 6, 15, 30), org["liu"])
            late = _answered(company, cid, T(2024, 5, 6, 9, 0), T(2024, 5, 8, 10, 0), org["wang"])
            db.session.commit()
            assert on_time.response_due == T(2024, 5, 7, 9, 0) == late.response_due  # 24 calendar hours
        key = "after_sales.workorder.response.on_time"  # core's, from the response deadline's clocks
        assert _kpi(key, MAY) == Decimal("50.00")
        assert _kpi(key, MAY, db.session.get(Employee, org["liu"])) == Decimal("100.00")  # 6.5 h ≤ 24 h
        assert _kpi(key, MAY, db.session.get(Employee, org["wang"])) == Decimal("0.00")   # 49 h > 24 h
        assert _kpi(key, MAY, db.session.get(Department, org["hz"])) is None  # no order of that centre
        hours = "after_sales.average_response_hours"
        assert _kpi(hours, MAY, db.session.get(Employee, org["liu"])) == Decimal("6.50")
        assert _kpi(hours, MAY) == Decimal("27.75")  # (6.5 + 49) / 2


def test_kpis_are_gone_where_the_module_is_disabled(app, seeded, world):
    with app.app_context():
        company = world.company("A")
        disable_with_dependents(company, "after_sales", world.user("admin@a.test"))
        for key in ("after_sales.resolution_rate", "after_sales.feedback_handling_rate",
                    "after_sales.workorder.response.on_time", "after_sales.report.due.on_time"):
            with pytest.raises(KpiUnavailable):
                kpi_value(key, company, *Q1)
        assert _kpi("after_sales.resolution_rate", Q1, company="B") == Decimal("0.00")  # still there for B


def test_service_reports_on_time_per_service_centre_and_engineer(app, world):
    # Returned to the factory on Mon 6 May 2024 at 10:00: the report is due
    # within two calendar days, the day of return not counted (D-2): by the
    # end of Wed 8 May. 刘洋 (杭州) hands his in on 8 May at 17:00 (on time),
    # the 宁波 engineer's comes on 10 May (late). A report counts for its work
    # order's service centre and engineer.
    from ..models import ServiceReport
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    with app.app_context():
        org = _org(world)
        company = world.company("A")
        with tenancy.acting_as(company, world.user("staff@a.test")):
            nb_engineer = Employee(number="A020", name="陈晨", department_id=org["nb"])
            db.session.add(nb_engineer)
            db.session.flush()
            returned = T(2024, 5, 6, 10, 0)
            for centre, engineer, submitted in ((org["hz"], org["liu"], T(2024, 5, 8, 17, 0)),
                                                (org["nb"], nb_engineer.id, T(2024, 5, 10, 9, 0))):
                order = WorkOrder(customer_id=cid, subject="空调不制冷", received_at=T(2024, 5, 2, 9, 0),
                                  state="in_progress", department_id=centre, responsible_id=engineer)
                db.session.add(ServiceReport(work_order=order, engineer_id=engineer, returned_at=returned,
                                             submitted_at=submitted, state="submitted"))
            db.session.commit()
            assert {r.report_due for r in db.session.query(ServiceReport)} == {T(2024, 5, 8, 23, 59, 59)}
        key = "after_sales.report.due.on_time"
        assert _kpi(key, MAY) == Decimal("50.00")
        assert _kpi(key, MAY, db.session.get(Department, org["hz"])) == Decimal("100.00")
        assert _kpi(key, MAY, db.session.get(Department, org["nb"])) == Decimal("0.00")
        assert _kpi(key, MAY, db.session.get(Department, org["head"])) == Decimal("50.00")  # both centres
        assert _kpi(key, MAY, db.session.get(Employee, org["liu"])) == Decimal("100.00")
        assert _kpi(key, MAY, db.session.get(Employee, org["wang"])) is None  # none of his orders
