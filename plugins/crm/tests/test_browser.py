"""End-to-end test of the CRM in a real Chromium, as the staff user of HZ.

A clerk logs in, files a customer with a contact person, logs a call and
sees the reply due time core counted (4 calendar days, D-15); then the
clock moves past that time (``time-machine``: the live server is a thread
of this process) and the entry shows as overdue on the list, on
``?overdue=1`` and through the deadline's filter; the clerk prints the
customer's record card from its details page, in English and in Chinese
(the PDFs are read back with poppler's ``pdftotext``), and finally answers
the call with the entry's Reply button: its state, history and badge say so.

Fixtures (live server, Chromium, demo data, page) are the ones of
``tests/test_browser.py``.

Run: ``.venv/bin/python -m pytest -q -m browser plugins/crm/tests/test_browser.py``
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from tests.test_browser import browser, demo, live_server, page  # noqa: F401  (fixtures)
from tests.test_browser import captured_pdf, expect, flash, login, menu_category

pytestmark = pytest.mark.browser

CUSTOMER_CODE = "E2E-SH-001"
CUSTOMER_NAME = "上海浦江测试设备有限公司"
CUSTOMER_PROVINCE = "上海"  # HZ is in 浙江: out of province, 4 calendar days
CONTACT_NAME = "王晓明"
CONTACT_PHONE = "021-66001234"
SUBJECT = "咨询空调保修期限 E2E"
OUT_OF_PROVINCE_DAYS = 4  # manifest default of crm.reply_out_of_province: 4 calendar_days
SCREENSHOT = "/tmp/crm-overdue.png"


# --- helpers -------------------------------------------------------------------

def open_menu(page, category: str, item: str) -> None:
    """Click ``category`` in the navbar, then ``item`` in its dropdown."""
    menu_category(page, category).click()
    dropdown = menu_category(page, category).locator("xpath=..").locator(".dropdown-menu")
    with page.expect_navigation():
        dropdown.get_by_role("link", name=item, exact=True).click()


def log_row(page):
    return page.locator("table.model-list tbody tr", has_text=SUBJECT)


def pick_ajax(page, field_id: str, search: str, result: str) -> None:
    """Choose ``result`` in Flask-Admin's ajax select2 field ``field_id``."""
    page.locator(f"#s2id_{field_id} a.select2-choice, #s2id_{field_id} .select2-choices").first.click()
    page.locator(".select2-drop-active input.select2-input").fill(search)
    page.locator(".select2-drop-active .select2-results li.select2-result-selectable",
                 has_text=result).first.click()


def print_card(page, tmp_path, name: str) -> str:
    """Click the customer card's Print button on the details page (a new tab:
    Chromium's PDF viewer); keep the PDF and return its text."""
    button = page.locator("#print-buttons a[data-printable='crm.customer_card']")
    with captured_pdf(page.context, "**/print/crm.customer_card/*", tmp_path / name) as pdf:
        with page.expect_popup() as popup_info, \
                page.context.expect_event("requestfinished",
                                          lambda r: "/print/crm.customer_card/" in r.url):
            button.click()
        popup_info.value.close()
    return pdf["text"]


def expected_reply_due(app) -> tuple[dt.datetime, dt.datetime]:
    """(occurred_at, the reply due by D-2) of the logged call: the day of the
    call is not counted, the time ends at 24:00 of the 4th day after it."""
    from core.extensions import db
    from plugins.crm.models import ContactLog
    with app.app_context():
        log = db.session.query(ContactLog).filter_by(subject=SUBJECT).one()
        last = log.occurred_at.date() + dt.timedelta(days=OUT_OF_PROVINCE_DAYS)
        return log.occurred_at, dt.datetime.combine(last, dt.time(23, 59, 59))


# --- the test ------------------------------------------------------------------

def shown(moment, locale):
    """A date and time as the screens show them (Babel's medium format)."""
    from babel.dates import format_datetime
    return format_datetime(moment, "medium", locale=locale)


def test_staff_logs_a_call_sees_it_overdue_and_prints_the_customer_card(page, demo, app, tmp_path):
    # 1. Log in as the staff user of HZ (English interface: locale en-US).
    login(page, "staff@hz.demo", demo["password"])
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#current-company")).to_have_text(f"HZ · {demo['names']['HZ']}")

    # 2. CRM → Customers → Create: a customer in 上海 with one contact person.
    open_menu(page, "Customer relations", "Customers")
    page.get_by_role("link", name="Create", exact=True).first.click()
    page.fill("#code", CUSTOMER_CODE)
    page.fill("#name", CUSTOMER_NAME)
    page.fill("#province", CUSTOMER_PROVINCE)
    page.get_by_text("Add Contact persons").click()
    page.fill("#contacts-0-name", CONTACT_NAME)
    page.fill("#contacts-0-phone", CONTACT_PHONE)
    page.check("#contacts-0-is_primary")
    with page.expect_navigation():
        page.locator("form.admin-form input[type=submit]").first.click()
    expect(flash(page)).to_contain_text("successfully created")
    customer_row = page.locator("table.model-list tbody tr", has_text=CUSTOMER_CODE)
    expect(customer_row).to_contain_text(CUSTOMER_NAME)
    expect(customer_row).to_contain_text(CUSTOMER_PROVINCE)

    # 3. Contact log → Create: a phone call, reply due left empty.
    open_menu(page, "Customer relations", "Contact log")
    page.get_by_role("link", name="Create", exact=True).first.click()
    pick_ajax(page, "customer", CUSTOMER_CODE, CUSTOMER_NAME)
    page.select_option("#channel", value="phone", force=True)
    page.fill("#subject", SUBJECT)
    # Core keeps the number, the reply due time and the state: not in the form.
    for kept in ("#reply_due", "#state", "#number", "#replied_at"):
        expect(page.locator(kept)).to_have_count(0)
    with page.expect_navigation():
        page.locator("form.admin-form input[type=submit]").first.click()
    expect(flash(page)).to_contain_text("successfully created")
    row = log_row(page)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(CUSTOMER_NAME)
    expect(row).to_contain_text("Phone")
    expect(row).to_contain_text("Open")
    occurred_at, due = expected_reply_due(app)
    expect(row).to_contain_text(shown(due, "en_US"))
    expect(row.locator(".qdesk-overdue")).to_have_count(0)
    expect(row).not_to_contain_text("overdue")
    # The overdue list does not have it yet.
    page.goto("/admin/crm/contactlog/?overdue=crm.contactlog.reply")
    expect(log_row(page)).to_have_count(0)

    # 4. The clock moves past the reply due (a day later, the same wall-clock
    #    time; naive local time, as the server reads it). The session cookie
    #    is re-signed at the travelled time: everything that follows happens
    #    inside the jump, else the cookie would be "from the future".
    target = (due + dt.timedelta(days=1)).astimezone()  # naive = local time
    with time_machine.travel(target, tick=True):
        page.goto("/admin/crm/contactlog/")
        row = log_row(page)
        badge = row.locator(".qdesk-overdue")
        expect(badge).to_have_count(1)
        expect(badge).to_have_text("overdue")
        expect(row).to_contain_text(shown(due, "en_US"))
        expect(row).to_contain_text("Open")
        page.screenshot(path=SCREENSHOT, full_page=True)

        # The home page's tile links to the overdue list.
        page.goto("/admin/")
        tile = page.locator("a[href$='?overdue=crm.contactlog.reply']").first
        expect(tile.locator("xpath=ancestor::*[contains(@class, 'card')][1]")).to_contain_text("Overdue contacts")
        with page.expect_navigation():
            tile.click()
        expect(log_row(page)).to_have_count(1)
        expect(log_row(page).locator(".qdesk-overdue")).to_have_count(1)

        # The deadline's filter of the list, as a clerk adds it.
        page.goto("/admin/crm/contactlog/")
        page.get_by_role("link", name="Add Filter").click()
        page.locator("a.filter", has_text=re.compile(r"^\s*Contact reply\s*$")).click()
        filter_row = page.locator("#filter-list .filter-row, table.filters tr").last
        filter_row.locator("select.filter-val, select[name^=flt]").last.select_option(label="Overdue", force=True)
        with page.expect_navigation():
            page.get_by_role("button", name="Apply").click()
        expect(page).to_have_url(re.compile(r"flt\d+_\d+=overdue"))
        expect(log_row(page)).to_have_count(1)
        expect(page.locator("table.model-list tbody tr .qdesk-overdue")).to_have_count(
            page.locator("table.model-list tbody tr:has(td)").count())

        # 5. The customer's details page → Print: Customer record card.
        page.goto("/admin/crm/customer/")
        customer_row = page.locator("table.model-list tbody tr", has_text=CUSTOMER_CODE)
        with page.expect_navigation():
            customer_row.locator("a[title='View Record'], a[href*='/details/']").first.click()
        expect(page.locator("body")).to_contain_text(CUSTOMER_NAME)
        expect(page.locator("body")).to_contain_text(CONTACT_NAME)
        expect(page.locator("body")).to_contain_text(SUBJECT)
        button = page.locator("#print-buttons a[data-printable='crm.customer_card']")
        expect(button).to_have_text("Print: Customer record card")
        details_url = page.url
        text = print_card(page, tmp_path, "customer-card-en.pdf")
        assert "Customer record card" in text, text
        for wanted in (CUSTOMER_NAME, CONTACT_NAME, SUBJECT, CUSTOMER_CODE, demo["names"]["HZ"]):
            assert wanted in text, (wanted, text)
        assert "Out of province" in text and "overdue" in text

        # ... and once in Chinese: the list says 逾期, the card is 客户档案卡.
        with page.expect_navigation():
            page.locator("#language-switcher button[value='zh_Hans_CN']").click()
        page.goto("/admin/crm/contactlog/")
        expect(log_row(page).locator(".qdesk-overdue")).to_have_text("逾期")
        expect(log_row(page)).to_contain_text(shown(due, "zh_Hans_CN"))
        expect(log_row(page)).to_contain_text("电话")
        expect(log_row(page)).to_contain_text("待答复")
        page.goto(details_url)
        expect(page.locator("#print-buttons a[data-printable='crm.customer_card']")).to_contain_text("客户档案卡")
        text = print_card(page, tmp_path, "customer-card-zh.pdf")
        for wanted in ("客户档案卡", CUSTOMER_NAME, CONTACT_NAME, SUBJECT, "省外", "逾期"):
            assert wanted in text, (wanted, text)

        # 6. The clerk answers the call: the entry's page → 答复 with a comment.
        page.goto("/admin/crm/contactlog/")
        with page.expect_navigation():
            log_row(page).locator("a[title='View Record'], a[href*='/details/']").first.click()
        expect(page.locator("#workflow-state")).to_have_text("待答复")
        reply = page.locator("form.qdesk-transition[data-transition='reply']")
        reply.locator("input[name=comment]").fill("已电话答复：保修期一年")
        with page.expect_navigation():
            reply.get_by_role("button", name="答复").click()
        expect(flash(page)).to_contain_text("已答复")
        expect(page.locator("#workflow-state")).to_have_text("已答复")
        history = page.locator("#audit-log tbody tr").first
        expect(history).to_contain_text("答复")
        expect(history).to_contain_text("已电话答复：保修期一年")
        expect(page.locator("form.qdesk-transition[data-transition='close']")).to_have_count(1)
        page.screenshot(path="/tmp/crm-replied.png", full_page=True)
        page.goto("/admin/crm/contactlog/")
        expect(log_row(page)).to_contain_text("已答复")
        expect(log_row(page).locator(".qdesk-met-late")).to_have_count(1)  # answered after the due time
