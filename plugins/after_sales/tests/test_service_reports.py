"""售后服务报告单 JL-7.5-02-3 through its screen (AS-15, AS-17, AS-19, T-AS-8),
the buttons on a work order (record_actions) and the printed form.

T-AS-8 by hand: the engineer is back at the factory on Thu 2024-03-07; the
report is due "返厂两日内", two calendar days with the day of return not
counted (D-2): 03-08, 03-09 → the end of **Sat 2024-03-09** (23:59:59).
Handed in on Mon 2024-03-11 → late (2 days); read as working days it would
be due Mon 03-11 and be on time, which is why the unit is calendar days."""
from __future__ import annotations

import datetime as dt
import re

from core import db
from core.deadlines import DeadlineClock
from core.records import tenancy
from tests.fixtures import frozen

from ..models import ServiceReport, WarrantyDecision, WorkOrder
from .report_helpers import REPORTS, fire, job, make_quality_people, pdf_text, text

T = dt.datetime



def report_form(order_id, **values):
    base = {"work_order": str(order_id), "departed_at": "2024-03-06 08:00:00", "arrived_at": "2024-03-06 11:30:00",
            "finished_at": "2024-03-07 10:00:00", "returned_at": "2024-03-07 17:00:00",
            "symptom": "开机后不制冷", "verified_fault": "室外风机不启动，电容鼓包",
            "cause_analysis": "风机电容老化失效（产品质量）", "work_done": "更换风机电容和接触器，试机正常",
            "paid_amount": "0", "open_issues": "建议一个月后回访", "user_opinion": "satisfied",
            "user_name": "周文斌", "user_signed_on": "2024-03-07",
            "parts-0-part_name": "风机电容", "parts-0-spec": "CBB61 4μF", "parts-0-quantity": "1",
            "parts-0-unit": "个", "parts-0-charge": "sanbao",
            "parts-1-part_name": "交流接触器", "parts-1-spec": "CJX2-1810", "parts-1-quantity": "2",
            "parts-1-unit": "只", "parts-1-charge": "paid"}
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def write(client, order_id, **values) -> int:
    response = client.post(f"{REPORTS}new/", report_form(order_id, **values))
    assert response.status_code == 302, text(response)[-3000:]
    with client.app.app_context():
        return db.session.query(ServiceReport).order_by(ServiceReport.id.desc()).first().id


def clock(app, pk):
    with app.app_context():
        row = db.session.query(DeadlineClock).filter_by(deadline="after_sales.report.due", record_id=pk).one()
        return row.status, row.due_at, row.met_at


def filter_arg(app):
    from admin.deadlines import DeadlineFilter
    from tests.factories import view_for
    view = view_for(app, "after_sales_report")
    return next(f"flt1_{name}" for name, (_i, flt) in view._filter_args.items() if isinstance(flt, DeadlineFilter))


def test_t_as_8_back_thursday_due_saturday_submitted_monday_is_late(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    late = write(staff, j["order"])
    with app.app_context():
        report = db.session.get(ServiceReport, late)
        assert re.fullmatch(r"FWBG-\d{4}-0001", report.number)  # core's sequence
        assert report.state == "draft" and report.submitted_at is None
        assert report.report_due == T(2024, 3, 9, 23, 59, 59)  # end of Sat 03-09
        assert [(p.part_name, p.quantity, p.charge) for p in report.parts] == [
            ("风机电容", 1, "sanbao"), ("交流接触器", 2, "paid")]
        number = report.number
    # Not handed in and past its due day: the overdue list has it, not a report of a job just finished.
    from core.calendar.timezone import local_now
    with app.app_context():
        now = local_now(world.company("A")).replace(microsecond=0)
    fresh = write(staff, j["order"], departed_at=None, arrived_at=None, finished_at=None,
                  returned_at=f"{now:%Y-%m-%d %H:%M:%S}")
    with app.app_context():
        fresh_number = db.session.get(ServiceReport, fresh).number
    overdue = text(staff.get(f"{REPORTS}?overdue=after_sales.report.due"))
    assert number in overdue and fresh_number not in overdue
    arg = filter_arg(app)
    assert number in text(staff.get(f"{REPORTS}?{arg}=overdue"))
    assert fresh_number not in text(staff.get(f"{REPORTS}?{arg}=overdue"))
    listing = staff.get(REPORTS).get_data(as_text=True)
    assert listing.count("qdesk-overdue") == 1  # the badge on the late one's due column only
    # Handed in on Mon 2024-03-11 10:00: stamped then, and core's clock says late.
    with frozen(T(2024, 3, 11, 10, 0)):  # logged in then: the session and CSRF token are of that moment
        page = fire(client_for("staff@a.test"), REPORTS, ServiceReport, late, "submit")
    assert "Submitted" in page
    with app.app_context():
        assert db.session.get(ServiceReport, late).submitted_at == T(2024, 3, 11, 10, 0)
    assert clock(app, late) == ("late", T(2024, 3, 9, 23, 59, 59), T(2024, 3, 11, 10, 0))
    assert "qdesk-met-late" in staff.get(f"{REPORTS}details/?id={late}").get_data(as_text=True)
    assert number in text(staff.get(f"{REPORTS}?{arg}=late"))
    assert number not in text(staff.get(f"{REPORTS}?{arg}=met"))
    assert number not in text(staff.get(f"{REPORTS}?overdue=after_sales.report.due"))


def test_handed_in_by_the_end_of_saturday_is_on_time(app, world, client_for):
    # Positive control of T-AS-8: the same return, handed in Sat 2024-03-09 20:00.
    j = job(app, world)
    staff = client_for("staff@a.test")
    pk = write(staff, j["order"])
    with frozen(T(2024, 3, 9, 20, 0)):
        fire(client_for("staff@a.test"), REPORTS, ServiceReport, pk, "submit")
    assert clock(app, pk)[0] == "met"
    with app.app_context():
        number = db.session.get(ServiceReport, pk).number
    assert number in text(staff.get(f"{REPORTS}?{filter_arg(app)}=met"))


def test_submit_needs_the_return_the_verified_fault_and_the_work_done(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    pk = write(staff, j["order"], verified_fault="", work_done="")
    page = fire(staff, REPORTS, ServiceReport, pk, "submit")
    assert "Fill in" in page and "before Submit" in page
    with app.app_context():
        assert db.session.get(ServiceReport, pk).state == "draft"
    # Filled in, it goes.
    with app.app_context():
        version = db.session.get(ServiceReport, pk).version
    form = report_form(j["order"], record_version=str(version))
    form = {k: v for k, v in form.items() if not k.startswith("parts-")}
    assert staff.post(f"{REPORTS}edit/?id={pk}", form).status_code == 302
    fire(staff, REPORTS, ServiceReport, pk, "submit")
    with app.app_context():
        assert db.session.get(ServiceReport, pk).state == "submitted"


def test_times_out_of_order_and_bad_parts_are_refused_with_a_message(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    cases = [(report_form(j["order"], arrived_at="2024-03-06 07:00:00"), "cannot be before"),
             (report_form(j["order"], returned_at="2024-03-07 09:00:00"), "cannot be before"),
             (report_form(j["order"], paid_amount="-5"), "The paid amount cannot be negative."),
             (report_form(j["order"], **{"parts-0-quantity": "0"}), "The quantity must be more than 0.")]
    for values, message in cases:
        page = staff.post(f"{REPORTS}new/", values)
        assert page.status_code == 200 and message in text(page), message
    with app.app_context():
        assert db.session.query(ServiceReport).count() == 0
    write(staff, j["order"])  # positive control


def test_technical_review_needs_the_capa_decision_and_then_locks_the_report(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    pk = write(staff, j["order"])
    fire(staff, REPORTS, ServiceReport, pk, "submit")
    page = fire(staff, REPORTS, ServiceReport, pk, "review")
    assert "Fill in" in page and "before Review" in page
    with app.app_context():
        report = db.session.get(ServiceReport, pk)
        version, state = report.version, report.state
    assert state == "submitted"
    form = {k: v for k, v in report_form(j["order"], capa_needed="no", review_notes="偶发件，纳入持续改进",
                                         record_version=str(version)).items() if not k.startswith("parts-")}
    assert staff.post(f"{REPORTS}edit/?id={pk}", form).status_code == 302
    page = fire(staff, REPORTS, ServiceReport, pk, "review")
    with app.app_context():
        report = db.session.get(ServiceReport, pk)
        assert (report.state, report.capa_needed) == ("reviewed", "no")
        version = report.version
    assert "Continuous improvement" in page
    # Reviewed: the report is locked but for the CAPA reference and the notes.
    form = {k: v for k, v in report_form(j["order"], capa_needed="no", work_done="改写",
                                         record_version=str(version)).items() if not k.startswith("parts-")}
    assert "only CAPA No., Review notes can still be changed." in text(staff.get(f"{REPORTS}edit/?id={pk}"))
    page = staff.post(f"{REPORTS}edit/?id={pk}", form)
    assert page.status_code == 302  # the work done is no field of the locked report's form
    with app.app_context():
        assert db.session.get(ServiceReport, pk).work_done == "更换风机电容和接触器，试机正常"


def test_the_report_page_shows_the_work_orders_decision(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    pk = write(staff, j["order"])
    page = text(staff.get(f"{REPORTS}details/?id={pk}"))
    assert "No 三包 decision yet for this work order." in page
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        db.session.add(WarrantyDecision(work_order_id=j["order"], unit_id=j["unit"], fault_date=dt.date(2024, 3, 6),
                                        cause="product"))
        db.session.commit()
    page = text(staff.get(f"{REPORTS}details/?id={pk}"))
    assert ("sold 2023-03-15, period 1 year, last day 2024-03-15, fault on 2024-03-06, cause product → "
            "三包 (free repair or exchange)") in page
    assert "<b>Warranty (三包)</b> (To confirm)" in page


def test_work_order_buttons_write_the_report_and_open_the_decision(app, world, client_for):
    from core import links
    j = job(app, world, responsible=None)
    people = make_quality_people(world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        db.session.get(WorkOrder, j["order"]).responsible_id = people["liu"]
        db.session.commit()
    client_for("staff@a.test")  # the buttons follow the user's permissions: staff holds both
    with app.test_request_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        order = db.session.get(WorkOrder, j["order"])
        offered = {a.key: a for a in links.offered_actions(order)}
        assert {"after_sales.write_report", "after_sales.decide_warranty"} <= set(offered)
        assert offered["after_sales.write_report"].label("zh") == "填写售后服务报告单"
        report = links.run_action(offered["after_sales.write_report"], order)
        decision = links.run_action(offered["after_sales.decide_warranty"], order)
        db.session.commit()
        assert (report.work_order_id, report.engineer.name, report.symptom, report.state) == (
            j["order"], "刘洋", "开机后不制冷，室外机不转", "draft")
        assert report.number.startswith("FWBG-")
        assert (decision.unit_id, decision.fault_date, decision.cause, decision.outcome) == (
            j["unit"], dt.date(2024, 3, 5), "unclear", "sanbao")  # received 03-05, inside the year
        # Pressed again: the same decision opens (one per order).
        again = links.run_action(links.require_action(order, "after_sales.decide_warranty"), order)
        db.session.commit()
        assert again.id == decision.id
        assert db.session.query(WarrantyDecision).count() == 1
        kinds = {(link.target_entity, link.kind) for link in links.links_of(order)}
        assert ("after_sales.report", "after_sales.write_report") in kinds
        assert ("after_sales.decision", "after_sales.decide_warranty") in kinds
    # Read-only users get no buttons (they may not create reports or decisions).
    with app.test_request_context(), tenancy.acting_as(world.company("A"), world.user("readonly@a.test")):
        assert links.offered_actions(db.session.get(WorkOrder, j["order"])) == []


def test_the_decision_button_needs_the_orders_unit(app, world):
    from core import links
    from core.errors import Invalid
    j = job(app, world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        db.session.get(WorkOrder, j["order"]).unit_id = None
        db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "en"}), \
            tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        order = db.session.get(WorkOrder, j["order"])
        try:
            links.run_action(links.require_action(order, "after_sales.decide_warranty"), order)
        except Invalid as exc:
            assert "Record the unit sold on the work order first" in exc.message
        else:
            raise AssertionError("a decision without a unit was made")
        db.session.rollback()
        assert db.session.query(WarrantyDecision).count() == 0


def test_the_create_form_presets_the_work_order_from_the_link(app, world, client_for):
    j = job(app, world)
    staff = client_for("staff@a.test")
    form = staff.get(f"{REPORTS}new/?work_order={j['order']}").get_data(as_text=True)
    assert f'data-json="[{j["order"]}, &#34;{j["order_number"]}&#34;]"' in form and "开机后不制冷，室外机不转" in form
    # Another company's order is not preset: neither the order nor the fault it reported.
    other = job(app, world, company="B")
    form = staff.get(f"{REPORTS}new/?work_order={other['order']}").get_data(as_text=True)
    assert f'data-json="[{other["order"]},' not in form
    assert "开机后不制冷，室外机不转" not in form


def test_jl_7_5_02_3_prints_every_field_with_the_right_boxes(app, world, client_for, tmp_path):
    j = job(app, world)
    people = make_quality_people(world)
    staff = client_for("staff@a.test")
    pk = write(staff, j["order"], engineer=str(people["liu"]), capa_ref="CAPA-2024-007", capa_needed="yes")
    with frozen(T(2024, 3, 8, 9, 15)), app.app_context():  # decided_at: 01:15 UTC, printed in Shanghai time
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            db.session.add(WarrantyDecision(work_order_id=j["order"], unit_id=j["unit"],
                                            fault_date=dt.date(2024, 3, 6), cause="product"))
            db.session.commit()
    with app.app_context():
        assert db.session.query(WarrantyDecision).one().decided_at == T(2024, 3, 8, 1, 15)
        number = db.session.get(ServiceReport, pk).number
    with frozen(T(2024, 3, 9, 16, 30)):
        fire(client_for("staff@a.test"), REPORTS, ServiceReport, pk, "submit")
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    response = staff.get(f"/print/after_sales.service_report/{pk}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    flat = re.sub(r"\s+", "", pdf_text(response.data, tmp_path, layout=False))
    for expected in ("售后服务报告单", "JL-7.5-02-3", number, j["order_number"],
                     "☑维修", "□安装", "□调试", "□培训", "□其他", "□售前", "□售中", "☑售后",
                     "杭州西湖制冷设备有限公司", "浙江杭州文三路90号", "☑省内", "□省外", "0571-88001234",
                     "商用空调机组", "KT-353.5kW", "SN-0315", "2023-03-15", "三包期至2024-03-15",
                     "2024-03-0608:00", "2024-03-0611:30", "2024-03-0710:00", "2024-03-0717:00",
                     "2024-03-0916:30", "按时提交", "应提交日期2024-03-09", "检查室外风机及电容", "室外风机不启动，电容鼓包",
                     "☑产品质量", "□用户责任", "□超过三包期", "☑三包维修", "□有偿服务", "（待确认，2024-03-0809:15）",
                     "销售日期2023-03-15，三包期1年，最后一天2024-03-15，故障日期2024-03-06，原因：产品质量→三包",
                     "风机电容", "CBB614μF", "交流接触器", "CJX2-1810", "有偿服务费用(元)0.00", "建议一个月后回访",
                     "☑满意", "□基本满意", "□不满意", "周文斌", "刘洋", "供销部接收",
                     "☑需采取纠正/预防措施", "CAPA-2024-007", "□持续改进"):
        assert expected in flat, expected
    staff.post("/set-language", {"locale": "en"})
    english = re.sub(r"\s+", " ", pdf_text(staff.get(f"/print/after_sales.service_report/{pk}.pdf").data,
                                            tmp_path, layout=False))
    for expected in ("After-sales service report", "☑Repair", "☑After-sale", "☑Product quality",
                     "☑三包 repair", "□Paid service", "cause product → 三包", "On time",
                     "☑Corrective action needed"):
        assert expected in english, expected
