"""质量跟踪 (002-S, AS-62 … AS-68) through its screens: the record is
written by the sales person, signed by the head of 销售部 (AS-66), handed
to 质管部 whose receipt starts the 15 working-day solve deadline (AS-67),
solved (cause analysis, handling opinion) and closed once the user was
told. A record with nothing left to solve is filed instead."""
from __future__ import annotations

import datetime as dt

from core import db
from core.deadlines import DeadlineClock
from core.records import tenancy

from ..models.tracking import QualityTracking
from .tracking_helpers import URL, add_customer, add_tracking, fire, make_people, record, text


def tracking_form(customer_id, people, **fields):
    data = {"tracked_on": "2026-11-20", "customer": str(customer_id), "product": "KFR-35GW 分体空调",
            "contract_no": "HT-2026-031", "channel": "phone", "topic_process": "y", "topic_standards": "y",
            "topic_delivery": "y", "topic_service": "y", "opinion": "整体满意",
            "problems": "外机噪音偏大", "unsolved_problems": "外机噪音需质管部分析", "finding": "defect",
            "department": str(people["sales"]), "responsible": str(people["liu"])}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_a_record_goes_from_sales_to_quality_and_closes_once_the_user_is_told(app, world, client_for):
    people = make_people(world)
    customer = add_customer(app, world, "AKH01", name="西湖国宾馆", province="浙江省")
    staff, head, qm = client_for("staff@a.test"), client_for("manager@a.test"), client_for("admin@a.test")
    response = staff.post(f"{URL}new/", tracking_form(customer, people))
    assert response.status_code == 302, text(response)[:2000]
    with app.app_context():
        pk = db.session.query(QualityTracking).one().id
    made = record(app, pk)
    assert made.number.startswith("ZLGZ-") and made.state == "draft"
    assert (made.topic_process, made.topic_complaints, made.finding) == (True, False, "defect")
    # Not handed over yet: no receipt, no solve-by moment.
    assert made.qm_received_at is None and made.solve_due is None

    fire(staff, pk, "sign")            # only the head of 销售部 signs
    assert record(app, pk).state == "draft"
    fire(head, pk, "sign")
    assert record(app, pk).state == "signed"
    page = fire(head, pk, "file")                   # a problem is left: it cannot be filed
    assert record(app, pk).state == "signed"
    assert "instead of filing it" in page or "不能直接归档" in page
    fire(staff, pk, "receive")          # 质管部 receives, nobody else
    fire(qm, pk, "receive")
    received = record(app, pk)
    assert received.state == "received" and received.qm_received_at is not None
    assert received.solve_due is not None and received.solve_due > received.qm_received_at

    page = fire(qm, pk, "solve")                    # cause analysis and handling opinion first
    assert record(app, pk).state == "received"
    version = record(app, pk).version
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        from core.records import access
        access.update(db.session.get(QualityTracking, pk),
                      {"cause_analysis": "风扇动平衡不良", "handling_opinion": "更换风扇叶"}, version)
        db.session.commit()
    fire(qm, pk, "solve")
    assert record(app, pk).state == "solved" and record(app, pk).solved_at is not None
    fire(qm, pk, "close")                           # the date the user was told first
    assert record(app, pk).state == "solved"
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        from core.records import access
        access.update(db.session.get(QualityTracking, pk), {"user_informed_on": dt.date(2026, 11, 27)},
                      record(app, pk).version)
        db.session.commit()
    fire(qm, pk, "close")
    assert record(app, pk).state == "closed"
    with app.app_context():
        clock = db.session.query(DeadlineClock).filter_by(deadline="quality.tracking.solve", record_id=pk).one()
        assert clock.status == "met"


def test_a_record_with_nothing_left_to_solve_is_filed_and_never_counts_a_deadline(app, world, client_for):
    people = make_people(world)
    customer = add_customer(app, world, "AKH02")
    head = client_for("manager@a.test")
    staff = client_for("staff@a.test")
    response = staff.post(f"{URL}new/", tracking_form(customer, people, unsolved_problems="", problems="",
                                                      finding="none"))
    assert response.status_code == 302
    with app.app_context():
        pk = db.session.query(QualityTracking).one().id
    fire(head, pk, "sign")
    fire(head, pk, "file")
    filed = record(app, pk)
    assert filed.state == "filed" and filed.solve_due is None and filed.qm_received_at is None
    with app.app_context():
        clock = db.session.query(DeadlineClock).filter_by(deadline="quality.tracking.solve", record_id=pk).one()
        assert clock.status == "void"
    fire(staff, pk, "receive")


def test_fifteen_working_days_from_the_receipt_across_national_day_with_make_up_days(app, world, client_for):
    """Received by 质管部 Fri 2024-09-27 (chinesecalendar 2024): working days
    09-29 (Sun, 调休), 09-30, [10-01 … 10-07 off], 10-08 … 10-11, 10-12 (Sat,
    调休), 10-14 … 10-18, 10-21, 10-22, 10-23: the 15th is Wed 2024-10-23,
    due at its end. Weekends only would give 2024-10-18; no 调休, 2024-10-25."""
    make_people(world)
    customer = add_customer(app, world, "AKH03")
    pk = add_tracking(app, world, customer, dt.date(2024, 9, 26), unsolved_problems="控制板偶发死机",
                      qm_received_at=dt.datetime(2024, 9, 27, 10, 0))
    head, qm = client_for("manager@a.test"), client_for("admin@a.test")
    fire(head, pk, "sign")
    fire(qm, pk, "receive")
    got = record(app, pk)
    assert got.qm_received_at == dt.datetime(2024, 9, 27, 10, 0)  # the receipt as recorded
    assert got.solve_due == dt.datetime(2024, 10, 23, 23, 59, 59)
    listing = text(qm.get(f"{URL}?overdue=quality.tracking.solve"))
    assert got.number in listing  # long past: in core's overdue list


def test_the_day_of_tracking_is_the_companys_day_by_default(app, world, client_for):
    """The form's default tracking date is the company's today, not the server's."""
    make_people(world)
    page = client_for("staff@a.test").get(f"{URL}new/").get_data(as_text=True)
    from core.calendar.timezone import local_today
    with app.app_context():
        assert local_today(world.company("A")).isoformat() in page


def test_another_companys_record_is_not_found(app, world, client_for):
    make_people(world)
    customer = add_customer(app, world, "AKH04")
    pk = add_tracking(app, world, customer, dt.date(2026, 11, 2))
    assert client_for("staff@b.test").get(f"{URL}details/?id={pk}").status_code in (302, 404)
    assert client_for("staff@a.test").get(f"{URL}details/?id={pk}").status_code == 200
