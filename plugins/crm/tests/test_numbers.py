"""The CRM's record numbers from core sequences: 登记编号 of the contact log
(LD-2026-0001), 调查表编号 of survey responses (MYD-2026-0001, no longer the
database id), customer codes left empty (KH00001). Per company, per year,
never set by hand (form, forged POST, import), shown on lists, details
pages and printed forms."""
from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core import db

from core.records import tenancy
from core.calendar import local_now
from plugins.crm.models import ContactLog, Customer, SurveyResponse, SurveyTemplate

from .test_customers import add_customer, pdf_text

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month=6, day=15):
    return time_machine.travel(dt.datetime(year, month, day, 12, 0, tzinfo=SHANGHAI), tick=False)


def add_logs(app, world, customer_id, *subjects, company="A"):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            logs = [ContactLog(customer_id=customer_id, subject=s) for s in subjects]
            db.session.add_all(logs)
            db.session.commit()
            return [log.number for log in logs]


def numbers(app, world, model, company="A"):
    with app.app_context():
        return [r.number for r in tenancy.scoped_query(model, world.company(company)).order_by(model.id)]


def test_contact_log_numbers_count_per_company_and_restart_each_year(app, world):
    a, b = add_customer(app, world, "C1"), add_customer(app, world, "C1", company="B")
    with at(2026):
        assert add_logs(app, world, a, "一", "二") == ["LD-2026-0001", "LD-2026-0002"]
        assert add_logs(app, world, b, "B一", company="B") == ["LD-2026-0001"]
        assert add_logs(app, world, a, "三") == ["LD-2026-0003"]
    with at(2027, 1, 2):
        assert add_logs(app, world, a, "新年") == ["LD-2027-0001"]


def test_a_new_prefix_applies_to_the_next_number(app, world):
    from core.settings import set_settings
    year = local_now().year
    a = add_customer(app, world, "C1")
    add_logs(app, world, a, "一")
    with app.app_context():
        set_settings({"crm.contactlog.prefix": "LX"}, world.company("A"))
    add_logs(app, world, a, "二")
    assert numbers(app, world, ContactLog) == [f"LD-{year}-0001", f"LX-{year}-0002"]


def test_numbers_are_not_set_through_the_form_or_a_forged_post(app, world, client_for):
    year = local_now().year
    a = add_customer(app, world, "C1", name="西湖国宾馆")
    client = client_for("staff@a.test")
    form = client.get("/admin/crm/contactlog/new/").get_data(as_text=True)
    assert 'name="number"' not in form
    created = client.post("/admin/crm/contactlog/new/", {
        "customer": str(a), "channel": "phone", "direction": "in", "state": "open",
        "occurred_at": "2025-09-30 15:00:00", "subject": "扶梯异响", "number": "LD-1999-9999"})
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    assert numbers(app, world, ContactLog) == [f"LD-{year}-0001"]
    with app.app_context():
        entry = tenancy.scoped_query(ContactLog, world.company("A")).one()
        entry_id, version = entry.id, entry.version
    edited = client.post(f"/admin/crm/contactlog/edit/?id={entry_id}", {
        "customer": str(a), "channel": "phone", "direction": "in", "state": "open",
        "occurred_at": "2025-09-30 15:00:00", "subject": "扶梯异响（已派工）", "number": "LD-1999-0001",
        "record_version": str(version)})
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    assert numbers(app, world, ContactLog) == [f"LD-{year}-0001"]
    # The list, the details page and the customer's page show it.
    assert f"LD-{year}-0001" in client.get("/admin/crm/contactlog/").get_data(as_text=True)
    assert f"LD-{year}-0001" in client.get(f"/admin/crm/contactlog/details/?id={entry_id}").get_data(as_text=True)
    assert f"LD-{year}-0001" in client.get(f"/admin/crm/customer/details/?id={a}").get_data(as_text=True)
    # Searching the list by number finds it.
    assert "扶梯异响" in client.get(f"/admin/crm/contactlog/?search=LD-{year}-0001").get_data(as_text=True)


def test_an_import_cannot_bring_numbers(app, world, client_for):
    year = local_now().year
    add_customer(app, world, "C1")
    client = client_for("staff@a.test")
    url = "/admin/crm/contactlog/import/"

    def upload(content):
        return client.post(url, {"file": (io.BytesIO(content.encode("utf-8")), "log.csv")},
                           content_type="multipart/form-data", follow_redirects=True)

    refused = upload("number,customer,occurred_at,subject\nLD-1999-0001,C1,2026-10-08 09:30,旧账\n")
    assert "Unknown column(s): number" in refused.get_data(as_text=True)
    assert numbers(app, world, ContactLog) == []
    preview = client.post(url, {"file": (io.BytesIO(
        "customer,occurred_at,subject\nC1,2026-10-08 09:30,第一行\nC1,2026-10-08 10:30,第二行\n".encode()),
        "log.csv")}, content_type="multipart/form-data")
    assert preview.status_code == 302, preview.get_data(as_text=True)[:2000]
    assert client.post(preview.headers["Location"]).status_code == 302
    with app.app_context():
        rows = tenancy.scoped_query(ContactLog, world.company("A")).order_by(ContactLog.id).all()
        assert [(r.subject, r.number) for r in rows] == [("第一行", f"LD-{year}-0001"), ("第二行", f"LD-{year}-0002")]


def test_printed_register_and_card_show_the_log_numbers(app, world, client_for, tmp_path):
    year = local_now().year
    a = add_customer(app, world, "KH001", name="西湖国宾馆", logs=[(dt.datetime(2025, 9, 1, 10), "空调噪音")])
    with app.app_context():
        ids = [str(i) for (i,) in db.session.query(ContactLog.id)]
    client = client_for("staff@a.test")
    register = client.post("/admin/crm/contactlog/action/", {"action": "print_crm_contact_register", "rowid": ids})
    assert register.mimetype == "application/pdf", register.get_data(as_text=True)[:2000]
    assert f"LD-{year}-0001" in pdf_text(register.data, tmp_path)
    card = client.get(f"/print/crm.customer_card/{a}.pdf")
    text = pdf_text(card.data, tmp_path)
    assert f"LD-{year}-0001" in text and "KH001" in text  # the card's record number is the code


def add_survey(app, world, customer_id, company="A"):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            template = tenancy.scoped_query(SurveyTemplate, world.company(company)).first()
            if template is None:
                template = SurveyTemplate(name="年度满意度调查")
                db.session.add(template)
            response = SurveyResponse(template=template, customer_id=customer_id, surveyed_on=dt.date(2026, 8, 12))
            db.session.add(response)
            db.session.commit()
            return response.id, response.number


def test_survey_numbers_come_from_the_sequence_not_the_id(app, world, client_for, tmp_path):
    a, b = add_customer(app, world, "C1"), add_customer(app, world, "C1", company="B")
    with at(2026):
        first_id, first = add_survey(app, world, a)
        assert (first, add_survey(app, world, b, "B")[1], add_survey(app, world, a)[1]) == \
            ("MYD-2026-0001", "MYD-2026-0001", "MYD-2026-0002")
    client = client_for("staff@a.test")
    assert "MYD-2026-0002" in client.get("/admin/crm/survey/").get_data(as_text=True)
    assert "MYD-2026-0001" in client.get(f"/admin/crm/survey/details/?id={first_id}").get_data(as_text=True)
    assert 'name="number"' not in client.get("/admin/crm/survey/new/").get_data(as_text=True)
    printed = client.get(f"/print/crm.survey_response/{first_id}.pdf")
    assert "filename=survey-MYD-2026-0001.pdf" in printed.headers["Content-Disposition"]
    text = pdf_text(printed.data, tmp_path)
    assert "MYD-2026-0001" in text and f"MYD-{first_id:05d}" not in text


def test_a_customer_without_a_code_gets_the_next_one(app, world, client_for):
    client = client_for("staff@a.test")
    assert client.post("/admin/crm/customer/new/", {"code": "", "name": "甲", "kind": "organisation"}).status_code == 302
    # A typed code wins, and the sequence skips a code already typed.
    assert client.post("/admin/crm/customer/new/", {"code": "KH00002", "name": "乙", "kind": "organisation"}).status_code == 302
    assert client.post("/admin/crm/customer/new/", {"code": " ", "name": "丙", "kind": "organisation"}).status_code == 302
    with app.app_context():
        rows = tenancy.scoped_query(Customer, world.company("A")).order_by(Customer.id).all()
        assert [(c.name, c.code) for c in rows] == [("甲", "KH00001"), ("乙", "KH00002"), ("丙", "KH00003")]
    # A typed code already used is refused, naming the customer who has it.
    refused = client.post("/admin/crm/customer/new/", {"code": "KH00001", "name": "丁", "kind": "organisation"})
    assert refused.status_code == 200
    assert "Customer code KH00001 is already used by 甲" in refused.get_data(as_text=True)
    # Another company counts on its own; an import without codes numbers too.
    add_customer(app, world, "B-1", company="B")
    with app.app_context(), tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
        customer = Customer(name="B 的客户")
        db.session.add(customer)
        db.session.commit()
        assert customer.code == "KH00001"
    preview = client.post("/admin/crm/customer/import/", {"file": (io.BytesIO(
        "name,province\n戊,浙江\n".encode()), "c.csv")}, content_type="multipart/form-data")
    assert preview.status_code == 302, preview.get_data(as_text=True)[:2000]
    assert client.post(preview.headers["Location"]).status_code == 302
    with app.app_context():
        assert tenancy.scoped_query(Customer, world.company("A")).filter_by(name="戊").one().code == "KH00004"


@pytest.mark.parametrize("prefix", ["KH-", "客户"])
def test_customer_code_prefix_is_a_setting(app, world, prefix):
    from core.settings import set_settings
    with app.app_context():
        set_settings({"crm.customer.prefix": prefix}, world.company("A"))
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            customer = Customer(name="新客户")
            db.session.add(customer)
            db.session.commit()
            assert customer.code == f"{prefix}00001"
