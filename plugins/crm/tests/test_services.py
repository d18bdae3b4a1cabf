"""plugins.crm.services on the database: classification of a period, planning
key-customer visits, survey CSI, the KPI figures, and company isolation.

Every expected value is worked out by hand in the comments and written
literally; none is recomputed with the code under test.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core import db

from core.records import tenancy
from core.kpis import KpiUnavailable, kpi_value
from tests.factories import disable_with_dependents
from core.settings import set_settings
from core.calendar.timezone import local_now
from plugins.crm.models import (ContactLog, Customer, PurchaseFigure, ReturnVisit, SurveyAnswer,
                                SurveyQuestion, SurveyResponse, SurveyTemplate)
from plugins.crm.services import (CrmError, classify_period, csi_between, csi_trend,
                                  plan_key_customer_visits, recompute_csi, visit_completion_rate,
                                  visits_summary)

D = dt.date
T = dt.datetime


def overdue_rate(company, start, end):
    """The KPI crm.contact_overdue_rate (counted by core from the reply clocks)."""
    return kpi_value("crm.contact_overdue_rate", company, start, end)


@pytest.fixture
def a(ctx, world):
    return world.company("A"), world.user("staff@a.test")


@pytest.fixture
def b(ctx, world):
    return world.company("B"), world.user("staff@b.test")


def add(company, user, *rows):
    with tenancy.acting_as(company, user):
        db.session.add_all(rows)
        db.session.commit()
    return rows[0] if len(rows) == 1 else rows


def customer(company, user, code, fmt="超市", market="urban", **kw):
    return add(company, user, Customer(code=code, name=f"客户{code}", business_format=fmt,
                                       market_type=market, **kw))


def figure(company, user, cust, period, quantity, amount):
    return add(company, user, PurchaseFigure(customer=cust, period=period, quantity=Decimal(quantity),
                                             amount=Decimal(amount)))


def classify(company, user, period):
    with tenancy.acting_as(company, user):
        run = classify_period(company, period)
        db.session.commit()
    return run


def by_code(company):
    return {c.code: c for c in tenancy.scoped_query(Customer, company)}


def figures_of(company, period):
    return {f.customer.code: f for f in tenancy.scoped_query(PurchaseFigure, company)
            .filter(PurchaseFigure.period == period)}


# ============================================================ classification
#
# Format 超市, n = 10 customers. Totals: quantity Q = 1000, amount A = 100000.
# score = (q / 1000 + a / 100000) / 2.
#   code  market  q    a       q/Q   a/A   score   rank
#   S01   urban   200  20000   .20   .20   .200    1
#   S02   rural   150  19000   .15   .19   .170    2
#   S03   urban   120  11000   .12   .11   .115    3   (less amount than S04, still ahead)
#   S04   rural   100  12000   .10   .12   .110    4
#   S05   urban   100  10000   .10   .10   .100    5
#   S06   urban    90   8000   .09   .08   .085    6
#   S07   rural    80   7000   .08   .07   .075    7
#   S08   urban    70   6000   .07   .06   .065    8
#   S09   rural    50   4000   .05   .04   .045    9
#   S10   urban    40   3000   .04   .03   .035   10
#   sums:        1000 100000                1.000
# Band k = round(0.2 × 10) = 2: ranks 1-2 → scale 1, ranks 9-10 → scale 3,
# ranks 3-8 → scale 2.
#
# Format 食杂店, n = 3. Q = 50, A = 4000; k = round(0.6) = 1.
#   Z1  rural  30  3000   (30/50 + 3000/4000) / 2 = (.6 + .75) / 2 = .675  rank 1 → 1
#   Z2  urban  20  1000   (.4 + .25) / 2 = .325                            rank 2 → 2
#   Z3  rural   0     0   0 (bought nothing)                               rank 3 → 3
SUPERMARKETS = [("S01", "urban", 200, 20000), ("S02", "rural", 150, 19000), ("S03", "urban", 120, 11000),
                ("S04", "rural", 100, 12000), ("S05", "urban", 100, 10000), ("S06", "urban", 90, 8000),
                ("S07", "rural", 80, 7000), ("S08", "urban", 70, 6000), ("S09", "rural", 50, 4000),
                ("S10", "urban", 40, 3000)]
GROCERIES = [("Z1", "rural", 30, 3000), ("Z2", "urban", 20, 1000), ("Z3", "rural", 0, 0)]

EXPECTED = {  # code: (class code, score, rank, group size)
    "S01": ("C-超市-1", "0.2", 1, 10), "S02": ("X-超市-1", "0.17", 2, 10),
    "S03": ("C-超市-2", "0.115", 3, 10), "S04": ("X-超市-2", "0.11", 4, 10),
    "S05": ("C-超市-2", "0.1", 5, 10), "S06": ("C-超市-2", "0.085", 6, 10),
    "S07": ("X-超市-2", "0.075", 7, 10), "S08": ("C-超市-2", "0.065", 8, 10),
    "S09": ("X-超市-3", "0.045", 9, 10), "S10": ("C-超市-3", "0.035", 10, 10),
    "Z1": ("X-食杂店-1", "0.675", 1, 3), "Z2": ("C-食杂店-2", "0.325", 2, 3),
    "Z3": ("X-食杂店-3", "0", 3, 3),
}


def load_q3(company, user, period="2026-Q3"):
    for code, market, q, amount in SUPERMARKETS:
        figure(company, user, customer(company, user, code, "超市", market), period, q, amount)
    for code, market, q, amount in GROCERIES:
        figure(company, user, customer(company, user, code, "食杂店", market), period, q, amount)


def test_classify_period_stores_scores_ranks_and_codes(a, b):
    company, user = a
    load_q3(company, user)
    # Company B: one huge supermarket in the same period; were it in A's
    # ranking, every A score would shrink and S01 would drop to scale 2.
    b_company, b_user = b
    figure(b_company, b_user, customer(b_company, b_user, "S01", "超市", "urban"), "2026-Q3", 100000, 10**7)

    run = classify(company, user, "2026-Q3")

    assert (run.period, run.classified, run.customers_updated) == ("2026-Q3", 13, 13)
    # scale 1: S01 S02 Z1; scale 2: S03-S08 Z2; scale 3: S09 S10 Z3
    assert run.by_scale == {1: 3, 2: 7, 3: 3}
    figures, customers = figures_of(company, "2026-Q3"), by_code(company)
    assert set(figures) == set(EXPECTED)
    for code, (class_code, score, rank, size) in EXPECTED.items():
        f = figures[code]
        assert (f.class_code, f.score, f.rank, f.group_size) == (class_code, Decimal(score), rank, size), code
        assert (customers[code].class_code, customers[code].class_period) == (class_code, "2026-Q3"), code
    # B untouched by A's run ...
    b_figure = figures_of(b_company, "2026-Q3")["S01"]
    assert (b_figure.score, b_figure.rank, b_figure.class_code) == (None, None, None)
    assert by_code(b_company)["S01"].class_code is None
    # ... and classified on its own: a lone buyer (n = 1, k = 0) is scale 2.
    classify(b_company, b_user, "2026-Q3")
    b_figure = figures_of(b_company, "2026-Q3")["S01"]
    assert (b_figure.score, b_figure.rank, b_figure.group_size, b_figure.class_code) == (1, 1, 1, "C-超市-2")
    # A's figures unchanged by B's run
    assert figures_of(company, "2026-Q3")["S01"].class_code == "C-超市-1"
    assert figures_of(company, "2026-Q3")["S01"].score == Decimal("0.2")


def test_older_period_does_not_overwrite_a_newer_class_code(a):
    company, user = a
    load_q3(company, user)
    classify(company, user, "2026-Q3")
    customers = by_code(company)
    # 2026-Q2: S10 and S01 in 超市, n = 2, k = round(0.4) = 0. Q = 5, A = 500:
    # S10 (5/5 + 500/500) / 2 = 1, rank 1 → scale 2; S01 bought nothing → scale 3.
    figure(company, user, customers["S10"], "2026-Q2", 5, 500)
    figure(company, user, customers["S01"], "2026-Q2", 0, 0)
    run = classify(company, user, "2026-Q2")
    assert (run.classified, run.customers_updated) == (2, 0)
    q2 = figures_of(company, "2026-Q2")
    assert (q2["S10"].class_code, q2["S01"].class_code) == ("C-超市-2", "C-超市-3")
    customers = by_code(company)
    assert (customers["S10"].class_code, customers["S10"].class_period) == ("C-超市-3", "2026-Q3")
    assert (customers["S01"].class_code, customers["S01"].class_period) == ("C-超市-1", "2026-Q3")
    # A later period (October 2026 ends after Q3) does overwrite: S10 alone,
    # n = 1, k = 0 → scale 2.
    figure(company, user, customers["S10"], "2026-10", 1, 100)
    run = classify(company, user, "2026-10")
    assert (run.classified, run.customers_updated) == (1, 1)
    assert (by_code(company)["S10"].class_code, by_code(company)["S10"].class_period) == ("C-超市-2", "2026-10")


def test_for_periods_ending_the_same_day_the_longer_one_is_kept(a):
    company, user = a
    k1 = customer(company, user, "K1")
    k2 = customer(company, user, "K2")
    # The year 2026: K1 (10/15 + 100/150)/2 = 0.667, K2 0.333; n = 2, k = 0 → both scale 2.
    figure(company, user, k1, "2026", 10, 100)
    figure(company, user, k2, "2026", 5, 50)
    classify(company, user, "2026")
    # 2026-Q4 ends the same day: K1 alone bought nothing → scale 3 on the figure,
    # but the customer keeps the year's code.
    figure(company, user, k1, "2026-Q4", 0, 0)
    run = classify(company, user, "2026-Q4")
    assert (run.classified, run.customers_updated) == (1, 0)
    assert (by_code(company)["K1"].class_code, by_code(company)["K1"].class_period) == ("C-超市-2", "2026")
    # Re-running the year after the quarter still writes the year.
    assert classify(company, user, "2026").customers_updated == 2


def test_archived_customers_are_not_ranked(a):
    company, user = a
    k1 = customer(company, user, "K1")
    gone = customer(company, user, "K2")
    figure(company, user, k1, "2026", 10, 100)
    figure(company, user, gone, "2026", 50, 500)
    with tenancy.acting_as(company, user):
        gone.archived_at = T(2026, 1, 5)
        db.session.commit()
    run = classify(company, user, "2026")
    # K1 alone: n = 1, k = 0 → scale 2 (with K2 it would have been rank 2 of 2).
    assert run.classified == 1
    assert by_code(company)["K1"].class_code == "C-超市-2"


def test_customer_without_format_or_market_type_stops_the_run(a):
    company, user = a
    load_q3(company, user)
    customers = by_code(company)
    with tenancy.acting_as(company, user):
        customers["S04"].business_format = "  "
        customers["Z2"].market_type = None
        db.session.commit()
    with tenancy.acting_as(company, user):
        with pytest.raises(CrmError) as error:
            classify_period(company, "2026-Q3")
        db.session.commit()  # what the caller would do: nothing to save
    assert "S04" in str(error.value) and "Z2" in str(error.value) and "2026-Q3" in str(error.value)
    assert "S01" not in str(error.value)
    for f in figures_of(company, "2026-Q3").values():
        assert (f.score, f.rank, f.group_size, f.class_code) == (None, None, None, None)
    assert {c.class_code for c in by_code(company).values()} == {None}


def test_no_figures_and_bad_periods(a, b):
    company, user = a
    b_company, b_user = b
    figure(b_company, b_user, customer(b_company, b_user, "S01"), "2026-Q3", 1, 1)
    with tenancy.acting_as(company, user):
        # (messages go through gettext: only the values named are checked)
        with pytest.raises(CrmError, match="2026-Q3"):
            classify_period(company, "2026-Q3")  # B's figure is not A's
        with pytest.raises(CrmError, match="2026-Q5"):
            classify_period(company, "2026-Q5")
        with pytest.raises(CrmError, match="Q3 2026"):
            classify_period(company, "Q3 2026")
    assert figures_of(b_company, "2026-Q3")["S01"].class_code is None


def test_period_is_normalised(a):
    company, user = a
    load_q3(company, user)
    run = classify(company, user, " 2026-q3 ")
    assert (run.period, run.classified) == ("2026-Q3", 13)
    assert by_code(company)["S01"].class_period == "2026-Q3"


def test_archived_figures_are_left_out(a):
    company, user = a
    load_q3(company, user)
    with tenancy.acting_as(company, user):
        figures_of(company, "2026-Q3")["Z3"].archived_at = T(2026, 10, 1)
        db.session.commit()
    # 食杂店 now n = 2, k = round(0.4) = 0: Z1 and Z2 both scale 2.
    run = classify(company, user, "2026-Q3")
    assert run.classified == 12
    figures = figures_of(company, "2026-Q3")
    assert (figures["Z1"].class_code, figures["Z2"].class_code, figures["Z3"].class_code) \
        == ("X-食杂店-2", "C-食杂店-2", None)
    # Z1 = (30/50 + 3000/4000) / 2 = .675 still: Z3 bought nothing.
    assert figures["Z1"].score == Decimal("0.675") and figures["Z1"].group_size == 2


# ===================================================================== visits
#
# today = Tue 2026-09-01, horizon 7 days → visits falling due up to 2026-09-08.

TODAY = D(2026, 9, 1)


def visit(company, user, cust, planned, done_at=None, **kw):
    return add(company, user, ReturnVisit(customer=cust, planned_date=planned, done_at=done_at, **kw))


@pytest.fixture
def keys(a, b, world):
    company, user = a
    manager = world.user("manager@a.test")
    k = {code: customer(company, user, code, is_key=(code != "N1"), responsible=manager)
         for code in ("K1", "K2", "K3", "K4", "K5", "K6", "N1")}
    visit(company, user, k["K2"], D(2026, 7, 1), T(2026, 7, 1, 9, 0))
    visit(company, user, k["K2"], D(2026, 8, 10), T(2026, 8, 10, 15, 30))   # latest done visit of K2
    visit(company, user, k["K3"], D(2026, 8, 15), T(2026, 8, 15, 10, 0))
    visit(company, user, k["K4"], D(2026, 8, 25), T(2026, 8, 25, 10, 0))
    visit(company, user, k["K5"], D(2026, 7, 1))                            # open: blocks a new one
    with tenancy.acting_as(company, user):
        k["K6"].archived_at = T(2026, 8, 1)                                 # archived: skipped
        db.session.commit()
    b_company, b_user = b
    b_key = customer(b_company, b_user, "K1", is_key=True)                  # B's, never visited
    return k, b_key


def plan(company, user, **kw):
    with tenancy.acting_as(company, user):
        planned = plan_key_customer_visits(company, today=TODAY, **kw)
        db.session.commit()
    return {v.customer.code: v.planned_date for v in planned}


def test_plan_with_the_default_interval(a, keys):
    company, user = a
    # Default 30 days: K1 never visited → today 09-01; K2 08-10 + 30 = 09-09,
    # K3 08-15 + 30 = 09-14, K4 08-25 + 30 = 09-24: all after 09-08.
    assert plan(company, user) == {"K1": D(2026, 9, 1)}


def test_plan_with_the_company_interval(a, b, keys, world):
    company, user = a
    set_settings({"crm.key_customer_visit_days": 20}, company, world.user("admin@a.test"))
    # 20 days: K1 → 09-01 (never visited); K2 08-10 + 20 = 08-30 (overdue:
    # keeps its date); K3 08-15 + 20 = 09-04; K4 08-25 + 20 = 09-14 (too late);
    # K5 has an open visit; K6 archived; N1 not key.
    planned = plan(company, user)
    assert planned == {"K1": D(2026, 9, 1), "K2": D(2026, 8, 30), "K3": D(2026, 9, 4)}
    manager = world.user("manager@a.test")
    for v in tenancy.scoped_query(ReturnVisit, company).filter(ReturnVisit.generated.is_(True)):
        assert (v.kind, v.done_at, v.visited_by_id, v.company_id) == ("visit", None, manager.id, company.id)
    # Idempotent: everything planned is now open, so a second run plans nothing.
    assert plan(company, user) == {}
    assert tenancy.scoped_query(ReturnVisit, company).filter(ReturnVisit.generated.is_(True)).count() == 3
    # A longer horizon reaches K4 (09-14 ≤ 09-01 + 14 = 09-15), only K4.
    assert plan(company, user, horizon_days=14) == {"K4": D(2026, 9, 14)}
    # Company B untouched: its key customer has no visit.
    b_company, _ = b
    assert tenancy.scoped_query(ReturnVisit, b_company).count() == 0


def test_done_visit_moves_the_customer_ahead(a, keys):
    company, user = a
    assert plan(company, user) == {"K1": D(2026, 9, 1)}
    k1 = by_code(company)["K1"]
    with tenancy.acting_as(company, user):
        v = tenancy.scoped_query(ReturnVisit, company).filter(ReturnVisit.customer_id == k1.id).one()
        v.done_at = T(2026, 9, 1, 11, 0)
        db.session.commit()
    # K1 done 09-01, next 10-01; nothing due in the week (30-day default).
    assert plan(company, user) == {}


def test_other_company_plans_only_its_own(a, b, keys):
    company, _ = a
    b_company, b_user = b
    # B's key customer K1 was never visited → today; none of A's customers.
    assert plan(b_company, b_user) == {"K1": D(2026, 9, 1)}
    assert tenancy.scoped_query(ReturnVisit, company).filter(ReturnVisit.generated.is_(True)).count() == 0


# ==================================================================== surveys
#
# The form: weights 2/1/1 on a 5-point scale; s → s/5 × 100.

def survey_form(company, user, scale_max=5, weights=("2", "1", "1")):
    template = SurveyTemplate(name="年度满意度调查", scale_max=scale_max)
    for i, w in enumerate(weights):
        template.questions.append(SurveyQuestion(position=i, text=f"问题{i + 1}", weight=Decimal(w)))
    return add(company, user, template)


def response(company, user, template, cust, on, scores, archived=False):
    with tenancy.acting_as(company, user):
        r = SurveyResponse(template=template, customer=cust, surveyed_on=on)
        for q, s in zip(template.questions, scores):
            r.answers.append(SurveyAnswer(question=q, score=s))
        if archived:
            r.archived_at = T(2026, 10, 20)
        db.session.add(r)
        db.session.flush()
        recompute_csi(r)
        db.session.commit()
        return r


def test_recompute_csi_weighted(a):
    company, user = a
    cust = customer(company, user, "C1")
    form = survey_form(company, user)
    # (2·100 + 1·80 + 1·60) / 4 = 340 / 4 = 85.00
    r = response(company, user, form, cust, D(2026, 7, 5), [5, 4, 3])
    rid = r.id
    db.session.expire_all()
    assert db.session.get(SurveyResponse, rid).csi == Decimal("85.00")
    # third unanswered: (2·100 + 1·80) / 3 = 280 / 3 = 93.333… → 93.33
    with tenancy.acting_as(company, user):
        r = db.session.get(SurveyResponse, rid)
        r.answers[2].score = None
        assert recompute_csi(r) == Decimal("93.33")
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(SurveyResponse, rid).csi == Decimal("93.33")
    # nothing answered → no CSI
    with tenancy.acting_as(company, user):
        r = db.session.get(SurveyResponse, rid)
        for answer in r.answers:
            answer.score = None
        assert recompute_csi(r) is None
        db.session.commit()
    # a 10-point form, weights 3/1: scores 7, 10 → (3·70 + 1·100) / 4 = 310 / 4 = 77.50
    ten = survey_form(company, user, scale_max=10, weights=("3", "1"))
    assert response(company, user, ten, cust, D(2026, 7, 6), [7, 10]).csi == Decimal("77.50")


@pytest.fixture
def surveyed(a, b):
    company, user = a
    cust = customer(company, user, "CS1")
    form = survey_form(company, user)
    # 2026-07-05  5,4,3 → 85.00
    # 2026-08-20  5,4,- → 93.33
    # 2026-08-01  -,-,- → no CSI (ignored)
    # 2026-09-30  3,3,3 → (2·60 + 60 + 60) / 4 = 60.00
    # 2026-10-01  5,5,5 → 100.00
    # 2026-11-01  1,1,1 → 20.00
    # 2026-09-10  1,1,1 → 20.00 but archived (ignored)
    for on, scores in ((D(2026, 7, 5), [5, 4, 3]), (D(2026, 8, 20), [5, 4, None]),
                       (D(2026, 8, 1), [None, None, None]), (D(2026, 9, 30), [3, 3, 3]),
                       (D(2026, 10, 1), [5, 5, 5]), (D(2026, 11, 1), [1, 1, 1])):
        response(company, user, form, cust, on, scores)
    response(company, user, form, cust, D(2026, 9, 10), [1, 1, 1], archived=True)
    # B: a 20.00 in Q3 that must not reach A's figures
    b_company, b_user = b
    b_form = survey_form(b_company, b_user)
    response(b_company, b_user, b_form, customer(b_company, b_user, "BS1"), D(2026, 8, 8), [1, 1, 1])
    return company, b_company


def test_csi_between(surveyed):
    company, b_company = surveyed
    # Q3: (85.00 + 93.33 + 60.00) / 3 = 238.33 / 3 = 79.443… → 79.44
    assert csi_between(company, D(2026, 7, 1), D(2026, 9, 30)) == Decimal("79.44")
    # both ends inclusive: 09-30 alone → 60.00; 10-01 alone → 100.00
    assert csi_between(company, D(2026, 9, 30), D(2026, 9, 30)) == Decimal("60.00")
    assert csi_between(company, D(2026, 10, 1), D(2026, 10, 1)) == Decimal("100.00")
    # August holds only 93.33 (the unanswered response has no CSI)
    assert csi_between(company, D(2026, 8, 1), D(2026, 8, 31)) == Decimal("93.33")
    assert csi_between(company, D(2026, 1, 1), D(2026, 6, 30)) is None
    assert csi_between(b_company, D(2026, 7, 1), D(2026, 9, 30)) == Decimal("20.00")


def test_csi_trend_fills_empty_periods(surveyed):
    company, _ = surveyed
    # today 2026-10-15: Q1..Q4 of 2026; Q4 holds 10-01 (100.00) only, the
    # 11-01 response is after today.
    assert csi_trend(company, "quarter", 4, today=D(2026, 10, 15)) == [
        ("2026-Q1", None, 0), ("2026-Q2", None, 0), ("2026-Q3", Decimal("79.44"), 3),
        ("2026-Q4", Decimal("100.00"), 1)]
    # months up to 2026-09-15: July 85.00; August 93.33 (one response with a
    # CSI); September: 09-30 is after today → empty.
    assert csi_trend(company, "month", 3, today=D(2026, 9, 15)) == [
        ("2026-07", Decimal("85.00"), 1), ("2026-08", Decimal("93.33"), 1), ("2026-09", None, 0)]
    # years: 2025 empty; 2026 up to 12-31: 85 + 93.33 + 60 + 100 + 20 = 358.33 / 5 = 71.666 → 71.67
    assert csi_trend(company, "year", 2, today=D(2026, 12, 31)) == [
        ("2025", None, 0), ("2026", Decimal("71.67"), 5)]


# ======================================================================= KPIs

@pytest.fixture
def contacts(a, b):
    """Contact-log entries of A whose reply fell due in September 2025."""
    company, user = a
    cust = customer(company, user, "CL1")

    def entry(due, state="open", replied_at=None, archived=False, who=(company, user), on=cust):
        log = ContactLog(customer=on, occurred_at=due - dt.timedelta(days=2), subject="来电",
                         reply_due=due, state=state, replied_at=replied_at)
        if archived:
            log.archived_at = T(2025, 10, 1)
        return add(*who, log)

    entry(T(2025, 9, 10, 10, 0), "replied", T(2025, 9, 9, 16, 0))     # on time
    entry(T(2025, 9, 12, 10, 0), "replied", T(2025, 9, 13, 9, 0))     # late
    entry(T(2025, 9, 15, 10, 0))                                       # open past due: late
    entry(T(2025, 9, 20, 10, 0), "closed", T(2025, 9, 20, 9, 0))      # on time
    entry(T(2025, 9, 30, 17, 0), "replied", T(2025, 9, 30, 17, 0))    # exactly at due: on time
    entry(T(2025, 9, 1, 0, 0), "replied", T(2025, 9, 3, 0, 0))        # late (first instant of the period)
    entry(T(2025, 8, 31, 23, 0))                                       # before the period
    entry(T(2025, 10, 1, 8, 30))                                       # after the period
    entry(T(2025, 9, 18, 10, 0), archived=True)                        # archived
    b_company, b_user = b
    entry(T(2025, 9, 18, 10, 0), who=(b_company, b_user), on=customer(b_company, b_user, "BL1"))
    return company, b_company


def test_overdue_rate(contacts):
    company, b_company = contacts
    # September 2025: 6 fell due (09-01, 09-10, 09-12, 09-15, 09-20, 09-30),
    # late: 09-01, 09-12, 09-15 → 3 / 6 = 50.00 %
    assert overdue_rate(company, D(2025, 9, 1), D(2025, 9, 30)) == Decimal("50.00")
    # 09-13..09-30: 09-15 (late), 09-20, 09-30 → 1 / 3 = 33.333… → 33.33
    assert overdue_rate(company, D(2025, 9, 13), D(2025, 9, 30)) == Decimal("33.33")
    # 09-16..09-30: 09-20, 09-30, both on time → 0.00
    assert overdue_rate(company, D(2025, 9, 16), D(2025, 9, 30)) == Decimal("0.00")
    assert overdue_rate(company, D(2025, 7, 1), D(2025, 7, 31)) is None
    assert overdue_rate(b_company, D(2025, 9, 1), D(2025, 9, 30)) == Decimal("100.00")
    # Core's own KPI is the complement: 3 of 6 on time.
    assert kpi_value("crm.contactlog.reply.on_time", company, D(2025, 9, 1), D(2025, 9, 30)) == Decimal("50.00")


def test_overdue_rate_leaves_out_what_is_not_due_yet(a):
    company, user = a
    cust = customer(company, user, "C1")
    now = local_now(company)  # the company's clock (reply_due counts from it), not the server's
    add(company, user, ContactLog(customer=cust, occurred_at=now, subject="刚来电",
                                  reply_due=now + dt.timedelta(days=3)))
    today = now.date()
    assert overdue_rate(company, today, today + dt.timedelta(days=30)) is None


@pytest.fixture
def visited(a, b):
    company, user = a
    cust = customer(company, user, "CV1")
    # planned in September 2026: 09-01 done, 09-15 done, 09-30 open → 2 / 3
    visit(company, user, cust, D(2026, 9, 1), T(2026, 9, 2, 10, 0))
    visit(company, user, cust, D(2026, 9, 15), T(2026, 9, 15, 10, 0))
    visit(company, user, cust, D(2026, 9, 30))
    visit(company, user, cust, D(2026, 8, 31), T(2026, 8, 31, 10, 0))   # outside
    visit(company, user, cust, D(2026, 10, 1))                           # outside
    visit(company, user, cust, D(2026, 9, 20), archived_at=T(2026, 9, 21))  # archived
    b_company, b_user = b
    visit(b_company, b_user, customer(b_company, b_user, "BV1"), D(2026, 9, 10))
    return company, b_company


def test_visit_completion_rate(visited):
    company, b_company = visited
    assert visits_summary(company, D(2026, 9, 1), D(2026, 9, 30)) == (2, 3)
    # 2 / 3 × 100 = 66.666… → 66.67
    assert visit_completion_rate(company, D(2026, 9, 1), D(2026, 9, 30)) == Decimal("66.67")
    # 08-31..09-01: both done → 100.00; October: 10-01 open → 0.00
    assert visit_completion_rate(company, D(2026, 8, 31), D(2026, 9, 1)) == Decimal("100.00")
    assert visit_completion_rate(company, D(2026, 10, 1), D(2026, 10, 31)) == Decimal("0.00")
    assert visit_completion_rate(company, D(2026, 11, 1), D(2026, 11, 30)) is None
    assert visit_completion_rate(b_company, D(2026, 9, 1), D(2026, 9, 30)) == Decimal("0.00")


def test_kpis_through_core_give_the_same_figures(surveyed, contacts, visited, world):
    company, b_company = surveyed
    assert kpi_value("crm.csi", company, D(2026, 7, 1), D(2026, 9, 30)) == Decimal("79.44")
    assert kpi_value("crm.csi", company, D(2026, 1, 1), D(2026, 6, 30)) is None
    assert kpi_value("crm.contact_overdue_rate", company, D(2025, 9, 1), D(2025, 9, 30)) == Decimal("50.00")
    assert kpi_value("crm.visit_completion_rate", company, D(2026, 9, 1), D(2026, 9, 30)) == Decimal("66.67")
    assert kpi_value("crm.csi", b_company, D(2026, 7, 1), D(2026, 9, 30)) == Decimal("20.00")

    disable_with_dependents(company, "crm", world.user("admin@a.test"))
    for key in ("crm.csi", "crm.contact_overdue_rate", "crm.visit_completion_rate"):
        with pytest.raises(KpiUnavailable):
            kpi_value(key, company, D(2026, 7, 1), D(2026, 9, 30))
    # still there for B
    assert kpi_value("crm.visit_completion_rate", b_company, D(2026, 9, 1), D(2026, 9, 30)) == Decimal("0.00")


def test_daily_job_plans_visits_in_every_company_once(a, b):
    from core.jobs import run_jobs
    company_a, user_a = a
    company_b, user_b = b
    customer(company_a, user_a, "KA", is_key=True)
    customer(company_b, user_b, "KB", is_key=True)
    customer(company_b, user_b, "KB2", is_key=False)
    first = run_jobs(["crm.plan_visits"])
    assert [(r.company, r.ok, r.message) for r in first] == [
        ("A", True, "1 return visit(s) planned"), ("B", True, "1 return visit(s) planned")]
    again = run_jobs(["crm.plan_visits"])
    assert [r.message for r in again] == ["0 return visit(s) planned"] * 2
    visits = db.session.query(ReturnVisit).all()
    assert sorted((v.company_id, v.customer.code) for v in visits) == [(company_a.id, "KA"), (company_b.id, "KB")]
    disable_with_dependents(company_b, "crm")
    assert [r.company for r in run_jobs(["crm.plan_visits"])] == ["A"]


def test_visit_completion_rate_per_department_and_employee(a, b, world):
    """crm.visit_completion_rate is measured per subject (core.org): the
    visits assigned to the logins of an employee, or of a department's
    employees and those of the departments under it."""
    from core.org import Department, Employee
    company, user = a
    staff, manager = world.user("staff@a.test"), world.user("manager@a.test")
    with tenancy.acting_as(company, world.user("admin@a.test")):
        sales = Department(code="GX", name="供销部")
        service = Department(code="SH", name="售后服务中心", parent=sales)
        quality = Department(code="JZ", name="技质部")
        liu = Employee(number="A013", name="刘洋", department=service, user=staff)
        li = Employee(number="A002", name="李明华", department=quality, user=manager)
        db.session.add_all([sales, service, quality, liu, li])
        db.session.commit()
    cust = customer(company, user, "CS1")
    # September 2026: 刘洋 (staff) 1 of 2 done, 李明华 (manager) 1 of 1, one visit assigned to nobody (open).
    visit(company, user, cust, D(2026, 9, 3), T(2026, 9, 3, 10, 0), visited_by=staff)
    visit(company, user, cust, D(2026, 9, 9), visited_by=staff)
    visit(company, user, cust, D(2026, 9, 12), T(2026, 9, 12, 15, 0), visited_by=manager)
    visit(company, user, cust, D(2026, 9, 20))
    sep = (D(2026, 9, 1), D(2026, 9, 30))
    key = "crm.visit_completion_rate"
    assert kpi_value(key, company, *sep) == Decimal("50.00")               # 2 of 4
    assert kpi_value(key, company, *sep, subject=liu) == Decimal("50.00")  # 1 of 2
    assert kpi_value(key, company, *sep, subject=li) == Decimal("100.00")  # 1 of 1
    assert kpi_value(key, company, *sep, subject=sales) == Decimal("50.00")   # 售后服务中心 is under 供销部
    assert kpi_value(key, company, *sep, subject=quality) == Decimal("100.00")
    with tenancy.acting_as(company, world.user("admin@a.test")):
        db.session.get(Employee, li.id).active = False
        db.session.commit()
    assert kpi_value(key, company, *sep, subject=quality) is None  # nobody left to count
    with pytest.raises(KpiUnavailable, match="not measured per department"):
        kpi_value("crm.csi", company, *sep, subject=sales)
    b_company, _ = b
    with pytest.raises(ValueError, match="not of company 'B'"):
        kpi_value(key, b_company, *sep, subject=sales)


def test_visit_completion_rate_rounds_half_up(a):
    """D-5: 1 of 32 visits done is 3.125 %, printed and compared as 3.13 (not 3.12)."""
    company, user = a
    cust = customer(company, user, "CV9")
    visit(company, user, cust, D(2026, 11, 2), T(2026, 11, 2, 10, 0))
    for day in range(3, 34):
        visit(company, user, cust, D(2026, 11, 2) + dt.timedelta(days=day - 2))
    assert visits_summary(company, D(2026, 11, 1), D(2026, 12, 31)) == (1, 32)
    assert visit_completion_rate(company, D(2026, 11, 1), D(2026, 12, 31)) == Decimal("3.13")
