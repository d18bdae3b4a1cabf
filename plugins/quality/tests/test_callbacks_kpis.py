"""The callback chain's KPIs (plugins/quality/callbacks_kpis.py) through
core.kpis, worked out by hand, November 2026, company A:

* 售后服务部 (its outlet 杭州网点): 10 orders due; 8 called (6 satisfied, 1
  dissatisfied, 1 fake), 2 not yet → 回访率 8/10 = 80.00 %, 假单数 1.
* 宁波中心: 5 due, 5 satisfied → 100.00 %; the company: 13/15 = 86.67 %.
* 宁波中心's 60 % sample (a setting): ceil(5 × 0.6) = 3 records, 2
  satisfied and 1 dissatisfied → 抽访满意率 2/3 = 66.67 %.
* Its re-sample of 2 (a count, a setting): one outcome as in the sample,
  one not → 复抽一致率 1/2 = 50.00 %.
* Not counted: company B's run; an October run counts in October and Q4.
"""
import datetime as dt
from decimal import Decimal

from core import db
from core.kpis import kpi_value
from core.org import Department
from core.records import tenancy
from core.settings import set_settings

from .callbacks_helpers import add_orders, create_run, fire, lines_of, set_outcomes, setup_org

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
Q4 = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _kpi(app, world, key, period, subject=None, code="A"):
    with app.app_context():
        company = world.company(code)
        with tenancy.acting_as(company, None):
            dept = db.session.get(Department, subject) if subject else None
            return kpi_value(key, company, *period, subject=dept)


def _kpi_of(app, world, key, period, employee, code="A"):
    from core.org import Employee
    with app.app_context():
        company = world.company(code)
        with tenancy.acting_as(company, None):
            return kpi_value(key, company, *period, subject=db.session.get(Employee, employee))


def _outcomes(app, run, outcomes):
    set_outcomes(app, run, {pk: o for (pk, _w, _x), o in zip(lines_of(app, run), outcomes)})


def test_callback_kpis_by_hand(app, world, client_for):
    org = setup_org(app, world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        nb = Department(code="NB", name="宁波中心")
        db.session.add(nb)
        db.session.commit()
        nb_id = nb.id
        set_settings({"quality.callback_sample_percent": "60", "quality.callback_resample_mode": "count",
                      "quality.callback_resample_value": "2"}, world.company("A"), world.user("admin@a.test"))
        db.session.commit()
    add_orders(app, world, org, 10)
    add_orders(app, world, org, 5, start=100, department_id=nb_id, responsible_id=None)
    add_orders(app, world, org, 4, start=200, called=dt.datetime(2026, 10, 20, 10, 0))
    staff = client_for("staff@a.test")
    hz = create_run(staff, department=org["centre"])
    fire(staff, hz, "generate")
    _outcomes(app, hz, ["satisfied"] * 6 + ["dissatisfied", "fake"])
    ningbo = create_run(staff, department=nb_id)
    fire(staff, ningbo, "generate")
    _outcomes(app, ningbo, ["satisfied"] * 5)
    fire(staff, ningbo, "complete")
    sample = create_run(staff, level="sample", source=ningbo)
    fire(staff, sample, "generate")
    assert len(lines_of(app, sample)) == 3
    _outcomes(app, sample, ["satisfied", "dissatisfied", "satisfied"])
    fire(staff, sample, "complete")
    again = create_run(staff, level="resample", source=sample)
    fire(staff, again, "generate")
    earlier = {w: o for _p, w, o in lines_of(app, sample)}
    (first, w1, _), (second, w2, _) = lines_of(app, again)
    flip = {"satisfied": "dissatisfied", "dissatisfied": "satisfied"}
    set_outcomes(app, again, {first: earlier[w1], second: flip[earlier[w2]]})
    october = create_run(staff, period="2026-10")
    fire(staff, october, "generate")
    _outcomes(app, october, ["fake", "fake", "satisfied", "satisfied"])
    org_b = setup_org(app, world, "B")
    add_orders(app, world, org_b, 3, code="B", start=300)
    b = client_for("staff@b.test")
    fire(b, create_run(b), "generate")

    assert _kpi(app, world, "quality.callback_rate", NOV) == Decimal("86.67")  # 13 / 15
    assert _kpi(app, world, "quality.callback_rate", NOV, org["centre"]) == Decimal("80.00")
    assert _kpi(app, world, "quality.callback_rate", NOV, nb_id) == Decimal("100.00")
    assert _kpi(app, world, "quality.fake_records", NOV) == 1
    assert _kpi(app, world, "quality.fake_records", OCT) == 2
    assert _kpi(app, world, "quality.fake_records", Q4) == 3
    # Per engineer: 刘洋's orders are the 10 of November's centre run (8 called, 1 fake) and the 4 of
    # October's (all called, 2 fake); 宁波's 5 have no engineer; 赵敏 (the centre head) has none.
    assert _kpi_of(app, world, "quality.callback_rate", NOV, org["liu"]) == Decimal("80.00")   # 8 / 10
    assert _kpi_of(app, world, "quality.callback_rate", Q4, org["liu"]) == Decimal("85.71")    # 12 / 14
    assert _kpi_of(app, world, "quality.fake_records", Q4, org["liu"]) == 3
    assert _kpi_of(app, world, "quality.fake_records", NOV, org["zhao"]) is None  # nobody called back about hers
    assert _kpi(app, world, "quality.callback_rate", Q4) == Decimal("89.47")  # 17 / 19
    assert _kpi(app, world, "quality.sample_satisfaction_rate", NOV) == Decimal("66.67")
    assert _kpi(app, world, "quality.sample_satisfaction_rate", NOV, nb_id) == Decimal("66.67")
    assert _kpi(app, world, "quality.sample_satisfaction_rate", NOV, org["centre"]) is None  # no sample there
    assert _kpi(app, world, "quality.resample_agreement_rate", NOV) == Decimal("50.00")
    # Company B: 3 due, none called.
    assert _kpi(app, world, "quality.callback_rate", NOV, code="B") == Decimal("0.00")
    assert _kpi(app, world, "quality.fake_records", NOV, code="B") is None  # nobody called back: no data, not 0
    assert _kpi(app, world, "quality.sample_satisfaction_rate", OCT) is None  # nothing to measure


def test_this_months_callback_progress_widget(app, world, client_for):
    from core.calendar.timezone import local_today
    with app.app_context():
        today = local_today(world.company("A"))
    org = setup_org(app, world)
    add_orders(app, world, org, 3, called=dt.datetime(today.year, today.month, 1, 9, 0))
    staff = client_for("staff@a.test")
    run = create_run(staff, period=f"{today.year}-{today.month:02d}")
    fire(staff, run, "generate")
    _outcomes(app, run, ["satisfied"])
    page = staff.get("/admin/").get_data(as_text=True)
    assert "Callbacks this month" in page and "1/3" in page
