"""The CRM screens added for classification, return visits, surveys and
bulk assignment, driven over HTTP as a clerk would."""
import datetime as dt
import html
import io
import re
from decimal import Decimal

from core import db

from core.records import tenancy
from plugins.crm.models import Customer, PurchaseFigure, ReturnVisit, SurveyQuestion, SurveyResponse, \
    SurveyTemplate

from .test_customers import add_customer


def flashes(page: str) -> str:
    found = re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>|\s+", " ", m) for m in found))


def add_figure(app, world, customer_id, period, quantity, amount, company="A"):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            db.session.add(PurchaseFigure(customer_id=customer_id, period=period, quantity=quantity, amount=amount))
            db.session.commit()


# --- classification -----------------------------------------------------------

def test_classify_a_period_from_the_screen(app, world, client_for):
    # Format 超市, n = 5, k = round(0.2 × 5) = 1.  Q = 100, A = 1000.
    #   K1: (50/100 + 500/1000)/2 = 0.50 → rank 1 → scale 1
    #   K2: (20/100 + 200/1000)/2 = 0.20 → rank 2 → scale 2
    #   K3: (15/100 + 150/1000)/2 = 0.15 → rank 3 → scale 2
    #   K4: (10/100 + 100/1000)/2 = 0.10 → rank 4 → scale 2
    #   K5: ( 5/100 +  50/1000)/2 = 0.05 → rank 5 → scale 3
    figures = {"K1": (50, 500, "urban"), "K2": (20, 200, "rural"), "K3": (15, 150, "urban"),
               "K4": (10, 100, "urban"), "K5": (5, 50, "rural")}
    ids = {}
    for code, (qty, amount, market) in figures.items():
        ids[code] = add_customer(app, world, code, business_format="超市", market_type=market)
        add_figure(app, world, ids[code], "2026-Q3", qty, amount)
    other = add_customer(app, world, "K1", company="B", business_format="超市", market_type="urban")
    add_figure(app, world, other, "2026-Q3", 1, 1, company="B")

    client = client_for("staff@a.test")
    form = client.get("/admin/crm/purchase/classify/").get_data(as_text=True)
    assert '<option value="2026-Q3">' in form
    response = client.post("/admin/crm/purchase/classify/", {"period": "2026-q3"}, follow_redirects=True)
    assert "5 customers classified (scale 1: 1, scale 2: 3, scale 3: 1)" in flashes(response.get_data(as_text=True))
    with app.app_context():
        got = {c.code: (c.class_code, c.class_period) for c in tenancy.scoped_query(Customer, world.company("A"))}
        assert got == {"K1": ("C-超市-1", "2026-Q3"), "K2": ("X-超市-2", "2026-Q3"), "K3": ("C-超市-2", "2026-Q3"),
                       "K4": ("C-超市-2", "2026-Q3"), "K5": ("X-超市-3", "2026-Q3")}
        assert db.session.get(Customer, other).class_code is None  # B's customer is not A's business


def test_classification_refuses_incomplete_customers_and_changes_nothing(app, world, client_for):
    good = add_customer(app, world, "K1", business_format="超市", market_type="urban")
    bad = add_customer(app, world, "K2", business_format=None, market_type="urban")
    add_figure(app, world, good, "2026", 10, 100)
    add_figure(app, world, bad, "2026", 5, 50)
    client = client_for("staff@a.test")
    page = client.post("/admin/crm/purchase/classify/", {"period": "2026"}, follow_redirects=True)
    assert "no business format or market type: K2" in flashes(page.get_data(as_text=True))
    page = client.post("/admin/crm/purchase/classify/", {"period": "2026-13"}, follow_redirects=True)
    assert "Unknown period '2026-13'" in flashes(page.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Customer, good).class_code is None
        assert {f.class_code for f in db.session.query(PurchaseFigure)} == {None}


def test_readonly_users_cannot_classify(app, world, client_for):
    assert client_for("readonly@a.test").post("/admin/crm/purchase/classify/", {"period": "2026"}).status_code == 403


def test_purchase_import_reports_bad_rows_and_writes_nothing(app, world, client_for):
    add_customer(app, world, "K1")
    add_customer(app, world, "K2")
    add_customer(app, world, "KB", company="B")
    client = client_for("staff@a.test")
    content = ("customer,period,quantity,amount\n"
               "K1,2026-Q3,10,100\n"       # row 2: fine
               "K9,2026-Q3,1,1\n"          # row 3: no such customer
               "KB,2026-Q3,1,1\n"          # row 4: B's customer is unknown in A
               "K2,2026-Q5,1,1\n"          # row 5: bad period
               "K2,2026-Q3,-1,1\n"         # row 6: negative quantity
               "K1,2026-q3,3,30\n")        # row 7: K1 already has 2026-Q3 (row 2)
    response = client.post("/admin/crm/purchase/import/",
                           {"file": (io.BytesIO(content.encode()), "figures.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    errors = re.findall(r'<tr data-row="(\d+)"><td>\d+</td><td>([^<]*)</td>', page)
    assert [(int(r), f) for r, f in errors] == [(3, "customer"), (4, "customer"), (5, "period"), (6, "quantity"),
                                                (7, "period")], errors
    with app.app_context():
        assert db.session.query(PurchaseFigure).count() == 0

    good = "customer,period,quantity,amount\nK1,2026-q3,10,100\nK2,2026-Q3,5,80\n"
    response = client.post("/admin/crm/purchase/import/",
                           {"file": (io.BytesIO(good.encode()), "figures.csv")}, content_type="multipart/form-data")
    assert client.post(response.headers["Location"]).status_code == 302
    with app.app_context():
        assert sorted((f.customer.code, f.period, f.quantity) for f in db.session.query(PurchaseFigure)) == [
            ("K1", "2026-Q3", Decimal("10.00")), ("K2", "2026-Q3", Decimal("5.00"))]


# --- return visits -------------------------------------------------------------

def test_plan_key_customer_visits_from_the_screen(app, world, client_for):
    key = add_customer(app, world, "K1", is_key=True)
    add_customer(app, world, "K2", is_key=False)
    add_customer(app, world, "KB", company="B", is_key=True)
    client = client_for("staff@a.test")
    assert "Plan key-customer visits" in client.get("/admin/crm/visit/").get_data(as_text=True)
    page = client.post("/admin/crm/visit/plan/", follow_redirects=True).get_data(as_text=True)
    assert "1 return visit(s) planned" in flashes(page)
    page = client.post("/admin/crm/visit/plan/", follow_redirects=True).get_data(as_text=True)
    assert "0 return visit(s) planned" in flashes(page)  # the open visit is not planned twice
    with app.app_context():
        visits = db.session.query(ReturnVisit).all()
        assert [(v.customer_id, v.generated, v.done_at) for v in visits] == [(key, True, None)]
        visit_id = visits[0].id
    assert client.post("/admin/crm/visit/action/", {"action": "mark_done", "rowid": [str(visit_id)]}).status_code == 302
    with app.app_context():
        visit = db.session.get(ReturnVisit, visit_id)
        assert visit.done_at is not None and visit.visited_by.email == "staff@a.test"
    assert client_for("readonly@a.test").post("/admin/crm/visit/plan/").status_code == 403


# --- surveys -------------------------------------------------------------------

def make_template(app, world, company="A"):
    with app.app_context():
        with tenancy.acting_as(world.company(company), world.user(f"staff@{company.lower()}.test")):
            template = SurveyTemplate(name="售后服务满意度", scale_max=5)
            db.session.add(template)
            for position, (text, weight) in enumerate([("响应速度", 2), ("技术水平", 1), ("服务态度", 1)], 1):
                db.session.add(SurveyQuestion(template=template, position=position, text=text, weight=weight))
            db.session.commit()
            return template.id, [q.id for q in template.questions]


def test_enter_a_survey_response_and_its_csi(app, world, client_for):
    template_id, (q1, q2, q3) = make_template(app, world)
    customer = add_customer(app, world, "K1")
    client = client_for("staff@a.test")
    form = client.get("/admin/crm/survey/new/").get_data(as_text=True)
    for text in ("1. 响应速度 (×2)", "2. 技术水平 (×1)", "5 Very satisfied", "not answered"):
        assert text in form, text
    # weights 2/1/1, scores 5, 4, 3 → (2×100 + 80 + 60) / 4 = 85.00
    response = client.post("/admin/crm/survey/new/", {
        "customer": str(customer), "surveyed_on": "2026-10-08", "respondent": "周文斌", "template_id": str(template_id),
        f"q_{q1}": "5", f"q_{q2}": "4", f"q_{q3}": "3"})
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        saved = db.session.query(SurveyResponse).one()
        assert saved.csi == Decimal("85.00") and saved.template_id == template_id
        rid, version = saved.id, saved.version
    # the third question left unanswered: (2×100 + 80) / 3 = 93.33
    response = client.post(f"/admin/crm/survey/edit/?id={rid}", {
        "customer": str(customer), "surveyed_on": "2026-10-08", "respondent": "周文斌", "record_version": version,
        f"q_{q1}": "5", f"q_{q2}": "4", f"q_{q3}": ""})
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(SurveyResponse, rid).csi == Decimal("93.33")
    details = client.get(f"/admin/crm/survey/details/?id={rid}").get_data(as_text=True)
    assert "3. 服务态度: — / 5" in details and "93.33" in details


def test_a_score_outside_the_scale_is_refused(app, world, client_for):
    template_id, (q1, q2, q3) = make_template(app, world)
    customer = add_customer(app, world, "K1")
    response = client_for("staff@a.test").post("/admin/crm/survey/new/", {
        "customer": str(customer), "surveyed_on": "2026-10-08", "template_id": str(template_id), f"q_{q1}": "9"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(SurveyResponse).count() == 0


# --- bulk assignment -------------------------------------------------------------

def test_assign_responsible_to_selected_customers(app, world, client_for):
    mine = [add_customer(app, world, f"K{i}") for i in range(3)]
    theirs = add_customer(app, world, "KB", company="B")
    client = client_for("staff@a.test")
    picker = client.post("/admin/crm/customer/action/", {"action": "assign_responsible",
                                                         "rowid": [str(i) for i in mine[:2]] + [str(theirs)]})
    page = picker.get_data(as_text=True)
    assert picker.status_code == 200 and "2 records selected" in page
    assert "manager@a.test" in page and "staff@b.test" not in page  # only this company's members
    with app.app_context():
        manager_a, staff_b = world.user("manager@a.test").id, world.user("staff@b.test").id
    rows = {"field": "responsible", "rowid": [str(i) for i in mine[:2]] + [str(theirs)]}
    refused = client.post("/admin/crm/customer/bulk-assign/", {**rows, "user_id": str(staff_b)})
    assert "Choose a member of this company" in refused.get_data(as_text=True)
    done = client.post("/admin/crm/customer/bulk-assign/", {**rows, "user_id": str(manager_a)}, follow_redirects=True)
    assert "Responsible set on 2 record(s)" in flashes(done.get_data(as_text=True))
    with app.app_context():
        got = {c.code: c.responsible_id for c in db.session.query(Customer)}
        assert got == {"K0": manager_a, "K1": manager_a, "K2": None, "KB": None}
    assert client.post("/admin/crm/customer/bulk-assign/", {**rows, "field": "name"}).status_code == 400
    assert client_for("readonly@a.test").post("/admin/crm/customer/bulk-assign/",
                                              {**rows, "user_id": str(manager_a)}).status_code == 403


# --- the customer page and the home page ----------------------------------------

def test_customer_page_shows_visits_and_surveys(app, world, client_for):
    template_id, questions = make_template(app, world)
    customer = add_customer(app, world, "K1")
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            db.session.add(ReturnVisit(customer_id=customer, planned_date=dt.date(2026, 10, 9), kind="phone",
                                       done_at=dt.datetime(2026, 10, 9, 10), satisfaction=4, outcome="运行正常"))
            db.session.add(SurveyResponse(customer_id=customer, template_id=template_id,
                                          surveyed_on=dt.date(2026, 10, 8), csi=Decimal("85.00")))
            db.session.commit()
    page = client_for("staff@a.test").get(f"/admin/crm/customer/details/?id={customer}").get_data(as_text=True)
    assert "2026-10-09 · Phone call · done · 4/5 · 运行正常" in page
    assert "2026-10-08 · 售后服务满意度 · CSI 85.00" in page


def test_home_shows_visits_and_csi_widgets(app, world, client_for):
    page = client_for("staff@a.test").get("/admin/").get_data(as_text=True)
    assert "Return visits this month, done/planned" in page
    assert "Customer satisfaction index per quarter" in page


# --- the register of a date range ----------------------------------------------

def test_print_the_register_of_a_date_range(app, world, client_for, tmp_path):
    from .test_customers import pdf_text
    oct_, nov = dt.datetime(2026, 10, 12, 9), dt.datetime(2026, 11, 3, 9)
    add_customer(app, world, "K1", name="西湖国宾馆", logs=[(oct_, "十月来电空调"), (nov, "十一月来电热水")])
    add_customer(app, world, "KB", company="B", name="乙公司客户", logs=[(oct_, "乙公司十月来电")])
    client = client_for("readonly@a.test")  # printing needs read only
    client.post("/set-language", {"locale": "zh_Hans_CN"})
    form = client.get("/admin/crm/contactlog/register/").get_data(as_text=True)
    assert 'name="start"' in form and 'name="end"' in form
    response = client.get("/admin/crm/contactlog/register/?print=1&start=2026-10-01&end=2026-10-31")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "来电来函来访登记表" in text and "十月来电空调" in text
    assert "十一月来电热水" not in text and "乙公司十月来电" not in text
    english = client_for("staff@a.test")
    for bad in ("start=2026-10-31&end=2026-10-01", "start=2026-13-01&end=2026-10-01"):
        page = english.get(f"/admin/crm/contactlog/register/?print=1&{bad}")
        assert page.mimetype == "text/html" and "Give a valid date range" in flashes(page.get_data(as_text=True))
    empty = english.get("/admin/crm/contactlog/register/?print=1&start=2025-01-01&end=2025-01-31")
    assert "No entries from 2025-01-01 to 2025-01-31" in flashes(empty.get_data(as_text=True))


def test_template_list_shows_the_survey_csi(app, world, client_for):
    template_id, questions = make_template(app, world)
    customer = add_customer(app, world, "K1")
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            for day, csi in ((8, "85.00"), (9, "70.00"), (10, None)):  # (85 + 70) / 2 = 77.50; None not counted
                db.session.add(SurveyResponse(customer_id=customer, template_id=template_id,
                                              surveyed_on=dt.date(2026, 10, day), csi=csi and Decimal(csi)))
            db.session.commit()
    page = client_for("staff@a.test").get("/admin/crm/surveytemplate/").get_data(as_text=True)
    assert "77.50 (2)" in page


def test_an_answered_question_cannot_be_deleted(app, world, client_for):
    from plugins.crm.models import SurveyAnswer
    template_id, (q1, q2, q3) = make_template(app, world)
    customer = add_customer(app, world, "K1")
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            response = SurveyResponse(customer_id=customer, template_id=template_id, surveyed_on=dt.date(2026, 10, 8))
            response.answers.append(SurveyAnswer(question_id=q1, score=4))
            db.session.add(response)
            db.session.commit()
        version = db.session.get(SurveyTemplate, template_id).version
    form = {"name": "售后服务满意度", "scale_max": "5", "is_active": "y", "record_version": str(version)}
    for i, (qid, text, weight) in enumerate([(q1, "响应速度", 2), (q2, "技术水平", 1), (q3, "服务态度", 1)]):
        form.update({f"questions-{i}-id": str(qid), f"questions-{i}-position": str(i + 1),
                     f"questions-{i}-text": text, f"questions-{i}-weight": str(weight)})
    form["del-questions-0"] = "y"  # Flask-Admin's inline delete box
    page = client_for("manager@a.test").post(f"/admin/crm/surveytemplate/edit/?id={template_id}", form,
                                              follow_redirects=True)
    assert "Questions already answered cannot be deleted: 响应速度" in flashes(page.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(SurveyQuestion, q1) is not None
    form.pop("del-questions-0")
    form["del-questions-1"] = "y"  # never answered: may go
    form["questions-0-weight"] = "3"  # the weights change: stored CSIs follow (4/5 → 80.00 whatever the weight)
    form["scale_max"] = "4"         # ... and the scale: 4 of 4 → 100.00
    page = client_for("manager@a.test").post(f"/admin/crm/surveytemplate/edit/?id={template_id}", form)
    assert page.status_code == 302, flashes(page.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(SurveyQuestion, q2) is None
        assert db.session.query(SurveyResponse).one().csi == Decimal("100.00")


def test_overdue_list_shows_the_longest_overdue_first(app, world, client_for):
    from plugins.crm.models import ContactLog
    customer = add_customer(app, world, "K1")
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            for subject, due in (("逾期两天", dt.datetime(2026, 1, 8, 9)), ("逾期十天", dt.datetime(2025, 12, 31, 9)),
                                 ("逾期五天", dt.datetime(2026, 1, 5, 9))):
                db.session.add(ContactLog(customer_id=customer, subject=subject, occurred_at=due - dt.timedelta(days=3),
                                          reply_due=due))
            db.session.commit()
    page = client_for("staff@a.test").get("/admin/crm/contactlog/?overdue=1").get_data(as_text=True)
    shown = re.findall(r"逾期[两五十]天", page)
    assert shown == ["逾期十天", "逾期五天", "逾期两天"]


# --- import of the contact log ------------------------------------------------------

def test_contact_log_import_reports_bad_rows_then_imports_with_reply_due(app, world, client_for):
    from plugins.crm.models import ContactLog
    add_customer(app, world, "K1", province="浙江")
    add_customer(app, world, "KB", company="B")
    client = client_for("staff@a.test")
    bad = ("customer,occurred_at,channel,subject\n"
           "K1,2025-09-30 10:00,电话,空调噪音\n"    # row 2: fine
           "KB,2025-09-30 10:00,电话,乙公司客户\n"    # row 3: B's customer
           "K1,2025-13-01,电话,日期错\n"            # row 4: bad date
           "K1,2025-09-30,飞鸽,方式错\n"            # row 5: unknown channel
           "K1,2025-09-30,电话,\n")                # row 6: no subject
    response = client.post("/admin/crm/contactlog/import/", {"file": (io.BytesIO(bad.encode()), "log.csv")},
                           content_type="multipart/form-data")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    errors = re.findall(r'<tr data-row="(\d+)"><td>\d+</td><td>([^<]*)</td>', page)
    assert [(int(r), f) for r, f in errors] == [(3, "customer"), (4, "occurred_at"), (5, "channel"), (6, "subject")]
    with app.app_context():
        assert db.session.query(ContactLog).count() == 0
    good = "customer,occurred_at,channel,subject\nK1,2025-09-30 10:00,电话,空调噪音\n"
    response = client.post("/admin/crm/contactlog/import/", {"file": (io.BytesIO(good.encode()), "log.csv")},
                           content_type="multipart/form-data")
    assert client.post(response.headers["Location"]).status_code == 302
    with app.app_context():
        log = db.session.query(ContactLog).one()
        # Tuesday 30 Sep 2025 10:00 + 2 calendar days in-province (D-15): 1 and 2
        # Oct, ending at 24:00 of 2 Oct (a holiday: no roll by default).
        assert (log.channel, log.state, log.reply_due) == ("phone", "open", dt.datetime(2025, 10, 2, 23, 59, 59))


def test_contact_log_sorts_by_customer(app, world, client_for):
    when = dt.datetime(2026, 10, 8, 9)
    add_customer(app, world, "K2", name="乙客户", logs=[(when + dt.timedelta(hours=1), "乙的来电")])
    add_customer(app, world, "K1", name="甲客户", logs=[(when, "甲的来电")])
    client = client_for("staff@a.test")
    page = client.get("/admin/crm/contactlog/").get_data(as_text=True)
    assert page.index("乙的来电") < page.index("甲的来电")  # newest first by default
    index = re.search(r'href="([^"]*sort=(\d+)[^"]*)"[^>]*>\s*Customer', page)
    assert index, "the Customer column header is a sort link"
    page = client.get(html.unescape(index.group(1))).get_data(as_text=True)
    assert page.index("甲的来电") < page.index("乙的来电")  # K1 before K2


def test_list_tabs_show_only_pages_the_user_may_open(app, world, client_for):
    staff, readonly = client_for("staff@a.test"), client_for("readonly@a.test")
    assert "Plan key-customer visits" in staff.get("/admin/crm/visit/").get_data(as_text=True)
    assert "Classify a period" in staff.get("/admin/crm/purchase/").get_data(as_text=True)
    assert "Plan key-customer visits" not in readonly.get("/admin/crm/visit/").get_data(as_text=True)
    assert "Classify a period" not in readonly.get("/admin/crm/purchase/").get_data(as_text=True)
    assert "Print register" in readonly.get("/admin/crm/contactlog/").get_data(as_text=True)  # needs read only
