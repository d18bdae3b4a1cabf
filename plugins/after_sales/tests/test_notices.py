"""备件补发通知单 JL-7.5-02-1 through its screen (AS-8, AS-12, T-AS-10).

The seed (001-I 6.4 5)): 供销部 writes up the part name, spec/model,
quantity, ship date and place and the receiver; "经管理者代表签字，由生产部门
根据信息单负责备货并补发". So: a notice waits for the 管理者代表's signature
(待签批) and cannot ship before; only the 管理者代表 signs; 生产部 then
ships it (carrier, waybill); a 三包 notice once shipped writes one ledger
line per part: 2 parts, qty 1 and 4 → 2 lines, 5 units (T-AS-10); a paid
one writes none. What was signed ships as signed."""
from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from decimal import Decimal

import pytest

from core import db
from core.org import Department, Employee, ResponsibilityHolder, Signoff
from core.records import tenancy
from core.workflow import RecordLocked
from tests.factories import database_state

from ..models import LedgerLine, PartNotice, WarrantyDecision, WorkOrder
from .helpers import add_customer, add_product, add_unit

URL = "/admin/after_sales/notice/"


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def alerts(response) -> str:
    """The page's messages and field errors (what a failing assertion shows)."""
    page = text(response)
    found = re.findall(r'alert-\w+[^>]*>(.{0,300}?)</div>|text-danger[^>]*>(.{0,200}?)</ul>', page)
    return " | ".join(re.sub(r"<[^>]+>", " ", a or b).strip() for a, b in found)


def pdf_lines(pdf: bytes, tmp_path, name="notice.pdf") -> list[str]:
    if shutil.which("pdftotext") is None:  # poppler-utils are a system dependency (scripts/system-deps.sh)
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def setup_company(app, world, code="A", customer_name=None):
    """Company ``code``: 供销部 with 刘洋 (staff login: writes the notices),
    生产部 with 王强 (no login), 李明华 (manager login) the 管理者代表; a
    customer in the company's province (浙江) with a unit sold."""
    low = code.lower()
    with app.app_context(), tenancy.acting_as(world.company(code), world.user(f"admin@{low}.test")):
        sales, production = Department(code="GX", name="供销部"), Department(code="SC", name="生产部")
        liu = Employee(number=f"{code}013", name="刘洋", department=sales, user=world.user(f"staff@{low}.test"))
        li = Employee(number=f"{code}002", name="李明华", department=sales, user=world.user(f"manager@{low}.test"))
        wang = Employee(number=f"{code}021", name="王强", department=production)
        db.session.add_all([sales, production, liu, li, wang])
        db.session.flush()
        db.session.add(ResponsibilityHolder(responsibility="core.management_rep", employee=li))
        db.session.commit()
    customer = add_customer(app, world, f"{code}KH01", company=code, name=customer_name or ("西湖国宾馆" if code == "A" else "乙方客户"),
                            province="浙江省")
    product = add_product(app, world, "KFR-35GW", company=code, name="分体空调")
    unit = add_unit(app, world, customer, product, "2023A0012", company=code, sale_date=dt.date(2026, 3, 15))
    return {"customer": customer, "product": product, "unit": unit}


def notice_form(org, lines=((("压缩机启动电容", "CBB65 35μF", "1", "个"),
                             ("遥控器电池", "AAA 1.5V", "4", "节"))), **fields):
    data = {"customer": str(org["customer"]), "reason": "压缩机不启动，电容鼓包", "charge": "",
            "ship_address": "杭州市西湖区杨公堤18号", "receiver": "周文斌", "receiver_phone": "0571-87979889",
            "ship_date": "2026-12-03", "ship_place": "公司成品仓库"}
    for i, (name, spec, qty, unit) in enumerate(lines):
        data.update({f"lines-{i}-part_name": name, f"lines-{i}-spec": spec, f"lines-{i}-quantity": qty,
                     f"lines-{i}-unit": unit, f"lines-{i}-unit_sold": str(org["unit"]),
                     f"lines-{i}-remark": "随货附说明" if i == 0 else ""})
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def write_notice(client, org, **kwargs) -> int:
    response = client.post(f"{URL}new/", notice_form(org, **kwargs))
    assert response.status_code == 302, alerts(response)
    with client.app.app_context():
        return db.session.query(PartNotice).order_by(PartNotice.id.desc()).first().id


def fire(client, pk, key, comment=""):
    with client.app.app_context():
        version = db.session.get(PartNotice, pk).version
    response = client.post(f"{URL}transition/", {"id": str(pk), "version": str(version), "transition": key,
                                                 "comment": comment})
    assert response.status_code in (302, 403), response.status_code
    return text(client.get(f"{URL}details/?id={pk}"))


def state_of(app, pk):
    with app.app_context():
        return db.session.get(PartNotice, pk).state


def ledger_rows(app, world, code="A"):
    with app.app_context():
        return sorted((r.part_name, r.spec, r.quantity, r.unit, r.notice_id, r.unit_sold_id, r.customer_id,
                       r.receiver, r.shipped_on)
                      for r in tenancy.scoped_query(LedgerLine, world.company(code)))


def edit_form(app, pk, **changes):
    """The notice's edit form as the page would post it, with ``changes``."""
    with app.app_context():
        notice = db.session.get(PartNotice, pk)
        data = {"customer": str(notice.customer_id), "reason": notice.reason, "charge": notice.charge,
                "ship_address": notice.ship_address or "", "receiver": notice.receiver,
                "receiver_phone": notice.receiver_phone or "",
                "ship_date": notice.ship_date.isoformat() if notice.ship_date else "",
                "ship_place": notice.ship_place or "", "carrier": notice.carrier or "",
                "waybill": notice.waybill or "", "notes": notice.notes or "", "record_version": str(notice.version)}
        for i, line in enumerate(notice.lines):
            data.update({f"lines-{i}-id": str(line.id), f"lines-{i}-part_name": line.part_name,
                         f"lines-{i}-spec": line.spec or "", f"lines-{i}-quantity": f"{line.quantity}",
                         f"lines-{i}-unit": line.unit or "",
                         f"lines-{i}-unit_sold": str(line.unit_sold_id) if line.unit_sold_id else "",
                         f"lines-{i}-remark": line.remark or ""})
    data.update(changes)
    return data


def sign_and_fill_carrier(app, world, client_for, pk):
    page = fire(client_for("manager@a.test"), pk, "sign", "同意补发")
    assert state_of(app, pk) == "signed", page[-1500:]
    saved = client_for("staff@a.test").post(f"{URL}edit/?id={pk}", edit_form(app, pk, carrier="顺丰速运",
                                                                               waybill="SF1234567890"))
    assert saved.status_code == 302, alerts(saved)


# --- writing a notice ------------------------------------------------------------

def test_a_written_notice_is_numbered_and_waits_for_the_management_rep(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    form = staff.get(f"{URL}new/").get_data(as_text=True)
    assert 'name="state"' not in form and 'name="number"' not in form and 'name="shipped_at"' not in form
    pk = write_notice(staff, org, state="shipped")  # a forged state is ignored
    with app.app_context():
        notice = db.session.get(PartNotice, pk)
        assert notice.state == "pending" and re.fullmatch(r"BJ-\d{4}-0001", notice.number)
        assert notice.charge == "sanbao"  # no work order, no decision: 三包
        assert [(line.part_name, line.quantity, line.unit) for line in notice.lines] == [
            ("压缩机启动电容", Decimal("1.00"), "个"), ("遥控器电池", Decimal("4.00"), "节")]
        number = notice.number
    page = text(staff.get(f"{URL}details/?id={pk}"))
    assert "To sign" in page and "Awaiting sign-off: Sign (管理者代表) — Management representative" in page
    assert "1. 压缩机启动电容 · CBB65 35μF · 1 个 · for KFR-35GW 2023A0012 · 随货附说明" in page
    assert "In province" in page and "No 三包 decision on the work order: 三包 by default." in page
    assert number in text(staff.get(URL))


def test_bad_notices_are_refused_with_a_message_and_save_nothing(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    with app.app_context():
        before = database_state()
    cases = [(notice_form(org, customer=""), "Choose the customer, or the work order the parts are for."),
             (notice_form(org, receiver="  "), "Fill in Receiver."),
             (notice_form(org, lines=((("电容", "", "0", "个"),))), "A quantity is more than 0.")]
    for data, message in cases:
        page = staff.post(f"{URL}new/", data)
        assert page.status_code == 200 and message in text(page), message
    with app.app_context():
        assert database_state() == before
    write_notice(staff, org)  # positive control


# --- T-AS-10: unsigned, signing, shipping, the ledger ------------------------------

def test_an_unsigned_notice_cannot_ship(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    pk = write_notice(staff, org)
    staff.post(f"{URL}edit/?id={pk}", edit_form(app, pk, carrier="顺丰速运"))  # all fields, no signature
    with app.app_context():
        assert db.session.get(PartNotice, pk).carrier == "顺丰速运"
        before = database_state()
    page = fire(staff, pk, "ship")
    assert "is To sign: Ship is possible only from Signed." in page
    with app.app_context():
        assert database_state() == before
    assert state_of(app, pk) == "pending" and ledger_rows(app, world) == []
    staff.post(f"{URL}action/", {"action": "transition_ship", "rowid": [str(pk)]})  # nor in bulk
    assert state_of(app, pk) == "pending" and ledger_rows(app, world) == []


def test_only_the_management_rep_signs(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    pk = write_notice(staff, org)
    assert 'data-transition="sign"' not in staff.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    clients = [staff, client_for("admin@a.test")]  # the company's admin does not hold it either
    with app.app_context():
        before = database_state()
    for client in clients:
        page = fire(client, pk, "sign", "我来签")
        assert "Sign (管理者代表) needs the sign-off of Management representative; you do not hold it" in page
    with app.app_context():
        assert database_state() == before
    manager = client_for("manager@a.test")
    assert 'data-transition="sign"' in manager.get(f"{URL}details/?id={pk}").get_data(as_text=True)
    page = fire(manager, pk, "sign", "同意补发")
    assert state_of(app, pk) == "signed" and "Signed" in page
    with app.app_context():
        signoff = db.session.query(Signoff).one()
        assert (signoff.signer_name, signoff.box, signoff.transition) == ("李明华", "approved", "sign")


def test_a_notice_without_lines_cannot_be_signed(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    pk = write_notice(staff, org, lines=())
    manager = client_for("manager@a.test")
    with app.app_context():
        before = database_state()
        number = db.session.get(PartNotice, pk).number
    page = fire(manager, pk, "sign", "同意")
    assert f"{number} has no lines: add the parts to ship (name, quantity) before it is signed." in page
    manager.post(f"{URL}action/", {"action": "transition_sign", "rowid": [str(pk)]})
    assert "has no lines" in text(manager.get(URL))  # the bulk run says it too
    with app.app_context():
        assert database_state() == before
    # Positive control: with a line it signs.
    saved = staff.post(f"{URL}edit/?id={pk}", edit_form(app, pk, **{
        "lines-0-part_name": "压缩机启动电容", "lines-0-quantity": "1", "lines-0-unit": "个"}))
    assert saved.status_code == 302, alerts(saved)
    fire(manager, pk, "sign")
    assert state_of(app, pk) == "signed"


def test_a_signed_sanbao_notice_ships_by_production_and_posts_two_lines_of_five_units(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    pk = write_notice(staff, org)
    fire(client_for("manager@a.test"), pk, "sign", "同意补发")
    page = fire(staff, pk, "ship")
    assert "Fill in Carrier / shipping method before Ship." in page and state_of(app, pk) == "signed"
    # Shipping is 生产部's permission (after_sales.notice.ship): read-only users have none.
    readonly = client_for("readonly@a.test")
    readonly.post(f"{URL}transition/", {"id": str(pk), "transition": "ship"})
    assert state_of(app, pk) == "signed"
    saved = staff.post(f"{URL}edit/?id={pk}", edit_form(app, pk, carrier="顺丰速运", waybill="SF1234567890"))
    assert saved.status_code == 302, alerts(saved)
    assert ledger_rows(app, world) == []  # signed, not shipped: nothing posted yet
    page = fire(staff, pk, "ship")
    assert state_of(app, pk) == "shipped", page[-1500:]
    rows = ledger_rows(app, world)
    assert len(rows) == 2 and sum(r[2] for r in rows) == 5
    assert rows == sorted([("压缩机启动电容", "CBB65 35μF", Decimal("1.00"), "个", pk, org["unit"], org["customer"],
                            "周文斌", dt.date(2026, 12, 3)),
                           ("遥控器电池", "AAA 1.5V", Decimal("4.00"), "节", pk, org["unit"], org["customer"],
                            "周文斌", dt.date(2026, 12, 3))])
    from core.calendar.timezone import local_now
    with app.app_context():
        today = local_now(world.company("A")).date()
        notice = db.session.get(PartNotice, pk)
        assert notice.shipped_at is not None and notice.waybill == "SF1234567890"
        assert {r.posted_on for r in tenancy.scoped_query(LedgerLine, world.company("A"))} == {today}
    assert "2 line(s), 5 units" in page
    fire(staff, pk, "receive")
    assert state_of(app, pk) == "received" and len(ledger_rows(app, world)) == 2


def test_a_paid_notice_ships_and_posts_nothing(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    pk = write_notice(staff, org, charge="paid")
    sign_and_fill_carrier(app, world, client_for, pk)
    fire(staff, pk, "ship")
    assert state_of(app, pk) == "shipped" and ledger_rows(app, world) == []
    # Control: the same notice as 三包 posts its lines.
    other = write_notice(staff, org, charge="sanbao")
    sign_and_fill_carrier(app, world, client_for, other)
    fire(staff, other, "ship")
    assert len(ledger_rows(app, world)) == 2


def _work_order(app, world, org, cause=None):
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        order = WorkOrder(customer_id=org["customer"], unit_id=org["unit"], subject="空调不制冷")
        db.session.add(order)
        db.session.flush()
        if cause:
            db.session.add(WarrantyDecision(work_order_id=order.id, unit_id=org["unit"],
                                            fault_date=dt.date(2026, 11, 20), cause=cause))
        db.session.commit()
        return order.id


def test_the_charge_follows_the_work_orders_sanbao_decision_unless_chosen(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    user_fault, product_fault, undecided = (_work_order(app, world, org, "user"),
                                            _work_order(app, world, org, "product"), _work_order(app, world, org))
    with app.app_context():
        outcomes = {d.work_order_id: d.outcome for d in db.session.query(WarrantyDecision)}
    # Sold 2026-03-15, a fault on 2026-11-20 inside the year: the product's fault is 三包, the user's is paid.
    assert outcomes == {user_fault: "paid", product_fault: "sanbao"}
    charges = {}
    for order in (user_fault, product_fault, undecided):
        pk = write_notice(staff, org, customer="", work_order=str(order))  # the customer comes from the order
        with app.app_context():
            notice = db.session.get(PartNotice, pk)
            charges[order] = (notice.charge, notice.customer_id)
    assert charges == {user_fault: ("paid", org["customer"]), product_fault: ("sanbao", org["customer"]),
                       undecided: ("sanbao", org["customer"])}
    page = text(staff.get(f"{URL}details/?id={pk - 2}"))
    assert "Paid:" in page  # the decision it came from, with its sentence
    chosen = write_notice(staff, org, work_order=str(user_fault), charge="sanbao")  # chosen: kept
    with app.app_context():
        assert db.session.get(PartNotice, chosen).charge == "sanbao"
    # The work order decides the customer (the ledger copies it from the notice).
    other = add_customer(app, world, "AKH02", name="另一位顾客")
    pk = write_notice(staff, org, customer=str(other), work_order=str(user_fault))
    with app.app_context():
        assert db.session.get(PartNotice, pk).customer_id == org["customer"]


# --- what was signed ships as signed -----------------------------------------------

def test_a_signed_notice_and_its_lines_are_locked_but_for_the_shipping_fields(app, world, client_for):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    pk = write_notice(staff, org)
    fire(client_for("manager@a.test"), pk, "sign", "同意补发")
    with app.app_context():
        before = database_state()
        number = db.session.get(PartNotice, pk).number
    # The edit page offers only what 生产部 still fills in, and says so.
    page = text(staff.get(f"{URL}edit/?id={pk}"))
    assert "This record is Signed: only Carrier / shipping method, Waybill No., Notes can still be changed." in page
    assert 'name="reason"' not in page and 'name="lines-0-part_name"' not in page and 'name="waybill"' in page
    # Anything else posted anyway is no field of that form: nothing changes.
    for changes in ({"reason": "改个原因"}, {"receiver": "另一个人"}, {"lines-1-quantity": "40"},
                    {"lines-0-part_name": "压缩机"},
                    {"lines-2-part_name": "加一个", "lines-2-quantity": "1"},  # a line added
                    {"del-lines-1": "y"}):  # a line removed
        page = staff.post(f"{URL}edit/?id={pk}", edit_form(app, pk, **changes))
        assert page.status_code == 302, changes
        with app.app_context():
            assert database_state() == before, changes
    # Changed in code (an import, a script), the same is refused at the save.
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        db.session.get(PartNotice, pk).lines[0].quantity = 40
        with pytest.raises(RecordLocked, match=f"{number} is Signed: its lines can no longer be changed"):
            db.session.commit()
        db.session.rollback()
        assert database_state() == before
    # 生产部's fields may still be filled in.
    saved = staff.post(f"{URL}edit/?id={pk}", edit_form(app, pk, carrier="德邦物流", waybill="DB998877"))
    assert saved.status_code == 302, alerts(saved)
    with app.app_context():
        notice = db.session.get(PartNotice, pk)
        assert (notice.carrier, notice.waybill, notice.reason, len(notice.lines)) == (
            "德邦物流", "DB998877", "压缩机不启动，电容鼓包", 2)


# --- the printed form --------------------------------------------------------------

def test_the_printed_notice_shows_its_number_lines_and_the_signer_in_the_management_rep_box(
        app, world, client_for, tmp_path):
    org = setup_company(app, world)
    staff = client_for("staff@a.test")
    pk = write_notice(staff, org)
    sign_and_fill_carrier(app, world, client_for, pk)
    from core.calendar.timezone import format_local
    with app.app_context():
        number = db.session.get(PartNotice, pk).number
        day = format_local(db.session.query(Signoff).one().at, world.company("A"), "%Y-%m-%d")
    pdf = staff.get(f"/print/after_sales.part_notice/{pk}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    lines = pdf_lines(pdf.data, tmp_path)
    joined = "\n".join(lines)
    for expected in ("Spare-part replacement notice", "JL-7.5-02-1", number, "压缩机启动电容", "CBB65 35μF",
                     "遥控器电池", "AAA 1.5V", "KFR-35GW", "2023A0012", "西湖国宾馆", "周文斌", "2026-12-03",
                     "顺丰速运", "SF1234567890", "Page 1 / 1"):
        assert expected in joined, expected
    assert re.search(r"压缩机启动电容\s+CBB65 35μF\s+1\s+个", joined) and re.search(r"遥控器电池\s+AAA 1.5V\s+4\s+节", joined)
    assert "☑ Warranty (三包)" in joined and "□ Paid" in joined and "☑ In province" in joined
    head = next(i for i, line in enumerate(lines) if "Management" in line and "Sales dept. handler" in line)
    start = lines[head].index("Management")  # the 管理者代表 column starts here, the 生产部 one ends it
    end = lines[head].index("Production")
    box = [line[start - 2:end] for line in lines[head + 1:head + 9]]
    assert any("李明华（Management" in cell for cell in box), "\n".join(lines[head:head + 9])
    assert any(f"Date: {day}" in cell for cell in box), "\n".join(lines[head:head + 9])
    assert "李明华" not in lines[head + 1][:start - 2]  # not in the 供销部 box
    # In Chinese: the form's own words.
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    flat = re.sub(r"\s+", "", "\n".join(pdf_lines(staff.get(f"/print/after_sales.part_notice/{pk}.pdf").data,
                                                 tmp_path, "zh.pdf")))
    for expected in ("备件补发通知单", number, "李明华（管理者代表）", "☑三包", "□有偿"):
        assert expected in flat, expected
