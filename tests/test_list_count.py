"""The list's count, capped on the list page (admin.counting): "100+" and
"Count all" instead of counting every match, exact everywhere else."""
import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import escape

from core import db
from core.records import tenancy
from plugins.crm.admin.customers import CustomerView
from plugins.crm.models import Customer

CUSTOMERS = "/admin/crm/customer/"
TAB = re.compile(r'class="nav-link active">[^<(]*\(([^)]*)\)')
COUNT_ALL = re.compile(r'<a class="nav-link" id="count-all" href="([^"]+)"')
PAGES = re.compile(r'[?&]page=(\d+)')
CODE = re.compile(r'<td class="col-code">\s*(K[HB]\d{4})\s*<')


@pytest.fixture
def hotels(app, world, monkeypatch):
    """520 customers of A named …国宾馆 among 600 (every fifth of them 浙江,
    the others 江苏); B has 国宾 customers too. The list counts at most 100
    beyond its page."""
    monkeypatch.setattr(CustomerView, "count_limit", 100)
    with app.app_context():
        with tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
            db.session.add_all([
                Customer(code=f"KH{n:04d}", name="东方商场" if n % 10 == 0 else f"西湖国宾馆{n}号楼",
                         province="浙江" if n % 5 == 1 else "江苏",
                         archived_at=dt.datetime(2025, 1, 1) if n % 10 == 1 and n < 200 else None)
                for n in range(600)])
            db.session.commit()
        with tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
            db.session.add_all([Customer(code=f"KB{n:04d}", name="锦江国宾馆") for n in range(300)])
            db.session.commit()


def shown(client, **query):
    page = client.get(CUSTOMERS, query_string=query).get_data(as_text=True)
    link = COUNT_ALL.search(page)
    return page, TAB.search(page).group(1), (link.group(1).replace("&amp;", "&") if link else None)


def test_a_search_matching_more_than_the_limit_says_so_and_counts_all_on_request(hotels, client_for):
    client = client_for("staff@a.test")
    page, count, count_all = shown(client, search="国宾")
    assert count == "100+"
    assert len(CODE.findall(page)) == 50
    assert max(int(p) for p in PAGES.findall(page)) == 1  # two pages offered: the second one reachable
    assert parse_qs(urlsplit(count_all).query) == {"search": ["国宾"], "count": ["all"]}
    page, count, count_all = shown(client, search="国宾", count="all")
    assert (count, count_all) == ("520", None)  # 540 named so, 20 of them archived; B's never counted
    assert max(int(p) for p in PAGES.findall(page)) == 10  # 11 pages


def test_further_pages_count_beyond_the_page_shown(hotels, client_for):
    client = client_for("staff@a.test")
    page, count, _ = shown(client, search="国宾", page=1)
    assert count == "150+"  # at most max(100, (1 + 2) × 50): the next page is always offered
    assert max(int(p) for p in PAGES.findall(page)) == 2
    page, count, count_all = shown(client, search="国宾", page=9)
    assert (count, count_all) == ("520", None)  # max(100, 550) ≥ 520: exact
    assert len(CODE.findall(shown(client, search="国宾", page=10)[0])) == 20


def equals_filter(app, column, value):
    """The list's URL argument for the filter "``column`` equals ``value``"."""
    from flask_admin.contrib.sqla.filters import FilterEqual
    view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "crm_customer")
    index = next(i for i, f in enumerate(view._filters)
                 if type(f) is FilterEqual and getattr(f.column, "key", None) == column)
    return {f"flt0_{index}": value}


def test_the_cap_counts_after_the_filters_and_the_archive_toggle(app, hotels, client_for):
    client = client_for("staff@a.test")
    zhejiang = equals_filter(app, "province", "浙江")  # n % 5 == 1: 120 of the 600, all …国宾馆, 20 archived
    assert shown(client, search="国宾", **zhejiang)[1:] == ("100", None)
    _page, count, count_all = shown(client, search="国宾", archived="1", **zhejiang)
    assert count == "100+"
    assert parse_qs(urlsplit(count_all).query)["archived"] == ["1"]
    assert shown(client, search="国宾", archived="1", count="all", **zhejiang)[1:] == ("120", None)


def test_a_list_under_the_limit_is_counted_exactly(hotels, client_for):
    assert shown(client_for("staff@a.test"), search="东方")[1:] == ("60", None)
    assert shown(client_for("staff@b.test"))[1] == "100+"  # B's 300, plainly listed


def test_the_export_counts_exactly(hotels, client_for, monkeypatch):
    monkeypatch.setattr(CustomerView, "export_max_rows", 10)
    response = client_for("staff@a.test").get(CUSTOMERS + "export/csv/", query_string={"search": "国宾"})
    assert response.status_code == 200
    assert response.headers["X-Qdesk-Export-Truncated"] == "10/520"


def test_a_capped_count_is_text_on_the_page_and_a_number_for_the_pager():
    from admin.counting import AtLeast
    count = AtLeast(1000)
    assert (str(count), str(escape(count)), count + 0, -(-count // 50)) == ("1000+", "1000+", 1000, 20)
