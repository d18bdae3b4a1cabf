"""The work-order list 工单 as a dispatcher and an engineer use it: the
search box finds an order by a fragment of its customer's name (two
characters: 国宾; three or more: 西湖国) or by its number, in the user's
company only (company B's customer of the same name never shows); a term
nothing matches leaves the list empty. "Mine" lists the orders the user's
employee is the engineer of; "My department" those of the user's service
centre and the stations under it (and the user's own), never a sibling
centre's. A renamed customer's orders are found by the new name; an
archived customer's past orders still by its name."""
from __future__ import annotations

import datetime as dt
import html
import re

from core import db
from core.records import tenancy
from plugins.crm.models import Customer

from ..models import WorkOrder
from .helpers import add_customer

URL = "/admin/after_sales/workorder/"
T = dt.datetime


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def add_order(app, world, customer_id, subject, company="A", received=T(2024, 3, 4, 9, 0), **fields):
    """A work order of ``company`` recorded by its staff: (id, number)."""
    low = company.lower()
    with app.app_context(), tenancy.acting_as(world.company(company), world.user(f"staff@{low}.test")):
        order = WorkOrder(customer_id=customer_id, subject=subject, received_at=received, **fields)
        db.session.add(order)
        db.session.commit()
        return order.id, order.number


def rows(response) -> int:
    """How many records the list page shows (one selection box each)."""
    return len(re.findall(r'<input type="checkbox" name="rowid"[^>]*value="\d+"', response.get_data(as_text=True)))


def listed(page: str, subjects) -> set[str]:
    """Which of ``subjects`` the list page shows."""
    return {s for s in subjects if s in page}


def shown(client, query: str, subjects) -> set[str]:
    """Which of ``subjects`` the list at ``query`` shows, and nothing else
    (as many rows as subjects found)."""
    response = client.get(f"{URL}{query}")
    found = listed(text(response), subjects)
    assert rows(response) == len(found), (query, found, rows(response))
    return found


# --- the search box ---------------------------------------------------------------

SEARCHED = ("三号机组不制冷", "遥控器失灵", "乙方机组漏水")


def _searchable_orders(app, world):
    """A: 西湖国宾馆 (三号机组不制冷) and 钱塘江大酒店 (遥控器失灵); B: its own
    customer also named 西湖国宾馆 (乙方机组漏水). The numbers by subject."""
    xihu = add_customer(app, world, "AKH01", name="西湖国宾馆", province="浙江")
    qiantang = add_customer(app, world, "AKH02", name="钱塘江大酒店", province="浙江")
    xihu_b = add_customer(app, world, "BKH01", company="B", name="西湖国宾馆", province="四川")
    numbers = {}
    for customer, subject, company in ((xihu, "三号机组不制冷", "A"), (qiantang, "遥控器失灵", "A"),
                                       (xihu_b, "乙方机组漏水", "B")):
        numbers[subject] = add_order(app, world, customer, subject, company=company)[1]
    return numbers


def test_a_fragment_of_the_customers_name_finds_the_order_in_the_users_company_only(app, world, client_for):
    _searchable_orders(app, world)
    staff = client_for("staff@a.test")
    assert shown(staff, "", SEARCHED) == {"三号机组不制冷", "遥控器失灵"}  # A's two, not B's
    for term in ("国宾", "西湖国", "西湖国宾馆"):  # 2 characters (the gram index), 3 and more (trigrams)
        assert shown(staff, f"?search={term}", SEARCHED) == {"三号机组不制冷"}, term
    assert shown(staff, "?search=酒店", SEARCHED) == {"遥控器失灵"}
    # Company B's clerk finds B's 西湖国宾馆 only, by the same fragments.
    staff_b = client_for("staff@b.test")
    for term in ("国宾", "西湖国"):
        assert shown(staff_b, f"?search={term}", SEARCHED) == {"乙方机组漏水"}, term
    assert shown(staff_b, "?search=酒店", SEARCHED) == set()  # A's customer: not B's to find


def test_the_number_finds_its_order_and_another_companys_same_number_stays_hidden(app, world, client_for):
    numbers = _searchable_orders(app, world)
    first, second = numbers["三号机组不制冷"], numbers["遥控器失灵"]
    assert re.fullmatch(r"GD-\d{4}-\d{5}", first) and first != second
    staff = client_for("staff@a.test")
    assert shown(staff, f"?search={first}", SEARCHED) == {"三号机组不制冷"}
    assert shown(staff, f"?search={second}", SEARCHED) == {"遥控器失灵"}
    assert shown(staff, f"?search={second[-5:]}", SEARCHED) == {"遥控器失灵"}  # its serial digits alone
    # Each company numbers its own orders from 1: B's first order carries A's first number, yet A's clerk
    # searching that number sees A's order only (above), and B's clerk B's.
    assert numbers["乙方机组漏水"] == first
    staff_b = client_for("staff@b.test")
    assert shown(staff_b, f"?search={first}", SEARCHED) == {"乙方机组漏水"}
    assert shown(staff_b, f"?search={second}", SEARCHED) == set()  # A's second: B has none


def test_a_term_nothing_matches_leaves_the_list_empty(app, world, client_for):
    _searchable_orders(app, world)
    staff = client_for("staff@a.test")
    # No such name; two terms that no one order holds both of (every term must match).
    for term in ("不存在的客户", "国宾 酒店"):
        assert shown(staff, f"?search={term}", SEARCHED) == set(), term
    # Positive control: both terms in one order's text.
    assert shown(staff, "?search=国宾 不制冷", SEARCHED) == {"三号机组不制冷"}


# --- "Mine" and "My department" ----------------------------------------------------------

ORG_ORDERS = ("刘洋负责的中心单", "中心待派工单", "杭州站张伟的单", "宁波中心陈静的单", "宁波中心刘洋的单", "乙公司的单")


def _service_centres(app, world):
    """Company A: 供销部 with two sibling centres under it, 售后服务中心 (FW,
    head 王芳: manager@a) with 杭州服务站 (HZ) under it, and 宁波服务中心
    (NB). Engineers 刘洋 (FW, staff@a), 张伟 (HZ, readonly@a), 陈静 (NB,
    admin@a). Five orders of A, one of B."""
    from core.org import Department, Employee
    customer = add_customer(app, world, "AKH01", name="西湖国宾馆", province="浙江")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        sales = Department(code="GX", name="供销部")
        centre = Department(code="FW", name="售后服务中心", parent=sales)
        station = Department(code="HZ", name="杭州服务站", parent=centre)
        sibling = Department(code="NB", name="宁波服务中心", parent=sales)
        wang = Employee(number="A012", name="王芳", department=centre, user=world.user("manager@a.test"))
        liu = Employee(number="A013", name="刘洋", department=centre, user=world.user("staff@a.test"))
        zhang = Employee(number="A021", name="张伟", department=station, user=world.user("readonly@a.test"))
        chen = Employee(number="A031", name="陈静", department=sibling, user=world.user("admin@a.test"))
        db.session.add_all([sales, centre, station, sibling, wang, liu, zhang, chen])
        db.session.flush()
        centre.head = wang
        db.session.commit()
        ids = {"FW": centre.id, "HZ": station.id, "NB": sibling.id, "liu": liu.id, "zhang": zhang.id,
               "chen": chen.id}
    for subject, department, engineer in (("刘洋负责的中心单", "FW", "liu"), ("中心待派工单", "FW", None),
                                          ("杭州站张伟的单", "HZ", "zhang"), ("宁波中心陈静的单", "NB", "chen"),
                                          ("宁波中心刘洋的单", "NB", "liu")):
        add_order(app, world, customer, subject, department_id=ids[department],
                  responsible_id=ids[engineer] if engineer else None)
    add_order(app, world, add_customer(app, world, "BKH01", company="B", name="西湖国宾馆"), "乙公司的单",
              company="B")
    return ids


def test_mine_lists_only_the_orders_the_engineer_is_responsible_for(app, world, client_for):
    _service_centres(app, world)
    staff = client_for("staff@a.test")  # 刘洋
    everything = text(staff.get(URL))
    assert 'id="mine-me"' in everything and 'id="mine-department"' in everything  # both offered on the list
    assert shown(staff, "", ORG_ORDERS) == set(ORG_ORDERS) - {"乙公司的单"}
    assert shown(staff, "?mine=me", ORG_ORDERS) == {"刘洋负责的中心单", "宁波中心刘洋的单"}  # his own, either centre
    assert shown(client_for("readonly@a.test"), "?mine=me", ORG_ORDERS) == {"杭州站张伟的单"}
    # The centre's head is the engineer of none: her "Mine" is empty, not her centre's.
    assert shown(client_for("manager@a.test"), "?mine=me", ORG_ORDERS) == set()
    # A login that is no employee of the company has no orders of its own (not everything).
    staff_b = client_for("staff@b.test")
    assert shown(staff_b, "?mine=me", ORG_ORDERS) == set()
    assert shown(staff_b, "", ORG_ORDERS) == {"乙公司的单"}


def test_my_department_lists_the_centre_and_the_stations_under_it_not_a_sibling_centre(app, world, client_for):
    _service_centres(app, world)
    centre = {"刘洋负责的中心单", "中心待派工单", "杭州站张伟的单"}  # FW's own and its station HZ's
    mine = "?mine=department"
    # 刘洋, engineer in FW: his centre, its station, and his own order at the sibling centre.
    assert shown(client_for("staff@a.test"), mine, ORG_ORDERS) == centre | {"宁波中心刘洋的单"}
    assert shown(client_for("manager@a.test"), mine, ORG_ORDERS) == centre  # 王芳, head of FW
    # The station's engineer sees his station only: the centre above it is not "his department".
    assert shown(client_for("readonly@a.test"), mine, ORG_ORDERS) == {"杭州站张伟的单"}
    # 陈静 of the sibling 宁波服务中心: its two orders, none of FW's.
    assert shown(client_for("admin@a.test"), mine, ORG_ORDERS) == {"宁波中心陈静的单", "宁波中心刘洋的单"}


def test_the_search_works_inside_my_department(app, world, client_for):
    """The two narrowings together: the centre's orders that match the term."""
    _service_centres(app, world)
    staff = client_for("staff@a.test")
    assert shown(staff, "?mine=department&search=张伟", ORG_ORDERS) == {"杭州站张伟的单"}
    assert shown(staff, "?mine=department&search=陈静", ORG_ORDERS) == set()  # the sibling's
    assert shown(staff, "?search=陈静", ORG_ORDERS) == {"宁波中心陈静的单"}  # positive control


def _xihu(app, world) -> int:
    with app.app_context():
        return tenancy.scoped_query(Customer, world.company("A")).filter_by(code="AKH01").one().id


def _customer_change(app, world, customer_id, **values):
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        customer = db.session.get(Customer, customer_id)
        for key, value in values.items():
            setattr(customer, key, value)
        db.session.commit()


def test_a_renamed_customer_finds_its_orders_by_the_new_name_only(app, world, client_for):
    _searchable_orders(app, world)
    xihu = _xihu(app, world)
    _customer_change(app, world, xihu, name="杭州西湖宾馆集团")
    staff = client_for("staff@a.test")
    assert shown(staff, "?search=宾馆集团", SEARCHED) == {"三号机组不制冷"}
    assert shown(staff, "?search=国宾", SEARCHED) == set()  # the old name no longer finds it


def test_the_orders_of_an_archived_customer_are_still_found_by_its_name(app, world, client_for):
    """The customer archived on its screen (a customer no longer served):
    its past orders stay on the list with its name on each row (a service
    record is kept, AS-20), so the name must find them too."""
    _searchable_orders(app, world)
    xihu = _xihu(app, world)
    admin = client_for("admin@a.test")
    assert admin.post("/admin/crm/customer/action/", {"action": "archive", "rowid": [str(xihu)]}).status_code == 302
    with app.app_context():
        assert db.session.get(Customer, xihu).archived_at is not None
    staff = client_for("staff@a.test")
    listing = text(staff.get(URL))
    assert "三号机组不制冷" in listing and "西湖国宾馆" in listing  # the order and its customer's name, listed
    assert shown(staff, "?search=三号机组", SEARCHED) == {"三号机组不制冷"}  # found by its own subject
    assert shown(staff, "?search=西湖国宾馆", SEARCHED) == {"三号机组不制冷"}
