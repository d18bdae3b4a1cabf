"""Customers: code unique per company, search, bulk action, the printed
客户档案卡 and the import of customers."""
import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from sqlalchemy.exc import IntegrityError

from core import db

from core.records import tenancy
from core.models import PrintJob
from plugins.crm.models import ContactLog, ContactPerson, Customer


def add_customer(app, world, code, *, company="A", contacts=(), logs=(), **fields):
    with app.app_context():
        c, u = world.company(company), world.user(f"staff@{company.lower()}.test")
        with tenancy.acting_as(c, u):
            fields.setdefault("name", f"客户{code}")
            customer = Customer(code=code, **fields)
            db.session.add(customer)
            for name, phone in contacts:
                db.session.add(ContactPerson(customer=customer, name=name, phone=phone, is_primary=True))
            for when, subject in logs:
                db.session.add(ContactLog(customer=customer, occurred_at=when, subject=subject))
            db.session.commit()
            return customer.id


def codes(app, world, company):
    with app.app_context():
        return sorted(c.code for c in tenancy.scoped_query(Customer, world.company(company)))


def test_code_is_unique_per_company(app, world):
    add_customer(app, world, "KH001")
    add_customer(app, world, "KH001", company="B")  # same code in another company: fine
    with pytest.raises(IntegrityError):
        add_customer(app, world, "KH001", name="重复")
    assert codes(app, world, "A") == ["KH001"] and codes(app, world, "B") == ["KH001"]


def test_create_form_refuses_a_duplicate_code(app, world, client_for):
    add_customer(app, world, "KH001")
    client = client_for("staff@a.test")
    response = client.post("/admin/crm/customer/new/", {"code": "KH001", "name": "另一家", "kind": "organisation"})
    assert response.status_code == 200  # the form again, with a message; nothing saved
    assert codes(app, world, "A") == ["KH001"]
    ok = client.post("/admin/crm/customer/new/", {
        "code": "KH002", "name": "西湖国宾馆", "kind": "organisation", "province": "浙江",
        "contacts-0-name": "周文斌", "contacts-0-phone": "0571-87979888", "contacts-0-is_primary": "y"})
    assert ok.status_code == 302
    with app.app_context():
        created = tenancy.scoped_query(Customer, world.company("A")).filter_by(code="KH002").one()
        assert [(p.name, p.company_id) for p in created.contacts] == [("周文斌", world.ids["A"])]


def test_search_finds_customers_by_contact_once(app, world, client_for):
    add_customer(app, world, "KH001", name="锦江宾馆", contacts=[("刘德明", "028-1"), ("刘德华", "028-2")])
    add_customer(app, world, "KH002", name="西湖国宾馆")
    add_customer(app, world, "KH009", company="B", name="锦江宾馆B", contacts=[("刘德明", "028-9")])
    page = client_for("staff@a.test").get("/admin/crm/customer/?search=刘德").get_data(as_text=True)
    assert "锦江宾馆" in page and "西湖国宾馆" not in page and "锦江宾馆B" not in page
    assert re.search(r'class="nav-link active">[^<(]*\(1\)', page)  # counted once, not per contact


def test_mark_as_key_customer_action(app, world, client_for):
    mine = add_customer(app, world, "KH001")
    theirs = add_customer(app, world, "KH001", company="B")
    client = client_for("staff@a.test")
    response = client.post("/admin/crm/customer/action/", {"action": "mark_key", "rowid": [str(mine), str(theirs)]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Customer, mine).is_key is True
        assert db.session.get(Customer, theirs).is_key is False


# --- the printed customer card ------------------------------------------------

def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_customer_card_prints_chinese_text_and_only_the_company_data(app, world, client_for, tmp_path):
    base = dt.datetime(2025, 9, 1, 10, 0)
    logs = [(base + dt.timedelta(days=i), f"来电事由{i:02d}") for i in range(22)]
    cid = add_customer(app, world, "KH001", name="西湖国宾馆", province="浙江", city="杭州",
                       business_format="酒店", is_key=True, contacts=[("周文斌", "0571-87979888")], logs=logs)
    add_customer(app, world, "KH002", name="另一客户", logs=[(base, "别的客户的来电")])
    bid = add_customer(app, world, "KH001", company="B", name="锦江宾馆", contacts=[("刘德明", "028-1")],
                       logs=[(base, "乙公司来电")])
    client = client_for("staff@a.test")
    client.post("/set-language", {"locale": "zh_Hans_CN"})
    response = client.get(f"/print/crm.customer_card/{cid}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    for expected in ("客户档案卡", "客户编码", "KH001", "西湖国宾馆", "浙江杭州", "省内", "酒店", "重点客户是", "单位", "周文斌", "0571-87979888",
                     "联系人", "最近来电来函来访记录", "来电事由21", "来电事由02", "CompanyA", "JL-8.2-01-1"):
        assert expected in text, f"{expected!r} not in the card: {text}"
    # the last 20 entries only; nothing of another customer or company
    for absent in ("来电事由01", "来电事由00", "别的客户的来电", "锦江宾馆", "刘德明", "乙公司来电", "CompanyB"):
        assert absent not in text, f"{absent!r} printed"
    # B's card is not printable from A (404, like an id that does not exist)
    assert client.get(f"/print/crm.customer_card/{bid}.pdf").status_code == 404
    with app.app_context():
        job = db.session.query(PrintJob).order_by(PrintJob.id.desc()).first()
        assert (job.company_id, job.record_ids) == (world.ids["A"], [cid])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_contact_register_prints_the_selected_entries(app, world, client_for, tmp_path):
    base = dt.datetime(2025, 9, 1, 10, 0)
    add_customer(app, world, "KH001", name="西湖国宾馆", logs=[(base, "空调噪音"), (base, "热水不稳定")])
    with app.app_context():
        ids = [str(i) for (i,) in db.session.query(ContactLog.id)]
    client = client_for("staff@a.test")
    client.post("/set-language", {"locale": "zh_Hans_CN"})
    response = client.post("/admin/crm/contactlog/action/", {"action": "print_crm_contact_register", "rowid": ids})
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.get_data(as_text=True)[:3000]
    text = pdf_text(response.data, tmp_path)
    assert "来电来函来访登记表" in text and "空调噪音" in text and "热水不稳定" in text
    assert "西湖国宾馆" in text and "电话" in text and "跟进人" in text


# --- import -------------------------------------------------------------------

URL = "/admin/crm/customer/import/"


def upload(client, content, filename="customers.csv"):
    return client.post(URL, {"file": (io.BytesIO(content.encode("utf-8")), filename)},
                       content_type="multipart/form-data")


def test_import_with_a_bad_row_reports_its_number_and_writes_nothing(app, world, client_for):
    add_customer(app, world, "KH001")
    client = client_for("staff@a.test")
    content = ("code,name,province,market_type,is_key\n"
               "KH101,锦江宾馆,四川,城镇,是\n"           # row 2: fine
               "KH102,西湖国宾馆,浙江,山区,否\n"         # row 3: unknown market type
               "KH001,重复编码,浙江,,\n"                 # row 4: code already used in A
               ",没有编码,浙江,,\n"                     # row 5: no code: the next one of the sequence (fine)
               "KH101,同一文件重复,四川,,\n")             # row 6: code already in row 2
    response = upload(client, content)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    errors = re.findall(r'<tr data-row="(\d+)"><td>\d+</td><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert [(int(r), f) for r, _c, f in errors] == [(3, "market_type"), (4, "code"), (6, "code")], errors
    assert client.post(url).status_code == 400
    assert codes(app, world, "A") == ["KH001"]


def test_import_of_good_rows(app, world, client_for):
    add_customer(app, world, "KH101", company="B")  # B's code does not block A
    client = client_for("staff@a.test")
    content = "客户编码 / Code,客户名称 / Name,province,market_type,is_key\nKH101,锦江宾馆,四川,城镇,是\nKH102,联华超市,浙江,rural,\n"
    url = upload(client, content).headers["Location"]
    assert client.post(url).status_code == 302
    with app.app_context():
        rows = {c.code: (c.name, c.market_type, c.is_key, c.in_province)
                for c in tenancy.scoped_query(Customer, world.company("A"))}
    assert rows == {"KH101": ("锦江宾馆", "urban", True, False), "KH102": ("联华超市", "rural", False, True)}


def test_customer_pages_in_chinese(app, world, client_for):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆", province="浙江", market_type="rural",
                       contacts=[("周文斌", "0571-87979888")],
                       logs=[(dt.datetime(2025, 9, 25, 10), "<b>空调噪音</b>")])
    client = client_for("staff@a.test")
    client.post("/set-language", {"locale": "zh_Hans_CN"})
    listing = client.get("/admin/crm/customer/").get_data(as_text=True)
    for label in ("客户档案", "客户编码", "客户名称", "重点客户", "售后服务责任人", "设为重点客户"):
        assert label in listing, label
    details = client.get(f"/admin/crm/customer/details/?id={cid}").get_data(as_text=True)
    assert "周文斌" in details and "乡村" in details and "客户档案卡" in details
    assert "2025-09-25 10:00 · 电话 · &lt;b&gt;空调噪音&lt;/b&gt; · 待答复 · 逾期" in details
    edit = client.get(f"/admin/crm/customer/edit/?id={cid}")
    assert edit.status_code == 200 and "周文斌" in edit.get_data(as_text=True)
    logs = client.get("/admin/crm/contactlog/").get_data(as_text=True)
    assert "来电来函来访登记" in logs and "答复期限" in logs


def test_customer_page_lists_its_open_contact_log_entries(app, world, client_for):
    """The CRM's panel (hook details_panels) on a customer's page: open and
    replied entries, not closed ones nor other customers'; texts escaped."""
    from core.records import tenancy
    from core.workflow import transition
    from plugins.crm.models import ContactLog, Customer
    with app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        with tenancy.acting_as(company, user):
            mine, other = Customer(name="西湖宾馆", province="浙江"), Customer(name="别家", province="浙江")
            db.session.add_all([mine, other])
            db.session.commit()
            entries = {s: ContactLog(customer=mine, subject=f"<i>{s}</i>") for s in ("still open", "done")}
            db.session.add_all([*entries.values(), ContactLog(customer=other, subject="not mine")])
            db.session.commit()
        with tenancy.acting_as(company, world.user("admin@a.test")):
            transition(entries["done"], "reply")
            db.session.commit()
            transition(entries["done"], "close")
            db.session.commit()
        customer_id, open_id = mine.id, entries["still open"].id
    page = client_for("staff@a.test").get(f"/admin/crm/customer/details/?id={customer_id}").get_data(as_text=True)
    panel = page.split('data-plugin="crm"', 1)[1].split("<h2", 1)[0]
    assert "Open contact-log entries" in panel and "Reply due" in panel
    assert "&lt;i&gt;still open&lt;/i&gt;" in panel and f'href="/admin/crm/contactlog/details/?id={open_id}"' in panel
    assert "done&lt;/i&gt;" not in panel and "not mine" not in page
