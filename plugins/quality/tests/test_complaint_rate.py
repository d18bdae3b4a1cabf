"""客户投诉率 (KPI ``quality.complaint_rate``, T-AS-14 of
shared/domain/after_sales.md §1.4: "6 complaints / 200 requests → 客户投诉率
3.0 %"), read the way the appraisal and the quarterly report read it,
through ``core.kpis.kpi_value``. What a quality manager relies on:

* Q2 2024 (company-local days 2024-04-01 … 2024-06-30, Asia/Shanghai) of
  company A: 200 work orders received (杭州服务中心 120, of them 40 given to
  the engineer 刘洋; 宁波服务中心 80) and 6 complaints received (in the
  states 已接收, 已受理 and 已办结) → 6 / 200 = **3.00 %** (D-5: 2 places).
* Not counted, as the KPI's docstring says: work orders cancelled or
  archived, complaints archived or 不予受理 ("Not accepted"), orders and
  complaints received the minute before or after the quarter, and company
  B's (B has its own 3 / 50 = 6.00 %). Were the 5 cancelled and 3 archived
  orders counted the rate would be 6 / 208 = 2.88 %; were the 不予受理 and
  archived complaints counted, 8 / 200 = 4.00 %.
* A quarter with complaints but no work order gives no rate (None), not a
  division by zero and not 0 %.
* D-5 rounding half up: 1 complaint / 32 orders = 3.125 % → **3.13** (half
  even would print 3.12).
* Per department and per employee (the KPI's subjects): the complaints the
  department (with those under it) or person was found liable for (责任部门 /
  责任人) ÷ the orders that service centre received or that engineer was
  given. 杭州服务中心 was found liable for 3 of the 6 → 3 / 120 = **2.50 %**;
  宁波服务中心 for 1 → 1 / 80 = **1.25 %**; 售后服务部 above both → 4 / 200 =
  **2.00 %**; 刘洋 for 2 → 2 / 40 = **5.00 %**. The 2 complaints nobody was
  found liable for yet count for the company only.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import insert

from core import db
from core.kpis import kpi_value
from core.org import Department, Employee
from core.records import tenancy
from plugins.after_sales.models import WorkOrder
from plugins.after_sales.tests.helpers import add_customer

from ..models.complaints import Complaint

T = dt.datetime
Q2 = (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
Q3 = (dt.date(2024, 7, 1), dt.date(2024, 9, 30))
Q4 = (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
KEY = "quality.complaint_rate"


def _org(world, code="A"):
    """售后服务部 with 杭州服务中心 (刘洋, the staff login; 王强) and 宁波服务中心 under it."""
    low = code.lower()
    with tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        head = Department(code="SH", name="售后服务部")
        hz = Department(code="HZ", name="杭州服务中心", parent=head)
        nb = Department(code="NB", name="宁波服务中心", parent=head)
        liu = Employee(number=f"{code}013", name="刘洋", department=hz, user=world.user(f"staff@{low}.test"))
        wang = Employee(number=f"{code}014", name="王强", department=hz)
        db.session.add_all([head, hz, nb, liu, wang])
        db.session.commit()
        return {k: v.id for k, v in {"head": head, "hz": hz, "nb": nb, "liu": liu, "wang": wang}.items()}


def _orders(company, customer_id, moments, state="closed", department=None, responsible=None, **extra):
    """One work order per company-local moment of ``moments``, in one insert."""
    rows = [dict(company_id=company.id, version=1, customer_id=customer_id, subject=f"报修{i}", received_at=when,
                 state=state, department_id=department, responsible_id=responsible, **extra)
            for i, when in enumerate(moments)]
    db.session.execute(insert(WorkOrder.__table__), rows)


def _spread(start: dt.datetime, n: int, step: dt.timedelta = dt.timedelta(hours=11)) -> list[dt.datetime]:
    return [start + i * step for i in range(n)]


def _complaint(world, code, received_at, state="received", archived=False, department=None, person=None):
    low = code.lower()
    with tenancy.acting_as(world.company(code), world.user(f"staff@{low}.test")):
        complaint = Complaint(received_at=received_at, source="phone", category="service", severity="general",
                              evidence="none", compensation="none", description="维修人员未按约定时间上门",
                              state=state, liable_department_id=department, liable_person_id=person,
                              archived_at=T(2024, 6, 1, 12, 0) if archived else None)
        db.session.add(complaint)
        db.session.commit()
        return complaint.id


@pytest.fixture
def quarter(app, world):
    """The data of the module docstring; the org's ids."""
    customer = add_customer(app, world, "KH001", name="西湖国宾馆")
    other = add_customer(app, world, "KB001", company="B", name="锦江宾馆")
    with app.app_context():
        org = _org(world)
        a, b = world.company("A"), world.company("B")
        with tenancy.acting_as(a, world.user("admin@a.test")):
            # 杭州服务中心: 40 orders of 刘洋 (the first at 00:00 on the quarter's first day), 80 of 王强.
            _orders(a, customer, [T(2024, 4, 1, 0, 0)] + _spread(T(2024, 4, 2, 9, 0), 39),
                    department=org["hz"], responsible=org["liu"])
            _orders(a, customer, _spread(T(2024, 4, 10, 8, 30), 80), state="in_progress",
                    department=org["hz"], responsible=org["wang"])
            # 宁波服务中心: 80, the last at 23:59 on the quarter's last day.
            _orders(a, customer, _spread(T(2024, 5, 1, 9, 0), 79) + [T(2024, 6, 30, 23, 59)], state="resolved",
                    department=org["nb"])
            # Not counted: cancelled, archived, a minute before and at the first minute after the quarter.
            _orders(a, customer, _spread(T(2024, 5, 6, 10, 0), 5), state="cancelled", department=org["hz"])
            _orders(a, customer, _spread(T(2024, 5, 7, 10, 0), 3), department=org["nb"],
                    archived_at=T(2024, 6, 20, 9, 0))
            _orders(a, customer, [T(2024, 3, 31, 23, 59)] * 4, department=org["hz"], responsible=org["liu"])
            _orders(a, customer, [T(2024, 7, 1, 0, 0)] * 4, department=org["nb"])
        with tenancy.acting_as(b, world.user("admin@b.test")):
            _orders(b, other, _spread(T(2024, 4, 8, 9, 0), 50))
        db.session.commit()
        # Company A's 6 complaints of Q2: 杭州 liable for 3 (刘洋 for 2), 宁波 for 1, 2 not assigned yet.
        _complaint(world, "A", T(2024, 4, 1, 0, 0), "closed", department=org["hz"], person=org["liu"])
        _complaint(world, "A", T(2024, 4, 18, 14, 0), "accepted", department=org["hz"], person=org["liu"])
        _complaint(world, "A", T(2024, 5, 9, 10, 0), "closed", department=org["hz"], person=org["wang"])
        _complaint(world, "A", T(2024, 5, 22, 16, 0), "accepted", department=org["nb"])
        _complaint(world, "A", T(2024, 6, 12, 9, 0), "received")
        _complaint(world, "A", T(2024, 6, 30, 23, 59), "received")
        # Not counted: 不予受理, archived, the minute before and the first minute after the quarter.
        _complaint(world, "A", T(2024, 5, 10, 11, 0), "rejected", department=org["hz"], person=org["liu"])
        _complaint(world, "A", T(2024, 5, 11, 11, 0), "closed", archived=True, department=org["hz"],
                   person=org["liu"])
        _complaint(world, "A", T(2024, 3, 31, 23, 59), "closed", department=org["hz"], person=org["liu"])
        _complaint(world, "A", T(2024, 7, 1, 0, 0), "received", department=org["nb"])
        # Company B: 3 complaints in Q2.
        for day in (5, 6, 7):
            _complaint(world, "B", T(2024, 5, day, 10, 0))
        yield org


def _kpi(world, period, subject=None, code="A"):
    company = world.company(code)
    with tenancy.acting_as(company, world.user(f"manager@{code.lower()}.test")):
        return kpi_value(KEY, company, *period, subject=subject)


def test_t_as_14_six_complaints_over_two_hundred_orders_is_three_percent(app, world, quarter):
    with app.app_context():
        value = _kpi(world, Q2)
        assert value == Decimal("3.00")
        assert isinstance(value, Decimal) and value.as_tuple().exponent == -2  # shown with 2 places (D-5)
        # Company B reads its own orders and complaints only: 3 / 50.
        assert _kpi(world, Q2, code="B") == Decimal("6.00")


def test_a_month_counts_its_own_days_only(app, world, quarter):
    """April 2024: 刘洋's 40 orders (00:00 on 04-01, then 39 from 04-02
    09:00 every 11 h, the last 04-02 09:00 + 38 × 11 h = 04-19 19:00) and
    those of 王强's received in April (from 04-10 08:30 every 11 h: the 46th,
    + 45 × 11 h, at 04-30 23:30; the 47th on 05-01 10:30): 86 orders; 2
    complaints (04-01 00:00 and 04-18) → 2 / 86 = 2.3256 % → 2.33."""
    with app.app_context():
        assert _kpi(world, (dt.date(2024, 4, 1), dt.date(2024, 4, 30))) == Decimal("2.33")


def test_a_quarter_without_work_orders_has_no_rate(app, world, quarter):
    """Q3 2024: the complaint of 07-01 00:00 and no order counted (the 4
    orders of 07-01 00:00 were moved out below) → no data, not 0 % and not
    a division by zero."""
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            db.session.execute(WorkOrder.__table__.update().where(
                WorkOrder.company_id == world.ids["A"], WorkOrder.received_at >= T(2024, 7, 1))
                .values(state="cancelled"))
            db.session.commit()
        assert _kpi(world, Q3) is None
        assert _kpi(world, Q4) is None  # nothing at all
        # Positive control: the cancelled ones made the difference.
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            db.session.execute(WorkOrder.__table__.update().where(
                WorkOrder.company_id == world.ids["A"], WorkOrder.received_at >= T(2024, 7, 1))
                .values(state="closed"))
            db.session.commit()
        assert _kpi(world, Q3) == Decimal("25.00")  # 1 / 4


def test_d_5_the_rate_is_rounded_half_up(app, world):
    """Q4 2024: 32 orders, 1 complaint → 3.125 % printed 3.13."""
    customer = add_customer(app, world, "KH002", name="杭州大厦")
    with app.app_context():
        a = world.company("A")
        with tenancy.acting_as(a, world.user("admin@a.test")):
            _orders(a, customer, _spread(T(2024, 10, 8, 9, 0), 32))
            db.session.commit()
        _complaint(world, "A", T(2024, 11, 5, 10, 0))
        assert _kpi(world, Q4) == Decimal("3.13")


def test_per_department_and_employee_the_complaints_found_liable_over_their_orders(app, world, quarter):
    with app.app_context():
        hz, nb, head = (db.session.get(Department, quarter[k]) for k in ("hz", "nb", "head"))
        liu, wang = (db.session.get(Employee, quarter[k]) for k in ("liu", "wang"))
        assert _kpi(world, Q2, hz) == Decimal("2.50")      # 3 / 120
        assert _kpi(world, Q2, nb) == Decimal("1.25")      # 1 / 80
        assert _kpi(world, Q2, head) == Decimal("2.00")    # (3 + 1) / (120 + 80), the centres under it
        assert _kpi(world, Q2, liu) == Decimal("5.00")     # 2 / 40
        assert _kpi(world, Q2, wang) == Decimal("1.25")    # 1 / 80
