"""The CRM cases of issue 8, reproduced as a user with bad intentions would:
company B (the attacker) and company A (the victim), as in tests/fixtures.py.

* B posts its own survey response back with A's template id in the hidden
  ``template_id``: refused, the response keeps its template, and none of
  A's template (name, questions) appears on B's pages or printed form;
* B's manager deletes a customer that was never edited but that B's
  contact-log entries point at: it is archived, not deleted, and a customer
  A creates next never takes its id (B's entries never show A's customer);
* two editors of one customer's contact persons: the second save is refused
  with the conflict message, and the first shows in the customer's history.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from core import db

from core.records import tenancy
from core.models import AuditEntry
from plugins.crm.models import (ContactLog, ContactPerson, Customer, SurveyQuestion, SurveyResponse,
                                SurveyTemplate)
from tests.factories import form_data

SECRET = "qsecret-A-template"


def _template(app, world, code, name):
    with app.app_context():
        with tenancy.acting_as(world.company(code), world.user(f"admin@{code.lower()}.test")):
            template = SurveyTemplate(name=name, description=f"{name} description", scale_max=5)
            template.questions.append(SurveyQuestion(position=1, text=f"{name} question", weight=Decimal("1")))
            db.session.add(template)
            db.session.commit()
            return template.id


def _response(app, world, code, template_id):
    with app.app_context():
        with tenancy.acting_as(world.company(code), world.user(f"admin@{code.lower()}.test")):
            customer = Customer(code=f"K{code}1", name=f"客户{code}")
            response = SurveyResponse(template=db.session.get(SurveyTemplate, template_id), customer=customer,
                                      surveyed_on=dt.date(2026, 11, 2), respondent="王丽")
            db.session.add(response)
            db.session.commit()
            return response.id


def _edit_data(app, view, response_id, **extra):
    with app.app_context():
        record = db.session.get(SurveyResponse, response_id)
        data = form_data(view._edit_form_class, record, change=False)
        data["record_version"] = str(record.version)
        data.update(extra)
        return data


def _view(app, endpoint):
    return next(v for v in app.extensions["qdesk.plugins"].admin_views if v.endpoint == endpoint)


def test_a_forged_template_id_is_refused_and_nothing_of_a_is_shown(app, world, client_for):
    theirs = _template(app, world, "A", SECRET)
    ours = _template(app, world, "B", "B survey")
    response_id = _response(app, world, "B", ours)
    view = _view(app, "crm_survey")
    c = client_for("manager@b.test")
    for forged in (str(theirs), "99999999999999999999", "987654321", "²"):
        page = c.post(f"/admin/crm/survey/edit/?id={response_id}",
                      _edit_data(app, view, response_id, template_id=forged, respondent="changed"))
        assert page.status_code in (200, 302), f"template_id={forged!r} gave {page.status_code}"
        with app.app_context():
            assert db.session.get(SurveyResponse, response_id).template_id == ours
    for url in (f"/admin/crm/survey/details/?id={response_id}", f"/print/crm.survey_response/{response_id}.pdf",
                f"/admin/crm/survey/edit/?id={response_id}"):
        page = c.get(url)
        assert page.status_code == 200, f"{url}: {page.status_code}"
        assert SECRET.encode() not in page.data, f"{url} shows A's template"


def test_a_customer_that_log_entries_point_at_is_archived_and_its_id_never_reused(app, world, client_for):
    with app.app_context():
        with tenancy.acting_as(world.company("B"), world.user("manager@b.test")):
            customer = Customer(code="KB-DEL", name="B 的客户")
            entry = ContactLog(customer=customer, channel="phone", direction="in",
                                    occurred_at=dt.datetime(2026, 11, 2, 1, 0), subject="B 的来电")
            db.session.add_all([customer, entry])
            db.session.commit()
            customer_id, entry_id = customer.id, entry.id
    c = client_for("manager@b.test")
    response = c.post("/admin/crm/customer/delete/", {"id": customer_id})
    assert response.status_code == 302
    with app.app_context():
        kept = db.session.get(Customer, customer_id)
        assert kept is not None and kept.archived_at is not None, "a customer others point at was deleted"
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            newcomer = Customer(code="KA-NEW", name="A 的新客户 qnewcomer")
            db.session.add(newcomer)
            db.session.commit()
            assert newcomer.id != customer_id
    page = c.get(f"/admin/crm/contactlog/details/?id={entry_id}")
    assert page.status_code == 200 and "qnewcomer" not in page.get_data(as_text=True)
    assert "B 的客户" in page.get_data(as_text=True)


def test_a_template_with_responses_is_archived_not_deleted(app, world, client_for):
    ours = _template(app, world, "B", "B survey")
    _response(app, world, "B", ours)
    c = client_for("manager@b.test")
    assert c.post("/admin/crm/surveytemplate/delete/", {"id": ours}).status_code == 302
    with app.app_context():
        kept = db.session.get(SurveyTemplate, ours)
        assert kept is not None and kept.archived_at is not None


def _customer_with_contact(app, world):
    with app.app_context():
        with tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
            customer = Customer(code="KB-2ED", name="两人编辑")
            customer.contacts.append(ContactPerson(name="王丽", phone="13800001111"))
            db.session.add(customer)
            db.session.commit()
            return customer.id, customer.contacts[0].id


def _customer_form(client, customer_id):
    page = client.get(f"/admin/crm/customer/edit/?id={customer_id}").get_data(as_text=True)
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="checkbox"' in tag or 'type="submit"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, value in re.findall(r'<select[^>]*name="([^"]+)".*?<option[^>]*selected[^>]*value="([^"]*)"',
                                  page, re.S):
        data[name] = value
    for name, value in re.findall(r'<select[^>]*name="([^"]+)".*?<option[^>]*value="([^"]*)"[^>]*selected',
                                  page, re.S):
        data[name] = value
    return data


def test_two_editors_of_a_customers_contacts_the_second_is_refused(app, world, client_for):
    customer_id, contact_id = _customer_with_contact(app, world)
    first, second = client_for("staff@b.test"), client_for("manager@b.test")
    form_1, form_2 = _customer_form(first, customer_id), _customer_form(second, customer_id)
    phone_key = next(k for k in form_1 if k.startswith("contacts-") and k.endswith("-phone"))
    name_key = phone_key.replace("-phone", "-name")
    assert form_1["record_version"] == form_2["record_version"]

    saved = first.post(f"/admin/crm/customer/edit/?id={customer_id}", {**form_1, phone_key: "13900002222"})
    assert saved.status_code == 302
    refused = second.post(f"/admin/crm/customer/edit/?id={customer_id}", {**form_2, name_key: "李雷"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "changed by someone else" in text
    with app.app_context():
        contact = db.session.get(ContactPerson, contact_id)
        assert (contact.name, contact.phone) == ("王丽", "13900002222"), "the second save overwrote the first"
        history = (db.session.query(AuditEntry)
                   .filter_by(table_name="crm_customer", record_id=customer_id, action="update").all())
        assert any(f"contacts[{contact_id}].phone" in (e.changes or {}) for e in history), \
            "the contact's change is not in the customer's history"


def test_adding_and_removing_a_contact_shows_in_the_customers_history(app, world):
    customer_id, first_contact = _customer_with_contact(app, world)
    with app.app_context():
        with tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
            customer = db.session.get(Customer, customer_id)
            version = customer.version
            customer.contacts.append(ContactPerson(name="李雷", phone="13700003333"))
            db.session.commit()
            added = customer.contacts[-1].id
            assert customer.version == version + 1, "adding a contact did not change the customer's version"
            db.session.delete(db.session.get(ContactPerson, first_contact))
            db.session.commit()
            assert db.session.get(Customer, customer_id).version == version + 2
        changes = [e.changes for e in db.session.query(AuditEntry).filter_by(
            table_name="crm_customer", record_id=customer_id, action="update").order_by(AuditEntry.id)]
        assert changes == [{f"contacts[{added}]": [None, "李雷"]}, {f"contacts[{first_contact}]": ["王丽", None]}]
