"""The after-sales home-page widgets, read on the real home page: the open
work orders (company, my department), the warranty parts shipped this
month beside last month, the on-time response trend of the last six
months; only for users who may read them, only where the module is on.

Dates are counted from today (the widgets show "this month"): an order
received on the 5th two months ago at 09:00 and answered at 15:30 is on
time (6.5 h ≤ 24 h), one answered two days later is late → that month
50 %; the other months have nothing due → a gap, not 0."""
import datetime as dt
import json
import re
from decimal import Decimal

from core import db
from core.calendar.timezone import local_today
from core.org import Employee
from core.records import tenancy
from core.records.grants import RoleGrant
from tests.factories import disable_with_dependents

from ..models import LedgerLine, PartNotice, PartNoticeLine, WorkOrder
from .helpers import add_customer

DATA_BLOCK = re.compile(r'<script type="application/json" id="qdesk-dashboard-data">(.*?)</script>', re.S)
OPEN_LABEL, MINE_LABEL = "Open work orders", "Open orders of my department and mine"
PARTS_LABEL, CHART_TITLE = "Warranty parts shipped this month", "Work orders answered on time, last 6 months (%)"


def tiles(html):
    """Tile label → (value, unit, trend) on a rendered home page."""
    found = re.findall(r'qdesk-tile-label">([^<]*)</div>\s*<div class="h3 mb-1">\s*'
                       r'(?:<a [^>]*|<span )class="[^"]*qdesk-tile-value">([^<]*)<.*?'
                       r'(?:<small class="text-muted">([^<]*)</small>)?\s*</div>\s*'
                       r'(?:<div class="small[^"]*qdesk-trend"[^>]*>\s*<span[^>]*>[^<]*</span>\s*([^<]*?)\s*<)?',
                       html, re.S)
    return {label: (value, unit, trend) for label, value, unit, trend in found}


def home(client):
    page = client.get("/admin/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def months_back(today, n):
    total = today.year * 12 + today.month - 1 - n
    return dt.date(total // 12, total % 12 + 1, 1)


def _orders(company, cid, *states, **fields):
    for state in states:
        db.session.add(WorkOrder(customer_id=cid, subject="电梯异响", state=state, **fields))


def _shipped(company, cid, day, *quantities):
    """A 三包 notice's ledger lines, as its "ship" posts them (the notice's own
    signing and shipping are tested with the notices; the tile reads the ledger)."""
    lines = [PartNoticeLine(part_name=f"备件{i}", quantity=Decimal(qty)) for i, qty in enumerate(quantities)]
    notice = PartNotice(customer_id=cid, reason="压缩机损坏", receiver="张工", lines=lines)
    db.session.add(notice)
    db.session.flush()
    for line in lines:
        db.session.add(LedgerLine(posted_on=day, shipped_on=day, notice_id=notice.id, notice_line_id=line.id,
                                  customer_id=cid, part_name=line.part_name, quantity=line.quantity))


def seed(app, world):
    cid = add_customer(app, world, "KH001", name="西湖国宾馆")
    b_cid = add_customer(app, world, "KB001", company="B", name="锦江宾馆")
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        today = local_today(a)
        with tenancy.acting_as(a, world.user("admin@a.test")):
            liu = Employee(number="A013", name="刘洋", user=world.user("staff@a.test"))
            db.session.add(liu)
            db.session.flush()
            # Open: recorded, classified, dispatched, in progress, waiting (5; 2 of them 刘洋's);
            # solved or cancelled ones are not open; an archived open one is not counted.
            # They were received 8 months ago: their response clocks lie before the trend's months.
            old = dict(received_at=dt.datetime.combine(months_back(today, 8).replace(day=10), dt.time(10, 0)))
            _orders(a, cid, "recorded", "classified", "dispatched", **old)
            _orders(a, cid, "in_progress", "waiting", responsible_id=liu.id, **old)
            _orders(a, cid, "resolved", "callback_done", "closed", "cancelled", **old)
            db.session.add(WorkOrder(customer_id=cid, subject="旧单", state="recorded",
                                     archived_at=dt.datetime(2024, 1, 1), **old))
            # This month 1 + 4 parts, last month 2: 5 shipped, 3 more than last month.
            _shipped(a, cid, today.replace(day=1), "1", "4")
            _shipped(a, cid, today.replace(day=1) - dt.timedelta(days=1), "2")
            # Two months ago, closed since: one answered in time, one late.
            received = dt.datetime.combine(months_back(today, 2).replace(day=5), dt.time(9, 0))
            _orders(a, cid, "closed", received_at=received, responded_at=received.replace(hour=15, minute=30))
            _orders(a, cid, "closed", received_at=received, responded_at=received + dt.timedelta(days=2))
            db.session.commit()
        with tenancy.acting_as(b, world.user("admin@b.test")):
            _orders(b, b_cid, *["recorded"] * 7)
            _shipped(b, b_cid, today.replace(day=1), "9")
            db.session.commit()
        return today


def test_home_shows_open_orders_parts_shipped_and_the_response_trend(app, world, client_for):
    today = seed(app, world)
    page = home(client_for("staff@a.test"))
    shown = tiles(page)
    assert shown[OPEN_LABEL][:2] == ("5", "orders")          # B's 7 never count
    assert shown[MINE_LABEL][:2] == ("2", "orders")          # 刘洋 is staff@a.test's employee
    assert shown[PARTS_LABEL] == ("5", "parts", "+3")        # 1 + 4 this month, 2 last month
    block = DATA_BLOCK.search(page)
    assert block is not None, "Chart.js is vendored (tests/test_dashboard.py), so charts travel as JSON"
    chart = next(c for c in json.loads(block.group(1)) if c["data"]["datasets"][0]["label"] == "On time")
    labels = [f"{months_back(today, n):%Y-%m}" for n in range(5, -1, -1)]
    assert chart["type"] == "line" and chart["data"]["labels"] == labels
    assert chart["data"]["datasets"][0]["data"] == [None, None, None, 50.0, None, None]
    assert CHART_TITLE in page
    # The tiles open the lists behind them once their screens are there (the work-order and ledger
    # screens come with the module's screens; before that the figures are plain numbers).
    for model, suffix in ((WorkOrder, ""), (WorkOrder, "?mine=department"), (LedgerLine, "")):
        url = next((v.url for v in app.extensions["qdesk.plugins"].admin_views if v.model is model), None)
        if url is not None:
            assert f'href="{url}/{suffix}"' in page
    # Core's overdue tiles for the deadlines are there too, not repeated by the plugin.
    assert page.count("Orders not answered in time") == 1 and page.count("Overdue work orders") == 1


def test_an_employee_without_a_department_sees_no_department_tile(app, world, client_for):
    seed(app, world)
    shown = tiles(home(client_for("manager@a.test")))  # no employee behind this login
    assert OPEN_LABEL in shown and MINE_LABEL not in shown


def test_b_sees_its_own_figures(app, world, client_for):
    seed(app, world)
    shown = tiles(home(client_for("staff@b.test")))
    assert shown[OPEN_LABEL][0] == "7" and shown[PARTS_LABEL][:2] == ("9", "parts")


def test_only_for_readers_and_behind_the_module_gate(app, world, client_for):
    seed(app, world)
    with app.app_context():
        a = world.company("A")
        with tenancy.acting_as(a, world.user("admin@a.test")):
            for permission in ("after_sales.workorder.read", "after_sales.ledger.read"):
                db.session.add(RoleGrant(permission=permission, role="readonly", granted=False))
            db.session.commit()
    page = home(client_for("readonly@a.test"))
    assert OPEN_LABEL not in page and PARTS_LABEL not in page and CHART_TITLE not in page
    page = home(client_for("readonly@b.test"))  # positive control: B did not revoke
    assert OPEN_LABEL in page and PARTS_LABEL in page and CHART_TITLE in page
    with app.app_context():
        disable_with_dependents(world.company("A"), "after_sales", world.user("admin@a.test"))
    page = home(client_for("staff@a.test"))
    assert OPEN_LABEL not in page and PARTS_LABEL not in page and CHART_TITLE not in page
    assert OPEN_LABEL in home(client_for("staff@b.test"))


def test_tiles_in_chinese(app, world):
    from tests.fixtures import PASSWORD, Client
    seed(app, world)
    client = Client(app)
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert client.login("staff@a.test", PASSWORD).status_code == 302
    shown = tiles(home(client))
    assert shown["未结工单"][:2] == ("5", "条") and shown["本月三包备件发货"] == ("5", "件", "+3")
    assert "工单响应及时率（近6个月，%）" in home(client)
