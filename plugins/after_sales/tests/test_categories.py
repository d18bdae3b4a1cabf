"""Work-order categories 工单类别 through their screen: the eight of the
issue (安装/调试/维修/培训/咨询/退货/换货/投诉) for every company that enables
the module, edited by admins and managers per company, and a category's own
targets counted by core before the company's settings (but after a service
agreement in force)."""
import datetime as dt
from decimal import Decimal

from core import db
from core.models import Company
from core.plugin.modules import disable_module, enable_module
from core.records import tenancy

from ..models import ServiceAgreement, WorkOrder, WorkOrderCategory
from .helpers import add_customer

URL = "/admin/after_sales/category/"
#: The issue's list, in its order (issue 11, item 3), and which one is a complaint.
EIGHT = [("install", "安装"), ("commission", "调试"), ("repair", "维修"), ("training", "培训"), ("consult", "咨询"),
         ("return", "退货"), ("exchange", "换货"), ("complaint", "投诉")]


def categories(app, company):
    with app.app_context():
        target = db.session.query(Company).filter_by(code=company).one()
        return [(c.code, c.name_zh, c.is_complaint, c.response_amount, c.response_unit, c.resolution_amount,
                 c.resolution_unit)
                for c in tenancy.scoped_query(WorkOrderCategory, target).order_by(WorkOrderCategory.sort)]


def category_id(app, world, code, company="A"):
    with app.app_context():
        return tenancy.scoped_query(WorkOrderCategory, world.company(company)).filter_by(code=code).one().id


def edit_form(app, world, which, company="A", **values):
    with app.app_context():
        c = tenancy.scoped_query(WorkOrderCategory, world.company(company)).filter_by(code=which).one()
        base = {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en or "", "sort": str(c.sort),
                "response_amount": "", "response_unit": "", "resolution_amount": "", "resolution_unit": "",
                "record_version": str(c.version)}
        if c.is_complaint:
            base["is_complaint"] = "y"
    base.update(values)
    return c.id, base


def test_enabling_the_module_gives_a_new_company_the_eight_categories(app, world):
    with app.app_context():
        company = Company(code="C", name="Company C", province="江苏")
        db.session.add(company)
        db.session.commit()
        assert enable_module(company, "after_sales") == ["crm"]  # its dependency comes along
    rows = categories(app, "C")
    assert [(code, zh) for code, zh, *_ in rows] == EIGHT
    assert [code for code, _zh, complaint, *_ in rows if complaint] == ["complaint"]
    assert all(r[3:] == (None, None, None, None) for r in rows)  # the settings count until a company says otherwise
    # Enabled again after a pause: the company's list is kept, nothing doubled.
    with app.app_context():
        company = db.session.query(Company).filter_by(code="C").one()
        with tenancy.acting_as(company):
            repair = tenancy.scoped_query(WorkOrderCategory, company).filter_by(code="repair").one()
            repair.name_zh = "维修服务"
            db.session.commit()
        disable_module(company, "after_sales")
        enable_module(company, "after_sales")
    rows = categories(app, "C")
    assert len(rows) == 8 and rows[2][:2] == ("repair", "维修服务")


def test_a_manager_edits_a_category_and_the_other_company_keeps_its_own(app, world, client_for):
    before_b = categories(app, "B")
    client = client_for("manager@a.test")
    cid, values = edit_form(app, world, "consult", name_zh="电话咨询", response_amount="4", response_unit="hours",
                            resolution_amount="1", resolution_unit="working_days")
    saved = client.post(f"{URL}edit/?id={cid}", values)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    rows = dict((r[0], r[1:]) for r in categories(app, "A"))
    assert rows["consult"] == ("电话咨询", False, Decimal("4.00"), "hours", Decimal("1.00"), "working_days")
    assert categories(app, "B") == before_b  # company B's 咨询 is B's
    listing = client.get(URL).get_data(as_text=True)
    assert "电话咨询" in listing and "4 hours" in listing and "1 working day" in listing
    # An admin adds one of the company's own.
    made = client_for("admin@a.test").post(URL + "new/", {"code": "inspection", "name_zh": "巡检",
                                                          "name_en": "Inspection", "sort": "75"})
    assert made.status_code == 302, made.get_data(as_text=True)[:3000]
    assert [r[0] for r in categories(app, "A")][-2:] == ["inspection", "complaint"]
    assert "inspection" not in [r[0] for r in categories(app, "B")]


def test_staff_and_read_only_users_read_the_list_but_do_not_edit_it(app, world, client_for):
    cid, values = edit_form(app, world, "repair", name_zh="维修（改）")
    for email in ("staff@a.test", "readonly@a.test"):
        client = client_for(email)
        listing = client.get(URL)
        assert listing.status_code == 200 and "维修" in listing.get_data(as_text=True)
        assert client.post(f"{URL}edit/?id={cid}", values).status_code == 403
        assert client.post(URL + "new/", {"code": "x1", "name_zh": "新类别", "sort": "1"}).status_code == 403
    assert [r[1] for r in categories(app, "A")][2] == "维修"
    # Positive control: the manager's same edit saves.
    assert client_for("manager@a.test").post(f"{URL}edit/?id={cid}", values).status_code == 302
    assert [r[1] for r in categories(app, "A")][2] == "维修（改）"


def test_bad_categories_are_refused_with_a_message(app, world, client_for):
    client = client_for("admin@a.test")
    new = {"code": "inspection", "name_zh": "巡检", "sort": "85"}
    cases = [
        ({**new, "response_amount": "4"}, "Give both the amount and the unit of the target, or neither."),
        ({**new, "resolution_unit": "calendar_days"}, "Give both the amount and the unit of the target, or neither."),
        ({**new, "resolution_amount": "1.5", "resolution_unit": "working_days"}, "This target cannot be counted"),
        ({**new, "response_amount": "0", "response_unit": "hours"}, "This target cannot be counted"),
        ({**new, "code": "repair"}, "Code repair is already used by the category"),
        ({**new, "code": "巡检 1"}, "A code is lower-case letters, digits, - and _"),
    ]
    for values, message in cases:
        page = client.post(URL + "new/", values)
        assert page.status_code == 200 and message in page.get_data(as_text=True), message
    assert len(categories(app, "A")) == 8
    # The code of an existing category stays (other records find it by it); its names change.
    cid, values = edit_form(app, world, "repair", code="fix", name_zh="维修服务")
    assert 'name="code"' not in client.get(f"{URL}edit/?id={cid}").get_data(as_text=True)
    assert client.post(f"{URL}edit/?id={cid}", values).status_code == 302
    assert categories(app, "A")[2][:2] == ("repair", "维修服务")
    # Positive control: good values save.
    assert client.post(URL + "new/", {**new, "response_amount": "0.5", "response_unit": "hours"}).status_code == 302
    assert len(categories(app, "A")) == 9


def order_due(app, world, category, customer_id, company="A", received=dt.datetime(2026, 3, 2, 10, 0)):
    """A new order of ``category`` received on Monday 2026-03-02 at 10:00: its two due moments."""
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            order = WorkOrder(customer_id=customer_id, subject="空调不制冷", received_at=received,
                              category_id=category_id(app, world, category, company))
            db.session.add(order)
            db.session.commit()
            return order.response_due, order.resolution_due


def test_a_category_with_its_own_targets_changes_the_due_moments_of_its_new_orders(app, world, client_for):
    # Company A is in 浙江 like the customer: in-province, 2 calendar days; response 24 hours (the settings).
    cid = add_customer(app, world, "KH001", name="西湖国宾馆", province="浙江")
    end_of = lambda day: dt.datetime(2026, 3, day, 23, 59, 59)  # noqa: E731  (24:00 of that day)
    assert order_due(app, world, "consult", cid) == (dt.datetime(2026, 3, 3, 10, 0), end_of(4))
    category, values = edit_form(app, world, "consult", response_amount="4", response_unit="hours",
                                 resolution_amount="1", resolution_unit="calendar_days")
    assert client_for("manager@a.test").post(f"{URL}edit/?id={category}", values).status_code == 302
    # 咨询 now: 4 hours from 10:00, and the end of the next day; 维修 keeps the settings.
    assert order_due(app, world, "consult", cid) == (dt.datetime(2026, 3, 2, 14, 0), end_of(3))
    assert order_due(app, world, "repair", cid) == (dt.datetime(2026, 3, 3, 10, 0), end_of(4))
    # Company B's 咨询 was not edited: its settings count there.
    b_cid = add_customer(app, world, "KH001", company="B", province="四川")
    assert order_due(app, world, "consult", b_cid, company="B") == (dt.datetime(2026, 3, 3, 10, 0), end_of(4))
    # A service agreement in force comes first: its 30-minute response; the category's resolution (none promised).
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            db.session.add(ServiceAgreement(customer_id=cid, valid_from=dt.date(2026, 1, 1),
                                            valid_to=dt.date(2026, 12, 31), response_amount=Decimal("0.5"),
                                            response_unit="hours"))
            db.session.commit()
    assert order_due(app, world, "consult", cid) == (dt.datetime(2026, 3, 2, 10, 30), end_of(3))
