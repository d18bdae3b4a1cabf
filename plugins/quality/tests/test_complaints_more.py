"""Complaints beyond the form (the demo data: test_demo.py): the KPI 客户投诉率 and the deadline's
on-time KPI core publishes, the widget of open complaints by severity, and
"Create complaint" on a 投诉 work order and on a service report with a
product-fault finding (linked back through core.links)."""
import datetime as dt
from decimal import Decimal


from core import db, links
from core.records import tenancy
from tests.factories import url_of

from plugins.after_sales.categories import by_code, ensure_defaults
from plugins.after_sales.models import ServiceReport, WarrantyDecision, WorkOrder
from plugins.after_sales.tests.helpers import add_customer, add_product, add_unit

from ..kpis import complaint_rate
from ..models.complaints import Complaint
from ..widgets import open_complaints_by_severity
from .complaints_helpers import fire, get, record, setup_org

# --- KPIs -----------------------------------------------------------------------

def _orders(app, world, count, day):
    cid = add_customer(app, world, "KH9", name="某客户")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        for n in range(count):
            db.session.add(WorkOrder(customer_id=cid, subject=f"工单{n}", received_at=day))
        db.session.commit()


def test_the_complaint_rate_is_complaints_over_work_orders_received(app, world, client_for):
    """T-AS-14 scaled down: 4 work orders and 1 complaint received in March
    2024 → 25.00 %; the complaint of April and one not accepted do not count."""
    org = setup_org(app, world)
    _orders(app, world, 4, dt.datetime(2024, 3, 5, 10, 0))
    clerk = client_for("staff@a.test")
    record(clerk, org, received_at="2024-03-06 10:00:00")
    record(clerk, org, received_at="2024-04-01 10:00:00")
    refused = record(clerk, org, received_at="2024-03-07 10:00:00")
    fire(clerk, refused, "reject", comment="假烟，转烟草专卖局处理")
    assert get(app, refused).state == "rejected"
    with app.app_context():
        a = world.company("A")
        assert complaint_rate(a, dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == Decimal("25.00")
        assert complaint_rate(a, dt.date(2024, 5, 1), dt.date(2024, 5, 31)) is None  # no orders
        assert complaint_rate(world.company("B"), dt.date(2024, 3, 1), dt.date(2024, 3, 31)) is None
        registry = app.extensions["qdesk.kpis"]
        keys = set(registry.by_key) if hasattr(registry, "by_key") else set(registry)
        assert {"quality.complaint_rate", "quality.complaint.close.on_time"} <= keys


def test_complaint_kpis_per_liable_department_and_person(app, world, client_for):
    """客户投诉率 and 投诉办结按时率 per 责任部门 / 责任人 (AS-54), for appraisal:
    March 2024, 技术部 received 5 orders (王工 the engineer of 4) and was
    found liable for 2 complaints (王工 for 1): 2/5 = 40.00 %, 王工 1/4 =
    25.00 %; 销售部 3 orders, 1 complaint: 1/3 = 33.33 %; the company 3/8 =
    37.50 %. Both complaints of 技术部 are still open past their 3 working
    days (due Mon 03-11 and Tue 03-12): none on time, 0.00 %."""
    from core.kpis import kpi_value
    from core.org import Department, Employee
    org = setup_org(app, world)
    cid = add_customer(app, world, "KH9", name="某客户")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        day = dt.datetime(2024, 3, 5, 10, 0)
        for n in range(8):
            db.session.add(WorkOrder(customer_id=cid, subject=f"工单{n}", received_at=day,
                                     department_id=org["tech"] if n < 5 else org["sales"],
                                     responsible_id=org["wang"] if n < 4 else None))
        db.session.commit()
    clerk = client_for("staff@a.test")
    liable = [(org["tech"], org["wang"]), (org["tech"], None), (org["sales"], org["liu"])]
    pks = [record(clerk, org, received_at=f"2024-03-0{6 + n} 10:00:00") for n in range(3)]
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        for pk, (department, person) in zip(pks, liable):
            complaint = db.session.get(Complaint, pk)
            complaint.liable_department_id, complaint.liable_person_id = department, person
        db.session.commit()
        a = world.company("A")
        tech, sales = db.session.get(Department, org["tech"]), db.session.get(Department, org["sales"])
        wang = db.session.get(Employee, org["wang"])
        march = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
        assert kpi_value("quality.complaint_rate", a, *march) == Decimal("37.50")
        assert kpi_value("quality.complaint_rate", a, *march, subject=tech) == Decimal("40.00")
        assert kpi_value("quality.complaint_rate", a, *march, subject=wang) == Decimal("25.00")
        assert kpi_value("quality.complaint_rate", a, *march, subject=sales) == Decimal("33.33")
        assert kpi_value("quality.complaint.close.on_time", a, *march, subject=tech) == Decimal("0.00")
        mgmt = db.session.get(Department, org["mgmt"])  # liable for nothing, received no order
        assert kpi_value("quality.complaint_rate", a, *march, subject=mgmt) is None
        assert kpi_value("quality.complaint.close.on_time", a, *march, subject=mgmt) is None


def test_the_on_time_kpi_counts_complaints_informed_by_their_due_day(app, world, client_for):
    from core.deadlines import on_time_rate
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, received_at="2024-09-27 15:00:00")  # due 2024-10-08, open now: late
    with app.app_context():
        assert on_time_rate("quality.complaint.close", world.company("A"), dt.date(2024, 10, 1),
                            dt.date(2024, 10, 31)) == Decimal("0.00")
    assert get(app, pk).close_due.date() == dt.date(2024, 10, 8)


# --- widget --------------------------------------------------------------------

def test_the_widget_counts_open_complaints_by_severity(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    record(clerk, org)
    record(clerk, org, source="court")
    record(clerk, org, source="qts")
    gone = record(clerk, org)
    fire(clerk, gone, "reject", comment="运输损坏，按运输事故程序处理")
    with app.app_context():
        assert open_complaints_by_severity(world.company("A")) == {"general": 1, "major": 2}
        assert open_complaints_by_severity(world.company("B")) == {}
    page = clerk.get("/admin/").get_data(as_text=True)
    assert "Open major complaints" in page and "Open complaints by severity" in page


# --- Create complaint from after-sales -----------------------------------------

def _complaint_order(app, world, category="complaint"):
    cid = add_customer(app, world, "KH1", name="西湖国宾馆")
    pid = add_product(app, world, "KT-35", name="商用空调机组")
    uid = add_unit(app, world, cid, pid, "KT35-0001", sale_date=dt.date(2024, 1, 10))
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        ensure_defaults(world.company("A"))
        order = WorkOrder(customer_id=cid, unit_id=uid, subject="空调噪音投诉", description="机组噪音大，顾客投诉",
                          received_at=dt.datetime(2024, 9, 27, 15, 0), category=by_code(category))
        db.session.add(order)
        db.session.commit()
        return order.id


def _offered(app, world, record_obj_id, model):
    with app.test_request_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        record_obj = db.session.get(model, record_obj_id)
        return [a.key for a in links.offered_actions(record_obj)]


def test_a_complaint_work_order_offers_create_complaint_prefilled_and_linked(app, world, client_for):
    org = setup_org(app, world)
    oid = _complaint_order(app, world)
    assert "quality.complaint_from_order" in _offered(app, world, oid, WorkOrder)
    clerk = client_for("staff@a.test")
    response = clerk.post(url_of(app, "after_sales_workorder", "record_action_view"),
                          {"id": str(oid), "action": "quality.complaint_from_order"})
    assert response.status_code == 302
    with app.app_context():
        (complaint,) = tenancy.scoped_query(Complaint, world.company("A")).all()
        assert complaint.customer.name == "西湖国宾馆" and complaint.product == "商用空调机组"
        assert complaint.spec == "KT-35" and complaint.description == "机组噪音大，顾客投诉"
        assert complaint.received_at == dt.datetime(2024, 9, 27, 15, 0)
        assert complaint.received_by_id == org["liu"] and complaint.close_due == dt.datetime(2024, 10, 8, 23, 59, 59)
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            kinds = {(l.target_entity, l.kind) for l in links.links_of(db.session.get(WorkOrder, oid))}
        assert ("quality.complaint", "quality.complaint_from_order") in kinds


def test_one_complaint_per_case_the_report_joins_its_orders_complaint(app, world, client_for):
    """"create or link": a work order with its complaint offers no second
    one; its service report with a product fault links to that complaint
    instead of raising another about the same fault."""
    setup_org(app, world)
    oid = _complaint_order(app, world)
    clerk = client_for("staff@a.test")
    assert clerk.post(url_of(app, "after_sales_workorder", "record_action_view"),
                      {"id": str(oid), "action": "quality.complaint_from_order"}).status_code == 302
    assert "quality.complaint_from_order" not in _offered(app, world, oid, WorkOrder)  # offered once
    assert clerk.post(url_of(app, "after_sales_workorder", "record_action_view"),
                      {"id": str(oid), "action": "quality.complaint_from_order"}).status_code == 404
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        order = db.session.get(WorkOrder, oid)
        report = ServiceReport(work_order=order, symptom="噪音大", verified_fault="风扇电机轴承损坏")
        db.session.add_all([report, WarrantyDecision(work_order=order, unit=order.unit,
                                                     fault_date=dt.date(2024, 9, 27), cause="product")])
        db.session.commit()
        rid = report.id
        (complaint,) = tenancy.scoped_query(Complaint, world.company("A")).all()
        number = complaint.number
    offered = _offered(app, world, rid, ServiceReport)
    assert "quality.complaint_link_report" in offered and "quality.complaint_from_report" not in offered
    page = clerk.post(url_of(app, "after_sales_report", "record_action_view"),
                      {"id": str(rid), "action": "quality.complaint_link_report"},
                      follow_redirects=True).get_data(as_text=True)
    assert f"Link complaint {number}: linked to {number}." in page
    with app.app_context():
        assert tenancy.scoped_query(Complaint, world.company("A")).count() == 1  # no second complaint
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            linked = links.linked_records(db.session.get(ServiceReport, rid), "quality.complaint")
            assert [c.number for c in linked] == [number]
    assert _offered(app, world, rid, ServiceReport) == []  # joined: nothing more to offer


def test_other_work_orders_do_not_offer_it(app, world):
    setup_org(app, world)
    oid = _complaint_order(app, world, category="repair")
    assert "quality.complaint_from_order" not in _offered(app, world, oid, WorkOrder)


def test_a_service_report_with_a_product_fault_offers_create_complaint(app, world, client_for):
    setup_org(app, world)
    oid = _complaint_order(app, world, category="repair")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        order = db.session.get(WorkOrder, oid)
        report = ServiceReport(work_order=order, symptom="噪音大", verified_fault="风扇电机轴承损坏")
        db.session.add(report)
        db.session.commit()
        rid = report.id
    assert "quality.complaint_from_report" not in _offered(app, world, rid, ServiceReport)  # no finding yet
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        order = db.session.get(WorkOrder, oid)
        db.session.add(WarrantyDecision(work_order=order, unit=order.unit, fault_date=dt.date(2024, 9, 27),
                                        cause="product"))
        db.session.commit()
    assert "quality.complaint_from_report" in _offered(app, world, rid, ServiceReport)
    response = client_for("staff@a.test").post(url_of(app, "after_sales_report", "record_action_view"),
                                               {"id": str(rid), "action": "quality.complaint_from_report"})
    assert response.status_code == 302
    with app.app_context():
        (complaint,) = tenancy.scoped_query(Complaint, world.company("A")).all()
        assert complaint.description == "风扇电机轴承损坏" and complaint.source == "sales_report"
