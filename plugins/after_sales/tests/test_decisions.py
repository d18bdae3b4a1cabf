"""The stored 三包 decision through its screen (AS-14, AS-16, AS-34, D-11,
T-AS-9), its override (a reason and a sign-off by the 管理者代表 or the
质量负责人) and its lock.

T-AS-9 by hand: sold 2023-03-15, 1 year; by 民法典 §202 the last day is
the corresponding date, 2024-03-15 (the sale day is not counted, §201):
fault 2024-03-10, product → 三包; 2024-03-15 (the last day), product → 三包;
2024-03-16 (the day after), product → 有偿; 2024-01-10, user-caused → 有偿
(user fault beats the period)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from core import db
from core.records import tenancy
from tests.fixtures import frozen

from ..models import ServiceReport, WarrantyDecision
from .helpers import add_customer, add_unit
from .report_helpers import DECISIONS, REPORTS, fire, job, make_quality_people, pdf_text, text

D, T = dt.date, dt.datetime



def decide(client, j, fault, cause, **values) -> int:
    data = {"work_order": str(j["order"]), "unit": str(j["unit"]), "fault_date": fault, "cause": cause, **values}
    response = client.post(f"{DECISIONS}new/", data)
    assert response.status_code == 302, text(response)[-3000:]
    with client.app.app_context():
        return db.session.query(WarrantyDecision).order_by(WarrantyDecision.id.desc()).first().id


def stored(app, pk):
    with app.app_context():
        d = db.session.get(WarrantyDecision, pk)
        return d.outcome, d.effective_outcome, d.state, d.reason_en, d.reason_zh, d.decided_at


def edit(client, j, pk, **values):
    with client.app.app_context():
        d = db.session.get(WarrantyDecision, pk)
        data = {"work_order": str(d.work_order_id), "unit": str(d.unit_id), "fault_date": d.fault_date.isoformat(),
                "cause": d.cause, "override_outcome": d.override_outcome or "",
                "override_reason": d.override_reason or "", "record_version": str(d.version)}
    data.update(values)
    return client.post(f"{DECISIONS}edit/?id={pk}", data)


@pytest.mark.parametrize("fault, cause, outcome, shown, sentence", [
    ("2024-03-10", "product", "sanbao", "Warranty (三包)",
     "sold 2023-03-15, period 1 year, last day 2024-03-15, fault on 2024-03-10, cause product → 三包 (free repair or "
     "exchange)"),
    ("2024-03-15", "product", "sanbao", "Warranty (三包)",
     "sold 2023-03-15, period 1 year, last day 2024-03-15, fault on 2024-03-15, cause product → 三包"),
    ("2024-03-16", "product", "paid", "Paid",
     "sold 2023-03-15, period 1 year, last day 2024-03-15, fault on 2024-03-16, cause product → 有偿服务 (paid "
     "service) (after the last day)"),
    ("2024-01-10", "user", "paid", "Paid",
     "sold 2023-03-15, period 1 year, last day 2024-03-15, fault on 2024-01-10, cause user → 有偿服务 (paid "
     "service) (user fault, whatever the date)"),
])
def test_t_as_9_the_screen_stores_the_outcome_and_the_sentence(app, world, client_for, fault, cause, outcome,
                                                              shown, sentence):
    j = job(app, world)
    staff = client_for("staff@a.test")
    form = staff.get(f"{DECISIONS}new/").get_data(as_text=True)
    assert 'name="outcome"' not in form and 'name="reason_en"' not in form and 'name="decided_at"' not in form
    pk = decide(staff, j, fault, cause, outcome="sanbao" if outcome == "paid" else "paid")  # a forged outcome is ignored
    got = stored(app, pk)
    assert got[:3] == (outcome, outcome, "open")
    assert got[3].startswith(sentence)
    assert f"故障日期 {fault}" in got[4] and "销售日期 2023-03-15" in got[4] and "最后一天 2024-03-15" in got[4]
    page = text(staff.get(f"{DECISIONS}details/?id={pk}"))
    assert sentence in page and shown in page and "To confirm" in page


def test_changing_an_input_before_sign_off_recomputes_and_restamps(app, world, client_for):
    j = job(app, world)
    with frozen(T(2024, 3, 20, 9, 0)):
        staff = client_for("staff@a.test")
        pk = decide(staff, j, "2024-03-10", "product")
    assert stored(app, pk)[0] == "sanbao"
    assert stored(app, pk)[5] == T(2024, 3, 20, 1, 0)  # a UTC stamp: 09:00 in Shanghai
    with frozen(T(2024, 3, 21, 10, 30)):
        staff = client_for("staff@a.test")
        assert edit(staff, j, pk, fault_date="2024-03-16").status_code == 302
        page = text(staff.get(f"{DECISIONS}details/?id={pk}"))
    outcome, effective, state, reason_en, _zh, decided_at = stored(app, pk)
    assert (outcome, effective, state) == ("paid", "paid", "open")
    assert "fault on 2024-03-16" in reason_en and reason_en.endswith("(after the last day)")
    assert decided_at == T(2024, 3, 21, 2, 30)
    assert "Mar 21, 2024, 10:30" in page  # shown in the company's zone
    # Nothing of the inputs changed: neither recomputed nor re-stamped.
    with frozen(T(2024, 3, 22, 8, 0)):
        staff = client_for("staff@a.test")
        assert edit(staff, j, pk, override_reason="").status_code == 302
    assert stored(app, pk)[5] == T(2024, 3, 21, 2, 30)
    # The cause verified later turns it, whatever the date.
    staff = client_for("staff@a.test")
    assert edit(staff, j, pk, fault_date="2024-03-10", cause="user").status_code == 302
    assert stored(app, pk)[0] == "paid" and "cause user" in stored(app, pk)[3]


def test_one_decision_per_work_order_and_for_the_orders_unit(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    other_customer = add_customer(app, world, "AKH02", name="宁波东港物业")
    stranger = add_unit(app, world, other_customer, j["product"], "SN-9999", sale_date=D(2023, 5, 1))
    cases = [({"unit": str(stranger)}, f"Work order {j['order_number']} is about unit KT-35 SN-0315: decide for that "
                                       "unit, or correct the work order first."),
             ({"fault_date": "2099-01-01"}, "The fault date cannot be in the future.")]
    for values, message in cases:
        data = {"work_order": str(j["order"]), "unit": str(j["unit"]), "fault_date": "2024-03-10",
                "cause": "product", **values}
        page = staff.post(f"{DECISIONS}new/", data)
        assert page.status_code == 200 and message in text(page), message
    with app.app_context():
        assert db.session.query(WarrantyDecision).count() == 0
    decide(staff, j, "2024-03-10", "product")  # positive control
    page = staff.post(f"{DECISIONS}new/", {"work_order": str(j["order"]), "unit": str(j["unit"]),
                                           "fault_date": "2024-03-11", "cause": "user"})
    assert page.status_code == 200
    assert f"Work order {j['order_number']} already has its 三包 decision: open that one." in text(page)
    with app.app_context():
        assert db.session.query(WarrantyDecision).count() == 1


def test_an_override_needs_a_reason_and_the_sign_off_of_the_management_rep(app, world, client_for, tmp_path):
    j = job(app, world)
    make_quality_people(world)
    staff = client_for("staff@a.test")
    pk = decide(staff, j, "2024-03-10", "product")  # 三包 by the rules
    # No outcome or reason: refused with a message, still open.
    page = fire(staff, DECISIONS, WarrantyDecision, pk, "request_override")
    assert "Fill in Override outcome before Ask to override." in page
    same = edit(staff, j, pk, override_outcome="sanbao")
    assert same.status_code == 200 and "The override is the computed outcome already" in text(same)
    assert edit(staff, j, pk, override_outcome="paid").status_code == 302
    page = fire(staff, DECISIONS, WarrantyDecision, pk, "request_override")
    assert "Fill in Override reason before Ask to override." in page
    assert stored(app, pk)[2] == "open"
    reason = "现场发现用户私自改装电源线路，烧毁控制板"
    assert edit(staff, j, pk, override_reason=reason).status_code == 302
    page = fire(staff, DECISIONS, WarrantyDecision, pk, "request_override")
    assert stored(app, pk)[:3] == ("sanbao", "sanbao", "override_requested")  # not yet: it needs the sign-off
    assert "Awaiting sign-off: Approve override — Management representative / Head of quality" in page
    # 刘洋 (no responsibility) may not sign; 李明华, the 管理者代表, does.
    page = fire(staff, DECISIONS, WarrantyDecision, pk, "approve_override")
    assert "needs the sign-off of Management representative / Head of quality" in page
    assert stored(app, pk)[2] == "override_requested"
    manager = client_for("manager@a.test")
    fire(manager, DECISIONS, WarrantyDecision, pk, "approve_override")
    outcome, effective, state, *_ = stored(app, pk)
    assert (outcome, effective, state) == ("sanbao", "paid", "overridden")  # the computed one is kept beside it
    with app.app_context():
        from core.org import signoffs_of
        (signed,) = [s for s in signoffs_of(db.session.get(WarrantyDecision, pk))]
        assert (signed.signer_name, signed.responsibility) == ("李明华", "core.management_rep")
    # The service report of the order prints the decision that counts, with the override's reason.
    report = staff.post(f"{REPORTS}new/", {"work_order": str(j["order"]), "returned_at": "2024-03-11 17:00:00",
                                           "verified_fault": "控制板烧毁", "work_done": "更换控制板"})
    assert report.status_code == 302
    with app.app_context():
        rid = db.session.query(ServiceReport).one().id
    page = text(staff.get(f"{REPORTS}details/?id={rid}"))
    assert "<b>Paid</b> (Overridden)" in page
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    flat = re.sub(r"\s+", "", pdf_text(staff.get(f"/print/after_sales.service_report/{rid}.pdf").data, tmp_path,
                                       layout=False))
    assert "□三包维修☑有偿服务" in flat and f"改判为有偿（原因：{reason}）" in flat and "☑产品质量" in flat


def test_the_quality_head_may_refuse_an_override_which_reopens_the_decision(app, world, client_for):
    j = job(app, world)
    make_quality_people(world)
    staff = client_for("staff@a.test")
    pk = decide(staff, j, "2024-03-16", "product", override_outcome="sanbao", override_reason="老客户，酌情免费")
    fire(staff, DECISIONS, WarrantyDecision, pk, "request_override")
    admin = client_for("admin@a.test")  # 王芳, the 质量负责人
    page = fire(admin, DECISIONS, WarrantyDecision, pk, "reject_override")
    assert "needs a comment" in page and stored(app, pk)[2] == "override_requested"
    fire(admin, DECISIONS, WarrantyDecision, pk, "reject_override", comment="超过三包期，按有偿处理")
    assert stored(app, pk)[:3] == ("paid", "paid", "open")


def test_a_confirmed_decision_is_locked_until_decided_again(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    pk = decide(staff, j, "2024-03-10", "product")
    fire(staff, DECISIONS, WarrantyDecision, pk, "confirm")
    assert stored(app, pk)[2] == "confirmed"
    before = stored(app, pk)
    assert "This record is Confirmed: it can no longer be changed." in text(staff.get(f"{DECISIONS}edit/?id={pk}"))
    page = edit(staff, j, pk, fault_date="2024-03-16")
    assert page.status_code == 302  # no field of the confirmed decision's form: nothing changes
    assert stored(app, pk) == before
    with app.app_context():
        assert db.session.get(WarrantyDecision, pk).fault_date == D(2024, 3, 10)
    # Decided again (why): open, computed afresh, editable.
    fire(staff, DECISIONS, WarrantyDecision, pk, "reopen", comment="用户补充了故障日期")
    assert stored(app, pk)[2] == "open"
    assert edit(staff, j, pk, fault_date="2024-03-16").status_code == 302
    assert stored(app, pk)[:3] == ("paid", "paid", "open")


def _correct(app, world, model, pk, **values):
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            record = db.session.get(model, pk)
            for name, value in values.items():
                setattr(record, name, value)
            db.session.commit()


def test_a_corrected_sale_date_or_product_period_counts_again_while_open(app, world, client_for):
    """By hand: sold 2023-03-15, 1 year → last day 2024-03-15, a fault on
    2024-03-16 is 有偿. The sale date corrected to 2023-04-01 → last day
    2024-04-01 → 三包. Back to 2023-03-15 → 有偿 again; the product's own
    period of 24 months → last day 2025-03-15 → 三包. Once confirmed, a
    correction no longer moves it."""
    from ..models import Product, UnitSold
    j = job(app, world)
    staff = client_for("staff@a.test")
    pk = decide(staff, j, "2024-03-16", "product")
    assert stored(app, pk)[0] == "paid"
    _correct(app, world, UnitSold, j["unit"], sale_date=D(2023, 4, 1))
    outcome, _eff, state, reason_en, _zh, _at = stored(app, pk)
    assert (outcome, state) == ("sanbao", "open")
    assert "sold 2023-04-01" in reason_en and "last day 2024-04-01" in reason_en
    _correct(app, world, UnitSold, j["unit"], sale_date=D(2023, 3, 15))
    assert stored(app, pk)[0] == "paid"
    _correct(app, world, Product, j["product"], warranty_months=24)
    outcome, _eff, _state, reason_en, _zh, _at = stored(app, pk)
    assert outcome == "sanbao" and "last day 2025-03-15" in reason_en
    fire(staff, DECISIONS, WarrantyDecision, pk, "confirm")
    _correct(app, world, Product, j["product"], warranty_months=None)  # the company's 12 months again
    assert stored(app, pk)[:3] == ("sanbao", "sanbao", "confirmed")


def test_confirming_counts_with_the_company_period_of_that_day(app, world, client_for):
    """By hand: sold 2023-03-15, fault 2024-06-01. With the company's 12
    months the last day is 2024-03-15 → 有偿; the company's period raised
    to 24 months before the confirmation → last day 2025-03-15 → 三包 is
    what the confirmation locks."""
    from core.settings.store import set_settings
    j = job(app, world)
    staff = client_for("staff@a.test")
    pk = decide(staff, j, "2024-06-01", "product")
    assert stored(app, pk)[0] == "paid"
    with app.app_context():
        set_settings({"after_sales.warranty_months": 24}, world.company("A"), world.user("admin@a.test"))
    page = fire(staff, DECISIONS, WarrantyDecision, pk, "confirm")
    outcome, effective, state, reason_en, _zh, _at = stored(app, pk)
    assert (outcome, effective, state) == ("sanbao", "sanbao", "confirmed")
    assert "last day 2025-03-15" in reason_en and "last day 2025-03-15" in page


def test_the_decision_form_presets_the_orders_unit(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    form = staff.get(f"{DECISIONS}new/?work_order={j['order']}").get_data(as_text=True)
    assert j["order_number"] in form and "KT-35 SN-0315" in form
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        assert db.session.query(WarrantyDecision).count() == 0
