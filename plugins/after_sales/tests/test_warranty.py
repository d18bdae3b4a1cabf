"""The 三包 decision (T-AS-9 of shared/domain/after_sales.md, D-2, D-11,
AS-16, AS-34). Expected values are worked out by hand from the seed:

* sold 2023-03-15, period 1 year → by 民法典 §202 the last day is the
  corresponding date of the end month, **2024-03-15** (the sale day itself
  is not counted, §201, so the year is 2023-03-16 … 2024-03-15);
* fault 2024-03-10, product → inside → 三包;
* fault 2024-03-15 (the last day), product → still inside → 三包;
* fault 2024-03-16 (the day after), product → outside → 有偿;
* fault 2024-01-10, user-caused → 有偿 although inside (AS-16: user fault
  beats the period);
* fault 2024-01-10, cause unclear → 三包: AS-16 charges only for the user's
  responsibility or an expired period, and an unclear cause is neither;
  after the last day an unclear cause is 有偿 (the period is over);
* sold 2024-02-29 + 1 year: 2025 has no 29 February → the month's last
  day, **2025-02-28** (D-2); a fault on 2025-02-28 is 三包, on 2025-03-01 有偿.
"""
import datetime as dt

import pytest

from ..warranty import add_months, decide, decide_for_unit, terms
from .helpers import add_customer, add_product, add_unit

D = dt.date
SOLD = D(2023, 3, 15)


def one_year(start=SOLD, **kw):
    return terms(sale_date=start, months=12, **kw)


@pytest.mark.parametrize("fault, cause, outcome, inside", [
    (D(2024, 3, 10), "product", "sanbao", True),    # in period
    (D(2024, 3, 15), "product", "sanbao", True),    # the last day (corresponding date)
    (D(2024, 3, 16), "product", "paid", False),     # the day after
    (D(2024, 1, 10), "user", "paid", True),         # user fault beats the period
    (D(2024, 1, 10), "unclear", "sanbao", True),    # not the user's fault, inside
    (D(2024, 3, 16), "unclear", "paid", False),     # outside: the period is over
    (D(2024, 3, 16), "user", "paid", False),
])
def test_t_as_9_decision_table(fault, cause, outcome, inside):
    decision = decide(one_year(), fault, cause)
    assert (decision.outcome, decision.in_warranty, decision.last_day) == (outcome, inside, D(2024, 3, 15))
    assert decision.free is (outcome == "sanbao")


def test_the_decision_names_its_inputs_in_both_languages():
    decision = decide(one_year(), D(2024, 3, 10), "product")
    assert decision.reason("en") == ("sold 2023-03-15, period 1 year, last day 2024-03-15, fault on 2024-03-10, "
                                     "cause product → 三包 (free repair or exchange)")
    assert decision.reason("zh") == ("销售日期 2023-03-15，三包期 1年，最后一天 2024-03-15，故障日期 2024-03-10，"
                                     "原因：产品质量 → 三包（免费调换或维修）")
    user = decide(one_year(), D(2024, 1, 10), "user")
    assert user.reason_en.endswith("cause user → 有偿服务 (paid service) (user fault, whatever the date)")
    assert "用户责任" in user.reason_zh and "有偿服务" in user.reason_zh
    late = decide(one_year(), D(2024, 3, 16), "product")
    assert late.reason_en.endswith("(after the last day)") and "已超过三包期" in late.reason_zh
    stored = decision.as_dict()
    assert stored["start"] == "2023-03-15" and stored["last_day"] == "2024-03-15"
    assert stored["outcome"] == "sanbao" and stored["reason_en"] == decision.reason_en


def test_leap_day_start_ends_on_the_last_day_of_february():
    t = one_year(D(2024, 2, 29))
    assert t.last_day == D(2025, 2, 28)
    assert decide(t, D(2025, 2, 28), "product").outcome == "sanbao"
    assert decide(t, D(2025, 3, 1), "product").outcome == "paid"
    # Four years on, 29 February exists again.
    assert terms(sale_date=D(2024, 2, 29), months=48).last_day == D(2028, 2, 29)


def test_corresponding_date_of_months():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)   # no 31 February
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2023, 8, 31), 18) == D(2025, 2, 28)
    assert add_months(D(2023, 12, 15), 1) == D(2024, 1, 15)  # across the year
    assert add_months(D(2023, 3, 15), 0) == D(2023, 3, 15)


def test_start_basis_delivery_or_installation_and_the_fallback():
    dates = dict(sale_date=D(2023, 3, 15), delivery_date=D(2023, 3, 20), installation_date=D(2023, 4, 2))
    assert terms(months=12, **dates).last_day == D(2024, 3, 15)  # basis "sale" by default
    by_delivery = terms(months=12, basis="delivery", **dates)
    assert (by_delivery.start, by_delivery.last_day) == (D(2023, 3, 20), D(2024, 3, 20))
    by_install = terms(months=12, basis="installation", **dates)
    assert by_install.last_day == D(2024, 4, 2)
    decision = decide(by_install, D(2024, 3, 30), "product")  # after the sale's year, inside the installation's
    assert decision.outcome == "sanbao" and decision.reason_en.startswith("installed 2023-04-02, period 1 year")
    # Installation not recorded: counted from the sale date, and said so.
    fallback = terms(sale_date=D(2023, 3, 15), months=12, basis="installation")
    assert (fallback.start, fallback.used) == (D(2023, 3, 15), "sale")
    reason = decide(fallback, D(2024, 3, 30), "product")
    assert reason.outcome == "paid"
    assert reason.reason_en.startswith("sold 2023-03-15 (no installation date recorded), period 1 year")
    assert reason.reason_zh.startswith("销售日期 2023-03-15（未登记安装日期，按销售日期）")


def test_periods_read_as_years_or_months():
    assert decide(terms(sale_date=SOLD, months=18), D(2024, 9, 15), "product").reason_en.startswith(
        "sold 2023-03-15, period 18 months, last day 2024-09-15")
    assert "三包期 2年" in decide(terms(sale_date=SOLD, months=24), D(2024, 9, 15), "product").reason_zh


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        decide(one_year(), D(2024, 1, 1), "weather")
    with pytest.raises(ValueError):
        terms(sale_date=SOLD, months=0)
    with pytest.raises(ValueError):
        terms(sale_date=SOLD, months=12, basis="shipping")


def test_a_unit_uses_its_product_period_else_the_company_setting(app, world):
    from core.records import tenancy
    from core.settings import set_settings
    from ..models import UnitSold
    cid = add_customer(app, world, "KH001")
    default_product = add_product(app, world, "KT-35")
    own_period = add_product(app, world, "RO-8", warranty_months=6)
    u1 = add_unit(app, world, cid, default_product, "SN-1", sale_date=SOLD)
    u2 = add_unit(app, world, cid, own_period, "SN-2", sale_date=SOLD)
    with app.app_context():
        company = world.company("A")
        with tenancy.acting_as(company, world.user("staff@a.test")):
            first, second = (tenancy.scoped_query(UnitSold).filter(UnitSold.id == u).one() for u in (u1, u2))
            assert decide_for_unit(first, D(2024, 3, 15), "product").outcome == "sanbao"
            assert decide_for_unit(second, D(2023, 9, 16), "product").outcome == "paid"  # 6 months: last day 09-15
            assert second.warranty_end == D(2023, 9, 15)
        set_settings({"after_sales.warranty_months": 24}, company, world.user("admin@a.test"))
    with app.app_context():
        company = world.company("A")
        with tenancy.acting_as(company, world.user("staff@a.test")):
            first, second = (tenancy.scoped_query(UnitSold).filter(UnitSold.id == u).one() for u in (u1, u2))
            assert first.warranty_end == D(2025, 3, 15)   # the new company period
            assert second.warranty_end == D(2023, 9, 15)  # the product's own is unchanged
