"""Products and units sold through their screens: create, refuse, import,
list with the warranty end; the units panel on the CRM customer page, per
company and only where after_sales is enabled."""
import datetime as dt
import re

from core.plugin.modules import enable_module
from core.records import tenancy
from core.settings import set_settings
from tests.factories import disable_with_dependents

from ..models import Product, UnitSold
from .helpers import add_customer, add_product, add_unit, upload

PRODUCTS, UNITS = "/admin/after_sales/product/", "/admin/after_sales/unit/"


def customer_page(cid):
    return f"/admin/crm/customer/details/?id={cid}"


def units(app, world, company="A"):
    with app.app_context():
        return sorted((u.product.model, u.serial, u.quantity, u.sale_date)
                      for u in tenancy.scoped_query(UnitSold, world.company(company)))


def test_staff_creates_a_product_and_a_unit_and_sees_its_warranty_end(app, world, client_for):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    client = client_for("staff@a.test")
    made = client.post(PRODUCTS + "new/", {"model": "KT-35", "name": "空调机组", "spec": "3.5 kW",
                                           "warranty_basis": "sale"})
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    with app.app_context():
        pid = tenancy.scoped_query(Product, world.company("A")).filter_by(model="KT-35").one().id
    made = client.post(UNITS + "new/", {"customer": str(cid), "product": str(pid), "serial": "SN-0001",
                                        "quantity": "1", "sale_date": "2023-03-15"})
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    assert units(app, world) == [("KT-35", "SN-0001", 1, dt.date(2023, 3, 15))]
    listing = client.get(UNITS).get_data(as_text=True)
    # The company's default period (1 year): the corresponding date.
    assert "SN-0001" in listing and "Mar 15, 2024" in listing


def test_a_product_period_and_basis_decide_the_warranty_end(app, world, client_for):
    cid = add_customer(app, world, "KH001")
    pid = add_product(app, world, "RO-8", warranty_months=18, warranty_basis="installation")
    add_unit(app, world, cid, pid, "L-77", quantity=40, sale_date=dt.date(2024, 1, 10),
             delivery_date=dt.date(2024, 1, 20), installation_date=dt.date(2024, 2, 29))
    listing = client_for("staff@a.test").get(UNITS).get_data(as_text=True)
    assert "Aug 29, 2025" in listing  # 18 months from the installation on 2024-02-29


def test_bad_input_is_refused_with_a_message_and_saves_nothing(app, world, client_for):
    cid = add_customer(app, world, "KH001")
    pid = add_product(app, world, "KT-35")
    add_unit(app, world, cid, pid, "SN-0001", sale_date=dt.date(2023, 3, 15))
    client = client_for("staff@a.test")
    page = client.post(PRODUCTS + "new/", {"model": "KT-35", "name": "又一个", "warranty_basis": "sale"})
    assert page.status_code == 200 and "Model KT-35 already exists." in page.get_data(as_text=True)
    page = client.post(PRODUCTS + "new/", {"model": "KT-50", "name": "x", "warranty_months": "0",
                                           "warranty_basis": "sale"})
    assert page.status_code == 200 and "A warranty period is 1 to 120 months" in page.get_data(as_text=True)
    page = client.post(UNITS + "new/", {"customer": str(cid), "product": str(pid), "serial": "SN-0001",
                                        "quantity": "1", "sale_date": "2023-04-01"})
    assert page.status_code == 200 and "Serial SN-0001 of KT-35 already exists." in page.get_data(as_text=True)
    page = client.post(UNITS + "new/", {"customer": str(cid), "product": str(pid), "serial": "SN-0002",
                                        "quantity": "1", "sale_date": "2023-04-01", "delivery_date": "2023-03-01"})
    assert page.status_code == 200 and "The delivery date cannot be before the sale date." in page.get_data(as_text=True)
    page = client.post(UNITS + "new/", {"customer": str(cid), "product": str(pid), "serial": "SN-0003",
                                        "quantity": "0", "sale_date": "2023-04-01"})
    assert page.status_code == 200 and "The quantity is at least 1." in page.get_data(as_text=True)
    with app.app_context():
        assert tenancy.scoped_query(Product, world.company("A")).count() == 1
    assert units(app, world) == [("KT-35", "SN-0001", 1, dt.date(2023, 3, 15))]
    # Positive control: the same form with good values saves.
    ok = client.post(UNITS + "new/", {"customer": str(cid), "product": str(pid), "serial": "SN-0002",
                                      "quantity": "1", "sale_date": "2023-04-01", "delivery_date": "2023-04-03"})
    assert ok.status_code == 302
    assert len(units(app, world)) == 2


def test_import_products_then_units(app, world, client_for):
    add_customer(app, world, "KH001")
    add_customer(app, world, "KH009", company="B")  # another company's customer: not found from A
    client = client_for("staff@a.test")
    products = ("型号 / Model,产品名称 / Name,规格 / Spec,三包期（月） / Warranty months,三包起算 / Warranty from\n"
                "KT-35,空调机组,3.5 kW,,销售（开票）日期\n"
                "RO-8,净水设备,,24,installation\n")
    url = upload(client, PRODUCTS + "import/", products).headers["Location"]
    assert client.post(url).status_code == 302
    with app.app_context():
        rows = {p.model: (p.warranty_months, p.warranty_basis)
                for p in tenancy.scoped_query(Product, world.company("A"))}
    assert rows == {"KT-35": (None, "sale"), "RO-8": (24, "installation")}

    bad = ("customer,product,serial,quantity,sale_date,delivery_date\n"
           "KH001,KT-35,SN-1,1,2023-03-15,\n"          # row 2: fine
           "KH009,KT-35,SN-2,1,2023-03-15,\n"          # row 3: B's customer
           "KH001,XX-1,SN-3,1,2023-03-15,\n"           # row 4: no such model
           "KH001,KT-35,SN-1,1,2023-03-16,\n"          # row 5: serial already in row 2
           "KH001,RO-8,L-1,0,2023-03-15,\n"            # row 6: quantity 0
           "KH001,RO-8,L-2,5,2023-03-15,2023-03-01\n")  # row 7: delivered before sold
    response = upload(client, UNITS + "import/", bad)
    assert response.status_code == 302
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    errors = re.findall(r'<tr data-row="(\d+)"><td>\d+</td><td>([^<]*)</td><td>([^<]*)</td>', page)
    assert [(int(r), f) for r, _c, f in errors] == [(3, "customer"), (4, "product"), (5, "serial"),
                                                   (6, "quantity"), (7, "delivery_date")], errors
    assert client.post(url).status_code == 400
    assert units(app, world) == []

    good = ("客户编码 / Customer code,型号 / Model,出厂编号/批号 / Serial or lot,数量 / Quantity,"
            "销售（开票）日期 / Sale date,安装日期 / Installation date\n"
            "KH001,KT-35,SN-1,,2023-03-15,\n"
            "KH001,RO-8,L-2,5,2023-03-15,2023-04-02\n")
    url = upload(client, UNITS + "import/", good).headers["Location"]
    assert client.post(url).status_code == 302
    assert units(app, world) == [("KT-35", "SN-1", 1, dt.date(2023, 3, 15)), ("RO-8", "L-2", 5, dt.date(2023, 3, 15))]


def test_customer_page_lists_its_units_with_warranty_end(app, world, client_for):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    other = add_customer(app, world, "KH002", name="锦江宾馆")
    pid = add_product(app, world, "KT-35", name="空调机组")
    add_unit(app, world, cid, pid, "SN-0001", sale_date=dt.date(2023, 3, 15))
    add_unit(app, world, other, pid, "SN-0099", sale_date=dt.date(2023, 3, 15))
    client = client_for("readonly@a.test")
    page = client.get(customer_page(cid)).get_data(as_text=True)
    assert "Units sold (warranty)" in page
    assert "KT-35 SN-0001" in page and "2024-03-15" in page and "Expired" in page
    assert "SN-0099" not in page  # another customer's unit
    # The company changes its period to 5 years: the unit is in warranty again.
    with app.app_context():
        set_settings({"after_sales.warranty_months": 60}, world.company("A"), world.user("admin@a.test"))
    page = client.get(customer_page(cid)).get_data(as_text=True)
    assert "2028-03-15" in page and "In warranty" in page


def test_panel_is_per_company(app, world, client_for):
    a_customer, b_customer = add_customer(app, world, "KH001"), add_customer(app, world, "KH001", company="B")
    a_product, b_product = add_product(app, world, "KT-35"), add_product(app, world, "KT-35", company="B")
    add_unit(app, world, a_customer, a_product, "A-SERIAL", sale_date=dt.date(2024, 5, 1))
    add_unit(app, world, b_customer, b_product, "B-SERIAL", company="B", sale_date=dt.date(2024, 5, 1))
    page_a = client_for("staff@a.test").get(customer_page(a_customer)).get_data(as_text=True)
    assert "A-SERIAL" in page_a and "B-SERIAL" not in page_a
    b = client_for("staff@b.test")
    assert b.get(customer_page(a_customer)).status_code == 404  # A's customer does not exist in B
    page_b = b.get(customer_page(b_customer)).get_data(as_text=True)
    assert "B-SERIAL" in page_b and "A-SERIAL" not in page_b


def test_no_panel_where_after_sales_is_disabled(app, world, client_for):
    a_customer, b_customer = add_customer(app, world, "KH001"), add_customer(app, world, "KH001", company="B")
    a_product, b_product = add_product(app, world, "KT-35"), add_product(app, world, "KT-35", company="B")
    add_unit(app, world, a_customer, a_product, "A-SERIAL", sale_date=dt.date(2024, 5, 1))
    add_unit(app, world, b_customer, b_product, "B-SERIAL", company="B", sale_date=dt.date(2024, 5, 1))
    with app.app_context():
        disable_with_dependents(world.company("A"), "after_sales")  # quality depends on it
    a = client_for("staff@a.test")
    page = a.get(customer_page(a_customer)).get_data(as_text=True)
    assert "Units sold (warranty)" not in page and "A-SERIAL" not in page
    assert a.get(UNITS).status_code == 404
    page_b = client_for("staff@b.test").get(customer_page(b_customer)).get_data(as_text=True)
    assert "Units sold (warranty)" in page_b and "B-SERIAL" in page_b  # control: B keeps it
    with app.app_context():
        enable_module(world.company("A"), "after_sales")
    assert "A-SERIAL" in a.get(customer_page(a_customer)).get_data(as_text=True)


def test_pages_in_chinese(app, world, client_for):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    pid = add_product(app, world, "KT-35", name="空调机组")
    add_unit(app, world, cid, pid, "SN-0001", sale_date=dt.date(2024, 2, 29))
    client = client_for("staff@a.test")
    client.post("/set-language", {"locale": "zh_Hans_CN"})
    listing = client.get(UNITS).get_data(as_text=True)
    for label in ("销售台账", "出厂编号/批号", "销售（开票）日期", "三包期至", "2025年2月28日"):
        assert label in listing, label
    page = client.get(customer_page(cid)).get_data(as_text=True)
    for label in ("销售台账（三包）", "三包期至", "2025-02-28", "已过三包期"):
        assert label in page, label
