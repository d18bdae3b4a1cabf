"""End-to-end: a complaint in a real Chromium (English interface). The
clerk of HZ (刘洋, staff@hz.demo) records a 消协 complaint with countable
evidence (重大 is suggested), attaches a photo, accepts it; the record page
shows the D-12 hint, the 办结 due moment and the evidence; the list shows
the demo's complaints. Screenshots in test-artifacts/.

Run: ``.venv/bin/python -m pytest -q -m browser plugins/quality/tests/test_complaints_browser.py``
"""
from __future__ import annotations

import re

import pytest

from plugins.after_sales.tests.test_browser import choose, fire, save_and_continue
from tests.test_browser import browser, demo, live_server, page  # noqa: F401  (fixtures)
from tests.test_browser import ARTIFACTS, expect, login

from tests.factories import png

pytestmark = pytest.mark.browser


def test_a_complaint_recorded_with_evidence_and_accepted(page, demo, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, "staff@hz.demo", demo["password"])
    page.goto("/admin/quality/complaint/")
    page.screenshot(path=str(ARTIFACTS / "quality-complaints-list.png"), full_page=True)
    page.goto("/admin/quality/complaint/new/")
    choose(page, "source", "Consumers' association")
    expect(page.locator("#received_by")).to_have_value(re.compile(r"\d+"))  # 刘洋, who takes the call
    choose(page, "evidence", "Countable evidence")
    page.fill("#complainant", "E2E 钱女士")
    page.fill("#product", "商用净水设备")
    page.fill("#batch", "RO800-2311")
    page.fill("#quantity", "1")
    page.fill("#item", "滤芯")
    page.fill("#place", "杭州市滨江区")
    page.locator("#occurred_at").evaluate("(el, v) => { el.value = v; }", "2026-11-30 10:00:00")
    page.fill("#description", "E2E 滤芯破裂漏水，已投诉至消协")
    pk = save_and_continue(page)
    page.goto(f"/admin/quality/complaint/details/?id={pk}")
    expect(page.locator("body")).to_contain_text("Major: the source is Consumers' association.")
    expect(page.locator("body")).not_to_contain_text("The severity chosen differs")
    photo = tmp_path / "evidence.png"
    photo.write_bytes(png())
    page.locator("#attachment-upload input[type=file]").set_input_files(str(photo))
    with page.expect_navigation():
        page.locator("#attachment-upload button[type=submit]").click()
    fire(page, "accept", "Accept")
    expect(page.locator("body")).to_contain_text("Accepted")
    expect(page.locator("body")).to_contain_text("evidence.png")
    page.screenshot(path=str(ARTIFACTS / "quality-complaint.png"), full_page=True)
    assert re.search(r"ZLFK-\d{4}-\d{4}", page.content())
