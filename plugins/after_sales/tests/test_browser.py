"""End-to-end test of after-sales in a real Chromium (English interface).

The staff clerk of HZ (刘洋, an employee of 售后服务中心) records a hotline
call as a work order, classifies it and dispatches it to himself with the
repair task, starts the job, writes the service report from the order's
page, attaches a photo of the job and submits the report; he writes a 三包
spare-part notice with two lines for the order. The 管理者代表 (李明华,
manager@hz.demo) signs it; the clerk, for 生产部, fills in the carrier and
ships it. The ledger then holds the two lines (1 + 4 units). Finally the
clerk prints the 售后服务报告单 (JL-7.5-02-3) from the report's page and the
三包备件登记台账 (JL-7.5-02-2) of this month from its report dialog; the PDFs
are read back with poppler's ``pdftotext``.

Fixtures (live server, Chromium, demo data, page) are the ones of
``tests/test_browser.py``.

Run: ``.venv/bin/python -m pytest -q -m browser plugins/after_sales/tests/test_browser.py``
"""
from __future__ import annotations

import re

import pytest

from plugins.crm.tests.test_browser import pick_ajax
from tests.test_browser import browser, demo, live_server, page  # noqa: F401  (fixtures)
from tests.factories import png
from tests.test_browser import ARTIFACTS, captured_pdf, expect, flash, login

pytestmark = pytest.mark.browser

SUBJECT = "E2E 冷库机组不制冷"
REPAIR_TASK = "E2E 更换启动电容，检查冷媒压力"
VERIFIED = "E2E 启动电容鼓包，压缩机无法启动"
WORK_DONE = "E2E 更换启动电容后试机正常"
PARTS = (("E2E启动电容", "CBB65 35μF", "1"), ("E2E风机轴承", "6203-2RS", "4"))


def choose(page, select_id: str, text: str) -> None:
    """Pick the option labelled ``text`` of a (select2-dressed) plain select."""
    page.evaluate("""([id, text]) => {
        const select = document.getElementById(id);
        const option = [...select.options].find(o => o.textContent.trim() === text);
        if (!option) throw new Error(`no option ${text} in #${id}`);
        select.value = option.value;
        select.dispatchEvent(new Event('change', {bubbles: true}));
    }""", [select_id, text])


def fire(page, key: str, label: str, comment: str = "") -> None:
    """Press the workflow button ``key`` on the record page; it must succeed."""
    form = page.locator(f"form.qdesk-transition[data-transition='{key}']")
    if comment:
        form.locator("input[name=comment]").fill(comment)
    with page.expect_navigation():
        form.get_by_role("button", name=label).click()
    expect(flash(page).first).not_to_have_class(re.compile("alert-danger"))


def save_and_continue(page) -> int:
    with page.expect_navigation():
        page.locator("input[name=_continue_editing]").click()
    expect(flash(page).first).not_to_have_class(re.compile("alert-danger"))
    return int(re.search(r"[?&]id=(\d+)", page.url).group(1))


def png_bytes() -> bytes:
    """The site photo the stories upload."""
    return png(color=(200, 80, 40))


def test_a_call_becomes_an_order_a_report_and_a_signed_shipped_notice(page, demo, app, tmp_path):
    from core.calendar.timezone import local_today
    from core.extensions import db
    from core.models import Company
    from core.records import tenancy
    from plugins.crm.models import Customer

    from ..models import LedgerLine, PartNotice, ServiceReport, WorkOrder
    with app.app_context():
        hz = db.session.query(Company).filter_by(code="HZ").one()
        customer = tenancy.scoped_query(Customer, hz).order_by(Customer.code).first()
        customer_code, customer_name = customer.code, customer.name
        today = local_today(hz)
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The hotline call, recorded as a work order.
    login(page, "staff@hz.demo", demo["password"])
    page.goto("/admin/after_sales/workorder/new/")
    pick_ajax(page, "customer", customer_code, customer_code)
    page.fill("#subject", SUBJECT)
    page.fill("#description", "E2E 冷库温度降不下来，压缩机不启动")
    choose(page, "category", "Repair")
    choose(page, "responsible", "刘洋")
    page.fill("#repair_task", REPAIR_TASK)
    order_id = save_and_continue(page)

    # 2. Classified (the first response), dispatched to the engineer, started.
    page.goto(f"/admin/after_sales/workorder/details/?id={order_id}")
    fire(page, "classify", "Classify")
    fire(page, "dispatch", "Dispatch")
    fire(page, "start", "Start work")
    expect(page.locator("#workflow-state")).to_have_text("In progress")
    page.screenshot(path=str(ARTIFACTS / "after-sales-order.png"), full_page=True)
    with app.app_context():
        order = db.session.get(WorkOrder, order_id)
        order_no = order.number
        assert (order.state, order.responsible.name, order.repair_task) == ("in_progress", "刘洋", REPAIR_TASK)
        assert order.responded_at is not None and order.dispatched_at is not None

    # 3. The service report, written from the order's page, with a photo of the job.
    with page.expect_navigation():
        page.locator("#record-actions").get_by_role("button", name="Write the service report").click()
    with app.app_context():
        report = tenancy.scoped_query(ServiceReport, hz).filter_by(work_order_id=order_id).one()
        report_id, report_no = report.id, report.number
    page.goto(f"/admin/after_sales/report/edit/?id={report_id}")
    page.fill("#returned_at", f"{today.isoformat()} 08:00:00")
    page.fill("#verified_fault", VERIFIED)
    page.fill("#work_done", WORK_DONE)
    save_and_continue(page)
    page.goto(f"/admin/after_sales/report/details/?id={report_id}")
    page.locator("#attachment-upload input[type=file]").set_input_files(
        files=[{"name": "现场照片.png", "mimeType": "image/png", "buffer": png_bytes()}])
    with page.expect_navigation():
        page.locator("#attachment-upload button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("现场照片.png")
    fire(page, "submit", "Submit")
    expect(page.locator("#workflow-state")).to_have_text("Submitted")

    # 4. The spare-part notice for the order: 三包, two lines.
    page.goto("/admin/after_sales/notice/new/")
    pick_ajax(page, "work_order", order_no, order_no)
    page.fill("#reason", "E2E 启动电容损坏，风机轴承磨损")
    choose(page, "charge", "Warranty (三包)")
    page.fill("#receiver", "张工")
    for n, (part, spec, quantity) in enumerate(PARTS):
        page.locator("#lines-button").click()
        page.fill(f"#lines-{n}-part_name", part)
        page.fill(f"#lines-{n}-spec", spec)
        page.fill(f"#lines-{n}-quantity", quantity)
    notice_id = save_and_continue(page)
    page.goto(f"/admin/after_sales/notice/details/?id={notice_id}")
    expect(page.locator("#workflow-state")).to_have_text("To sign")
    # The clerk holds no 管理者代表 responsibility: no sign button for him.
    expect(page.locator("form.qdesk-transition[data-transition='sign']")).to_have_count(0)
    expect(page.locator("form.qdesk-transition[data-transition='ship']")).to_have_count(0)  # unsigned: no shipping

    # 5. The 管理者代表 signs it.
    page.context.clear_cookies()
    login(page, "manager@hz.demo", demo["password"])
    page.goto(f"/admin/after_sales/notice/details/?id={notice_id}")
    fire(page, "sign", "Sign (管理者代表)", comment="同意补发")
    expect(page.locator("#workflow-state")).to_have_text("Signed")

    # 6. 生产部 (the clerk) fills in the carrier and ships it.
    page.context.clear_cookies()
    login(page, "staff@hz.demo", demo["password"])
    page.goto(f"/admin/after_sales/notice/edit/?id={notice_id}")
    page.fill("#carrier", "顺丰速运")
    page.fill("#waybill", "SF1234567890")
    save_and_continue(page)
    page.goto(f"/admin/after_sales/notice/details/?id={notice_id}")
    fire(page, "ship", "Ship")
    expect(page.locator("#workflow-state")).to_have_text("Shipped")
    page.screenshot(path=str(ARTIFACTS / "after-sales-notice.png"), full_page=True)
    with app.app_context():
        notice = db.session.get(PartNotice, notice_id)
        notice_no = notice.number
        lines = sorted((l.part_name, int(l.quantity)) for l in tenancy.scoped_query(LedgerLine, hz)
                       .filter_by(notice_id=notice_id))
    assert lines == [("E2E启动电容", 1), ("E2E风机轴承", 4)]  # one ledger line per part, 5 units

    # 7. The service report printed from its page.
    page.goto(f"/admin/after_sales/report/details/?id={report_id}")
    button = page.locator("#print-buttons a[data-printable='after_sales.service_report']")
    with captured_pdf(page.context, "**/print/after_sales.service_report/*", tmp_path / "report.pdf") as pdf:
        with page.expect_popup() as popup, page.context.expect_event(
                "requestfinished", lambda r: "/print/after_sales.service_report/" in r.url):
            button.click()
        popup.value.close()
    text = pdf["text"]
    for wanted in ("JL-7.5-02-3", report_no, order_no, customer_name, VERIFIED, WORK_DONE, REPAIR_TASK):
        assert wanted in text, (wanted, text)

    # 8. The warranty ledger of this month, from its report dialog.
    page.goto("/admin/reports/")
    page.locator('[data-report="after_sales.warranty_ledger"]').click()
    expect(page.locator("#report-form")).to_be_visible()
    page.fill("#param-period-from", today.replace(day=1).isoformat())
    page.fill("#param-period-to", today.isoformat())
    with captured_pdf(page, "**/admin/reports/after_sales.warranty_ledger/?print=1*", tmp_path / "ledger.pdf") as pdf, \
            page.expect_request_finished(lambda r: "print=1" in r.url):
        page.click("#report-print")
    text = pdf["text"]
    for wanted in ("JL-7.5-02-2", notice_no, "E2E启动电容", "E2E风机轴承", customer_name):
        assert wanted in text, (wanted, text)
    assert demo["names"]["CD"] not in text
