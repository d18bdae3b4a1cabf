"""Quality tracking in a real Chromium (English interface) on the demo
data of HZ: the staff clerk opens the list, the due-for-tracking page and
the 质管部 problem still open; the quality manager (李明华, 质管部's receiver)
sees the record's buttons. Screenshots go to the artifacts folder.

Run: ``.venv/bin/python -m pytest -q -m browser plugins/quality/tests/test_tracking_browser.py``
"""
from __future__ import annotations

import pytest

from tests.test_browser import browser, demo, live_server, page  # noqa: F401  (fixtures)
from tests.test_browser import ARTIFACTS, login

pytestmark = pytest.mark.browser


def test_tracking_list_due_page_and_an_open_problem(page, demo):
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, "staff@hz.demo", demo["password"])
    page.goto("/admin/quality/tracking/")
    assert page.locator("table.model-list tbody tr").count() == 5
    page.screenshot(path=str(ARTIFACTS / "quality-tracking-list.png"), full_page=True)
    page.goto("/admin/quality/tracking/due/")
    rows = page.locator("#due-customers tbody tr")
    assert rows.count() >= 2 and "Never tracked" in page.inner_text("#due-customers")
    page.screenshot(path=str(ARTIFACTS / "quality-tracking-due.png"), full_page=True)
    page.goto("/admin/quality/tracking/?overdue=quality.tracking.solve")
    assert page.locator("table.model-list tbody tr").count() == 1
    page.locator("table.model-list tbody tr a[href*='details']").first.click()
    page.wait_for_load_state()
    page.screenshot(path=str(ARTIFACTS / "quality-tracking-record.png"), full_page=True)
    assert "Received by 质管部" in page.content()
