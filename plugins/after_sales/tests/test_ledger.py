"""三包备件登记台账 JL-7.5-02-2: posted when a 三包 notice ships, never typed
(AS-12; issue 11 item 7), its read-only screen, and the period report
(landscape, totals per part at the foot).

Company A is in 浙江 (Asia/Shanghai): the ledger's 登记日期 is the
company's day of the shipment, whatever the server's or UTC's."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from core import db
from core.records import tenancy
from core.workflow import transition
from tests.fixtures import frozen
from tests.factories import database_state
from tests.test_reports import pdf_text, squeezed

from ..ledger import post_ledger
from ..models import LedgerLine, PartNotice, PartNoticeLine
from .test_notices import alerts, setup_company, text

URL = "/admin/after_sales/ledger/"
D = dt.datetime
CAPACITOR = ("压缩机启动电容", "CBB65 35μF", "个")
BATTERY = ("遥控器电池", "AAA 1.5V", "节")


def shipped_notice(app, world, org, when, lines, code="A", charge="sanbao", receiver="周文斌"):
    """A notice of company ``code`` written by its staff, signed by its
    管理者代表 and shipped by 生产部 (staff) at ``when`` (company time): its id."""
    low = code.lower()
    with app.app_context(), frozen(when):
        company = world.company(code)
        with tenancy.acting_as(company, world.user(f"staff@{low}.test")):
            notice = PartNotice(customer_id=org["customer"], reason="压缩机不启动", charge=charge, receiver=receiver,
                                carrier="顺丰速运", waybill="SF0001",
                                lines=[PartNoticeLine(part_name=name, spec=spec, quantity=Decimal(qty), unit=unit,
                                                      unit_sold_id=org["unit"]) for (name, spec, unit), qty in lines])
            db.session.add(notice)
            db.session.commit()
        with tenancy.acting_as(company, world.user(f"manager@{low}.test")):
            transition(notice, "sign", "同意")
            db.session.commit()
        with tenancy.acting_as(company, world.user(f"staff@{low}.test")):
            transition(notice, "ship")
            db.session.commit()
        return notice.id


def ledger(app, world, code="A"):
    with app.app_context():
        return sorted((r.posted_on, r.part_name, r.quantity, r.notice_id)
                      for r in tenancy.scoped_query(LedgerLine, world.company(code)))


def test_the_day_posted_is_the_companys_day(app, world):
    org = setup_company(app, world)
    # 2026-11-01 00:30 in Shanghai is still 2026-10-31 in UTC.
    pk = shipped_notice(app, world, org, D(2026, 11, 1, 0, 30), [(CAPACITOR, "1")])
    assert ledger(app, world) == [(dt.date(2026, 11, 1), "压缩机启动电容", Decimal("1.00"), pk)]
    with app.app_context():
        line = tenancy.scoped_query(LedgerLine, world.company("A")).one()
        assert line.shipped_on == dt.date(2026, 11, 1)  # no 发送日期 on the notice: the day it shipped


def test_posting_twice_writes_nothing_new_and_a_paid_notice_posts_nothing(app, world):
    org = setup_company(app, world)
    pk = shipped_notice(app, world, org, D(2026, 10, 10, 9, 0), [(CAPACITOR, "1"), (BATTERY, "4")])
    paid = shipped_notice(app, world, org, D(2026, 10, 11, 9, 0), [(CAPACITOR, "2")], charge="paid")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        before = database_state()
        assert post_ledger(db.session.get(PartNotice, pk)) == []
        assert post_ledger(db.session.get(PartNotice, paid)) == []
        db.session.commit()
        assert database_state() == before
    rows = ledger(app, world)
    assert len(rows) == 2 and sum(r[2] for r in rows) == 5 and {r[3] for r in rows} == {pk}


def test_the_ledger_screen_is_read_only_but_for_the_old_part_and_the_remark(app, world, client_for):
    org = setup_company(app, world)
    pk = shipped_notice(app, world, org, D(2026, 10, 10, 9, 0), [(CAPACITOR, "1"), (BATTERY, "4")])
    staff = client_for("staff@a.test")
    with app.app_context():
        lines = tenancy.scoped_query(LedgerLine, world.company("A")).order_by(LedgerLine.id).all()
        first, version = lines[0].id, lines[0].version
        number = db.session.get(PartNotice, pk).number
    listing = staff.get(URL).get_data(as_text=True)
    assert f'href="/admin/after_sales/notice/details/?id={pk}">{number}</a>' in listing  # each line links to its notice
    assert "/admin/reports/after_sales.warranty_ledger/" in listing  # the period report beside the filters
    assert f"{URL}new/" not in listing
    with app.app_context():
        before = database_state()
    assert staff.get(f"{URL}new/").status_code == 403
    assert staff.post(f"{URL}new/", {"old_part_returned": "y"}).status_code == 403
    assert staff.post(f"{URL}delete/", {"id": str(first)}).status_code == 403
    staff.post(f"{URL}action/", {"action": "delete", "rowid": [str(first)]})
    with app.app_context():
        assert database_state() == before
    form = staff.get(f"{URL}edit/?id={first}").get_data(as_text=True)
    assert 'name="old_part_returned"' in form and 'name="remark"' in form
    assert 'name="part_name"' not in form and 'name="quantity"' not in form
    saved = staff.post(f"{URL}edit/?id={first}", {"old_part_returned": "y", "remark": "旧电容已寄回",
                                                  "part_name": "改名", "quantity": "99",
                                                  "record_version": str(version)})
    assert saved.status_code == 302, alerts(saved)
    with app.app_context():
        line = db.session.get(LedgerLine, first)
        assert (line.old_part_returned, line.remark, line.part_name, line.quantity) == (
            True, "旧电容已寄回", "压缩机启动电容", Decimal("1.00"))
    # The notice's page counts them and links to the ledger.
    page = text(staff.get(f"/admin/after_sales/notice/details/?id={pk}"))
    assert "2 line(s), 5 units" in page and f"{URL}?search={number}" in page
    assert number in text(staff.get(f"{URL}?search={number}"))


def _october(app, world):
    org = setup_company(app, world)
    other = dict(org, customer=_second_customer(app, world, org))
    first = shipped_notice(app, world, org, D(2026, 10, 10, 9, 0), [(CAPACITOR, "1"), (BATTERY, "4")])
    second = shipped_notice(app, world, other, D(2026, 10, 20, 15, 0), [(CAPACITOR, "2")], receiver="钱立")
    shipped_notice(app, world, org, D(2026, 11, 1, 0, 30), [(BATTERY, "8")])  # November, local time
    shipped_notice(app, world, org, D(2026, 10, 12, 9, 0), [(CAPACITOR, "5")], charge="paid")  # no ledger
    org_b = setup_company(app, world, "B")
    shipped_notice(app, world, org_b, D(2026, 10, 15, 9, 0), [(("乙公司专用件", "B-1", "件"), "3")], code="B")
    return org, other, first, second


def _second_customer(app, world, org):
    from .helpers import add_customer
    return add_customer(app, world, "AKH02", name="钱塘江大酒店", province="浙江省")


def print_month(client, period="2026-10", **params):
    query = "&".join(f"{k}={v}" for k, v in dict(period=period, **params).items())
    return client.get(f"/admin/reports/after_sales.warranty_ledger/?print=1&{query}")


def test_the_ledger_of_a_month_lists_its_lines_and_totals_per_part(app, world, client_for, tmp_path):
    org, other, first, second = _october(app, world)
    staff = client_for("staff@a.test")
    response = print_month(staff)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    printed = pdf_text(response.data, tmp_path)
    flat = squeezed(printed)
    with app.app_context():
        numbers = {pk: db.session.get(PartNotice, pk).number for pk in (first, second)}
    assert "JL-7.5-02-2" in flat and "Warrantyspare-partledger" in flat
    for expected in (*numbers.values(), "西湖国宾馆", "钱塘江大酒店", "周文斌", "钱立", "2026-10-10", "2026-10-20",
                     "分体空调", "KFR-35GW", "2023A0012", "2027-03-15"):  # sold 2026-03-15, 1 year: until 2027-03-15
        assert expected in flat, expected
    # October: 电容 1 + 2 = 3 个, 电池 4 节; November's 8 batteries, the paid capacitors and company B's part are not in it.
    assert re.search(r"压缩机启动电容\s+CBB65 35μF\s+个\s+3\n", printed), printed
    assert re.search(r"遥控器电池\s+AAA 1.5V\s+节\s+4\n", printed), printed
    assert re.search(r"Total\s+7\n", printed), printed
    assert flat.count("CBB65") == 3 and flat.count("AAA1.5V") == 2  # 2 + 1 lines, and the totals
    assert "乙公司专用件" not in flat and "2026-11-01" not in flat and "5" not in re.findall(r"个\s+(\d+)", printed)
    assert "Tabulated by" in printed and "Checked by" in printed
    assert "Period: 2026-10-01 to 2026-10-31" in printed
    # One customer only.
    narrowed = squeezed(pdf_text(print_month(staff, customer=other["customer"]).data, tmp_path, "one.pdf"))
    assert numbers[second] in narrowed and numbers[first] not in narrowed
    # November has the battery posted at 00:30 local time on 11-01.
    november = pdf_text(print_month(staff, period="2026-11").data, tmp_path, "nov.pdf")
    assert re.search(r"遥控器电池\s+AAA 1.5V\s+节\s+8\n", november), november


def test_another_companys_ledger_is_never_printed_or_shown(app, world, client_for, tmp_path):
    org, other, first, second = _october(app, world)
    staff_b = client_for("staff@b.test")
    flat = squeezed(pdf_text(print_month(staff_b).data, tmp_path))
    assert "乙公司专用件" in flat and "压缩机启动电容" not in flat and "西湖国宾馆" not in flat
    listing = text(staff_b.get(URL))
    assert "乙公司专用件" in listing and "压缩机启动电容" not in listing
    # A's customer as the report's parameter is refused, and A's ledger line is not found.
    refused = print_month(staff_b, customer=org["customer"])
    assert refused.status_code in (200, 400, 404) and refused.mimetype != "application/pdf"
    with app.app_context():
        a_line = tenancy.scoped_query(LedgerLine, world.company("A")).first().id
    assert staff_b.get(f"{URL}details/?id={a_line}").status_code == 404
    assert staff_b.get(f"{URL}edit/?id={a_line}").status_code == 404
