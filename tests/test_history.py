"""The change history a clerk can read (issue 9, item 9): the record's page
and the audit log show field labels and display values in the user's
language, not column names and raw values; pickers say what they pick;
module categories are translated."""
from __future__ import annotations

import re

from core.records import tenancy
from core.extensions import db


def _cells(html):
    table = html[html.index('id="audit-log"'):] if 'id="audit-log"' in html else html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))


def _customer(app, world):
    from plugins.crm.models import ContactPerson, Customer
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            customer = Customer(code="KH-H1", name="西湖国宾馆")
            customer.contacts.append(ContactPerson(name="周文斌", phone="0571-1"))
            db.session.add(customer)
            db.session.commit()
            customer.market_type = "urban"
            customer.is_key = True
            customer.responsible = world.user("manager@a.test")
            customer.contacts[0].phone = "0571-2"
            db.session.commit()
            return customer.id


def test_the_records_history_shows_labels_and_display_values_in_chinese(app, world, client_for):
    customer_id = _customer(app, world)
    c = client_for("staff@a.test")
    c.post("/set-language", {"locale": "zh_Hans_CN"})
    text = _cells(c.get(f"/admin/crm/customer/details/?id={customer_id}").get_data(as_text=True))
    assert "市场类型 : — → 城镇" in text, text
    assert "重点客户 : 否 → 是" in text or "重点客户 : — → 是" in text, text
    assert "售后服务责任人 : — → manager A" in text, text
    assert "联系人 #" in text and "电话 : 0571-1 → 0571-2" in text, text
    for raw in ("market_type", "responsible_id", "urban", "is_key", "contacts["):
        assert raw not in text, f"the history shows {raw!r}"


def test_the_audit_log_names_the_screen_and_labels_in_english(app, world, client_for):
    _customer(app, world)
    c = client_for("admin@a.test")
    text = _cells(c.get("/admin/core/audit/").get_data(as_text=True))
    assert "Market type : — → Urban" in text, text
    assert "Customers" in text and "crm_customer" not in text


def test_another_companys_record_is_named_by_its_number_only(app, world):
    """A changed link shown in B's history never names A's record."""
    from admin.history import display_value
    from plugins.crm.models import Customer, SurveyResponse
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            theirs = Customer(code="KH-A", name="A 的秘密客户")
            db.session.add(theirs)
            db.session.commit()
        with app.test_request_context():
            with tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
                assert display_value(SurveyResponse, "customer_id", theirs.id) == f"#{theirs.id}"
            with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
                assert display_value(SurveyResponse, "customer_id", theirs.id) == "KH-A A 的秘密客户"


def test_pickers_say_what_they_pick(app, world, client_for):
    c = client_for("staff@a.test")
    c.post("/set-language", {"locale": "zh_Hans_CN"})
    page = c.get("/admin/crm/visit/new/").get_data(as_text=True)
    assert 'data-placeholder="请选择客户"' in page
    assert "请选择模型" not in page


def test_module_categories_are_translated(app, world, client_for):
    c = client_for("admin@a.test")
    assert "Sales &amp; service" in c.get("/admin/modules/").get_data(as_text=True)
    c.post("/set-language", {"locale": "zh_Hans_CN"})
    page = c.get("/admin/modules/").get_data(as_text=True)
    assert "销售与服务" in page and "Sales &amp; service" not in page
