"""End-to-end tests in a real Chromium (Playwright, sync API).

The session ``app`` is served by a werkzeug server on a free local port in
a daemon thread; every test gets the demo data (``core.demo.load_demo``) and
a fresh browser context (no shared cookies). Chromium is the Debian one at
``/usr/bin/chromium``: no browser is ever downloaded. On failure a
screenshot is saved under ``test-artifacts/``.

Run: ``.venv/bin/python -m pytest -q -m browser tests/test_browser.py``
"""
from __future__ import annotations

import contextlib
import re
import subprocess
import threading
from pathlib import Path

import pytest

import playwright.sync_api as playwright_sync  # noqa: E402  (a test dependency: never skipped)
expect = playwright_sync.expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


# --- helpers ------------------------------------------------------------------

@contextlib.contextmanager
def captured_pdf(target, pattern: str, path: Path):
    """Keep the PDF answering ``pattern`` on ``target`` (a page or a context)
    while the block runs: Chromium opens PDFs in its viewer, out of a
    test's reach. Afterwards the response must be a 200 PDF; it is written
    to ``path`` and its ``pdftotext`` text is the yielded dict's "text"."""
    captured = {}

    def keep(route):
        response = route.fetch()
        captured.update(status=response.status, type=response.headers.get("content-type"),
                        body=response.body())
        route.fulfill(response=response)

    target.route(pattern, keep)
    try:
        yield captured
    finally:
        target.unroute(pattern, keep)
    assert captured.get("status") == 200 and captured.get("type") == "application/pdf", captured.get("status")
    path.write_bytes(captured["body"])
    assert path.read_bytes().startswith(b"%PDF")
    captured["text"] = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                      check=True).stdout


# --- fixtures -----------------------------------------------------------------

@pytest.fixture(scope="module")
def live_server(app):
    """Base URL of the session ``app`` served on 127.0.0.1:<free port>."""
    from werkzeug.serving import make_server
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="qdesk-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: apt-get install chromium (make test does)"
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def demo(app):
    """The demo companies and users, loaded for this test (``_clean_tables``
    empties the tables again afterwards). Returns the logins."""
    from core.demo import DEMO_PASSWORD, load_demo
    from core.extensions import db
    from core.models import Company
    with app.app_context():
        logins = load_demo()
        names = {c.code: c.name for c in db.session.query(Company)}
    return dict(logins=logins, password=DEMO_PASSWORD, names=names)


@pytest.fixture
def page(browser, live_server, demo, request):
    """A page in a fresh context, only allowed to talk to the live server."""
    context = browser.new_context(base_url=live_server, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    # No request may leave the machine (CDNs, fonts...): abort anything else.
    context.route(re.compile(r"^(?!" + re.escape(live_server) + r")https?://.*"),
                  lambda route: route.abort())
    page = context.new_page()
    failed_before = request.session.testsfailed
    try:
        yield page
    finally:
        # The call phase has been reported by now: screenshot if it failed.
        if request.session.testsfailed > failed_before:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            try:
                page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
            except Exception:  # noqa: BLE001 - a screenshot must not hide the failure
                pass
        context.close()


# --- helpers -------------------------------------------------------------------

def login(page, email: str, password: str):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def selected_company(page):
    return page.locator("#company_id option:checked")


def switch_company(page, code: str) -> None:
    """Pick ``code`` in the navbar switcher (it submits itself on change)."""
    option = page.locator("#company_id option", has_text=re.compile(rf"^\s*{code} ·"))
    with page.expect_navigation():
        page.select_option("#company_id", value=option.get_attribute("value"))
    expect(selected_company(page)).to_have_text(re.compile(rf"^\s*{code} ·"))


def menu_category(page, name: str):
    """The navbar dropdown toggle of a menu category (e.g. a plugin's)."""
    return page.locator("#admin-navbar-collapse a.dropdown-toggle",
                        has_text=re.compile(rf"^\s*{re.escape(name)}\s*$"))


def menu_link(page, href: str):
    return page.locator(f"#admin-navbar-collapse a[href='{href}']")


def flash(page):
    return page.locator(".alert")


def module_card(page, key: str):
    return page.locator(f"#module-{key}")


def change_module(page, key: str, verb: str) -> None:
    """Click Enable/Disable in the module's card on the Modules screen."""
    button = module_card(page, key).get_by_role("button", name=verb, exact=True)
    with page.expect_navigation():
        button.click()
    expect(page).to_have_url(re.compile(r"/admin/modules/$"))


def expect_module_menus(page, notes: bool, tasks: bool) -> None:
    for category, link, shown in (("Notes", "/admin/notes/note/", notes),
                                  ("Tasks", "/admin/tasks/task/", tasks)):
        expect(menu_category(page, category)).to_have_count(1 if shown else 0)
        expect(menu_link(page, link)).to_have_count(1 if shown else 0)


def status_of(page, path: str) -> int:
    response = page.goto(path)
    assert response is not None, path
    return response.status


# --- tests ---------------------------------------------------------------------

def test_sysadmin_switches_company_and_toggles_modules(page, demo, app):
    hz, cd = demo["names"]["HZ"], demo["names"]["CD"]
    login(page, "sysadmin@qdesk.demo", demo["password"])
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#current-user")).to_contain_text("System Admin")

    # Two companies: the switcher lists both. The default is the first
    # membership by code (admin/auth.py load_current), i.e. CD; go to HZ.
    switcher = page.locator("form#company-switcher #company_id")
    expect(switcher).to_be_visible()
    expect(switcher.locator("option")).to_have_count(2)
    expect(selected_company(page)).to_have_text(re.compile(r"^\s*CD ·"))
    switch_company(page, "HZ")
    expect(selected_company(page)).to_have_text(f"HZ · {hz}")
    expect(page.locator("h1")).to_have_text(hz)
    expect_module_menus(page, notes=True, tasks=True)

    # Switch to CD: its name in the navbar and on the home page.
    switch_company(page, "CD")
    expect(selected_company(page)).to_have_text(f"CD · {cd}")
    expect(page.locator("h1")).to_have_text(cd)
    expect(flash(page)).to_contain_text(f"Now working in {cd}.")
    expect(page.locator("[data-module=notes]")).to_have_count(1)
    expect(page.locator("[data-module=tasks]")).to_have_count(1)

    # Modules screen of CD: disable tasks.
    page.goto("/admin/modules/")
    expect(page.locator("h1")).to_contain_text(cd)
    expect(module_card(page, "tasks")).to_have_attribute("data-state", "enabled")
    expect(module_card(page, "notes")).to_have_attribute("data-state", "enabled")
    change_module(page, "tasks", "Disable")
    expect(flash(page)).to_contain_text(f"Module tasks disabled for {cd}. Its data is kept.")
    expect(module_card(page, "tasks")).to_have_attribute("data-state", "disabled")
    expect(module_card(page, "notes")).to_have_attribute("data-state", "enabled")
    expect_module_menus(page, notes=True, tasks=False)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "modules-tasks-disabled.png"), full_page=True)
    assert status_of(page, "/admin/tasks/task/") == 404
    assert status_of(page, "/admin/notes/note/") == 200

    # Then notes (nothing depends on it any more).
    page.goto("/admin/modules/")
    change_module(page, "notes", "Disable")
    expect(flash(page)).to_contain_text(f"Module notes disabled for {cd}. Its data is kept.")
    expect(module_card(page, "notes")).to_have_attribute("data-state", "disabled")
    expect(module_card(page, "tasks")).to_have_attribute("data-state", "disabled")
    expect_module_menus(page, notes=False, tasks=False)
    page.screenshot(path=str(ARTIFACTS / "modules-disabled.png"), full_page=True)
    assert status_of(page, "/admin/notes/note/") == 404
    assert status_of(page, "/admin/tasks/task/") == 404
    page.goto("/admin/")
    # (built-in plugins such as crm stay enabled: only the examples' entries go)
    expect(page.locator("[data-module=notes], [data-module=tasks]")).to_have_count(0)

    # Re-enable tasks: notes, its dependency, comes back with it.
    page.goto("/admin/modules/")
    change_module(page, "tasks", "Enable")
    expect(flash(page)).to_contain_text(f"Module tasks enabled for {cd}. Also enabled: notes.")
    expect(module_card(page, "tasks")).to_have_attribute("data-state", "enabled")
    expect(module_card(page, "notes")).to_have_attribute("data-state", "enabled")
    expect_module_menus(page, notes=True, tasks=True)
    assert status_of(page, "/admin/tasks/task/") == 200
    assert status_of(page, "/admin/notes/note/") == 200

    # HZ was not touched: both modules stayed enabled there.
    page.goto("/admin/")
    switch_company(page, "HZ")
    expect(page.locator("h1")).to_have_text(hz)
    expect(page.locator("[data-module=notes]")).to_have_count(1)
    expect(page.locator("[data-module=tasks]")).to_have_count(1)
    expect_module_menus(page, notes=True, tasks=True)
    page.goto("/admin/modules/")
    expect(page.locator("h1")).to_contain_text(hz)
    expect(module_card(page, "tasks")).to_have_attribute("data-state", "enabled")
    expect(module_card(page, "notes")).to_have_attribute("data-state", "enabled")
    assert status_of(page, "/admin/tasks/task/") == 200

    # ... and the database agrees: HZ never had a module disabled.
    from core.extensions import db
    from core.models import Company, CompanyModule
    with app.app_context():
        rows = (db.session.query(Company.code, CompanyModule.module, CompanyModule.enabled)
                .join(CompanyModule, CompanyModule.company_id == Company.id).all())
    examples = [row for row in rows if row[1] in ("notes", "tasks")]  # built-in plugins aside
    assert sorted(examples) == [("CD", "notes", True), ("CD", "tasks", True),
                                ("HZ", "notes", True), ("HZ", "tasks", True)]


def test_staff_has_no_modules_screen(page, demo):
    login(page, "staff@hz.demo", demo["password"])
    expect(page).to_have_url(re.compile(r"/admin/$"))
    # One company only: no switcher, the company is shown as text.
    expect(page.locator("#company_id")).to_have_count(0)
    expect(page.locator("#current-company")).to_have_text(f"HZ · {demo['names']['HZ']}")
    expect(page.locator("#current-user .badge")).to_have_text("staff")
    expect(menu_category(page, "Notes")).to_have_count(1)  # logged in and menus rendered
    expect(menu_category(page, "Administration")).to_have_count(0)
    expect(menu_link(page, "/admin/modules/")).to_have_count(0)
    assert status_of(page, "/admin/modules/") == 403


def test_wrong_password_is_refused(page, demo):
    login(page, "admin@hz.demo", demo["password"] + "-wrong")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".alert-danger")).to_have_text("Wrong e-mail or password.")
    expect(page.locator("#email")).to_have_value("admin@hz.demo")
    expect(page.locator("#password")).to_have_value("")
    assert status_of(page, "/admin/") == 200  # the login page again, not home
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_dashboard_chart_is_drawn_from_local_chartjs(page, demo, live_server):
    assert (ROOT / "admin/static/vendor/chartjs/chart.umd.js").is_file(), \
        "Chart.js not vendored: run scripts/vendor.sh (make test does)"
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, "admin@hz.demo", demo["password"])
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("[data-widget=tile][data-plugin=notes]")).to_have_count(2)
    expect(page.locator("[data-widget=tile][data-plugin=tasks]")).to_have_count(2)  # its own and core's overdue tile of tasks.task.resolve
    canvas = page.locator("[data-widget=chart][data-plugin=notes] canvas.qdesk-chart")
    expect(canvas).to_have_count(1)
    charts = page.locator("[data-widget=chart] canvas.qdesk-chart").count()  # other plugins' charts too
    page.wait_for_function(f"window.qdeskCharts && window.qdeskCharts.length === {charts}")
    drawn = page.evaluate("""() => {
        const canvas = document.querySelector('[data-plugin=notes] canvas.qdesk-chart');
        const chart = window.Chart.getChart(canvas);
        return {version: window.Chart.version, type: chart && chart.config.type,
                labels: chart && chart.data.labels, width: canvas.width, height: canvas.height,
                box: canvas.getBoundingClientRect().height};
    }""")
    assert drawn["version"] == "4.6.1" and drawn["type"] == "bar"
    assert drawn["labels"] == ["P1", "P2", "P3", "P4", "P5"]
    assert drawn["width"] > 0 and drawn["height"] > 0 and drawn["box"] > 100
    assert not errors, errors
    outside = [u for u in requested if not u.startswith(live_server) and not u.startswith("data:")]
    assert not outside, f"requests outside the live server: {outside}"
    assert any(u.endswith("/static/qdesk/vendor/chartjs/chart.umd.js") for u in requested)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


def test_switch_language_then_print_from_the_list(page, demo, tmp_path):
    """A clerk switches the interface to Chinese, ticks a note on the list
    screen, picks the Print action and receives one PDF in Chinese."""
    login(page, "staff@hz.demo", demo["password"])
    expect(page.locator("#language-switcher")).to_be_visible()
    expect(menu_category(page, "Notes")).to_have_count(1)
    with page.expect_navigation():
        page.locator("#language-switcher button[value='zh_Hans_CN']").click()
    expect(menu_category(page, "便签")).to_have_count(1)
    expect(page.locator("#language-switcher button[value='zh_Hans_CN']")).to_have_class(re.compile("font-weight-bold"))

    page.goto("/admin/notes/note/")
    expect(page.locator("table.model-list")).to_contain_text("HZ 示例便签")
    page.locator("input.action-checkbox").first.check()
    page.get_by_role("button", name=re.compile("选中")).or_(
        page.locator("a.dropdown-toggle", has_text=re.compile("选中"))).first.click()
    with captured_pdf(page, "**/admin/notes/note/action/", tmp_path / "printed.pdf") as pdf, \
            page.expect_request_finished(lambda r: r.url.endswith("/admin/notes/note/action/")):
        page.get_by_text("打印：便签记录单").click()
    text = pdf["text"]
    assert "便签记录单" in text and "HZ 示例便签" in text and "经办人" in text
    assert demo["names"]["HZ"] in text and demo["names"]["CD"] not in text


def test_inline_list_edit_twice_in_a_row_and_a_stale_list_is_refused(page, demo, app, browser, live_server):
    """A list cell (column_editable_list) posts the record's version: the same
    row can be edited again without a reload, while a second browser still
    showing the old list is refused and overwrites nothing."""
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        note_id = db.session.query(Note.id).filter(Note.title == "HZ 示例便签").scalar()
    login(page, "staff@hz.demo", demo["password"])
    page.goto("/admin/notes/note/")
    stale = browser.new_context(base_url=live_server, locale="en-US")
    other = stale.new_page()
    login(other, "manager@hz.demo", demo["password"])
    other.goto("/admin/notes/note/")  # the list as it is now: version 1

    cell = page.locator(f"a[data-role='x-editable'][data-pk^='{note_id}:']")
    for title in ("第一次修改", "第二次修改"):
        cell.click()
        page.locator(".editable-input input:visible").fill(title)
        with page.expect_response(re.compile(r"/ajax/update/$")) as answer:
            page.locator(".editable-submit:visible").click()
        assert answer.value.status == 200, answer.value.text()
        expect(cell).to_have_text(title)
        expect(page.locator(".editable-input")).to_have_count(0)  # the popover is gone
    with app.app_context():
        assert db.session.get(Note, note_id).title == "第二次修改"

    old_cell = other.locator(f"a[data-role='x-editable'][data-pk^='{note_id}:']")
    old_cell.click()
    other.locator(".editable-input input:visible").fill("旧列表的修改")
    with other.expect_response(re.compile(r"/ajax/update/$")) as answer:
        other.locator(".editable-submit:visible").click()
    assert answer.value.status == 409
    expect(other.locator(".editable-error-block")).to_contain_text("changed by someone else")
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(Note, note_id).title == "第二次修改"
    ARTIFACTS.mkdir(exist_ok=True)
    other.screenshot(path=str(ARTIFACTS / "inline-edit-conflict.png"))
    stale.close()


def test_record_action_creates_a_linked_task(page, demo, app):
    """A note's page offers "Create task from this note" (tasks, a plugin
    depending on notes); the click opens the new task, linked both ways."""
    from core.extensions import db
    from tests.plugins.notes.models import Note
    with app.app_context():
        note = db.session.query(Note).filter(Note.title.like("HZ%")).first()
        note_id, title = note.id, note.title
    login(page, "staff@hz.demo", demo["password"])
    page.goto(f"/admin/notes/note/details/?id={note_id}")
    panel = page.locator(".qdesk-panel[data-plugin='tasks']")
    expect(panel).to_contain_text("Tasks of this note")
    expect(panel).to_contain_text("No tasks yet")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "record-action-note-before.png"), full_page=True)
    with page.expect_navigation():
        page.locator("#record-actions").get_by_role("button", name="Create task from this note").click()
    expect(page).to_have_url(re.compile(r"/admin/tasks/task/details/"))
    expect(flash(page)).to_contain_text("created and linked")
    links = page.locator("#record-links")
    expect(links).to_contain_text(title)
    page.screenshot(path=str(ARTIFACTS / "record-action-task.png"), full_page=True)
    with page.expect_navigation():
        links.get_by_role("link", name=title).click()
    expect(page.locator("#record-links")).to_contain_text("Task")
    expect(panel.locator("tbody tr")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "record-action-note-after.png"), full_page=True)
    with page.expect_navigation():  # the same page in Chinese
        page.locator("button[name=locale][value=zh_Hans_CN]").click()
    page.goto(f"/admin/notes/note/details/?id={note_id}")
    expect(page.locator("#record-actions")).to_contain_text("由此便签创建任务")
    expect(panel).to_contain_text("此便签的任务")
    expect(page.locator("body")).to_contain_text("关联记录")
    page.screenshot(path=str(ARTIFACTS / "record-action-note-zh.png"), full_page=True)


def test_a_clerk_prints_a_period_report_from_its_dialog(page, demo, app, tmp_path):
    """Reports → the CRM's register over a period: one date alone is refused
    in red under the field; both dates print the period's entries of the
    clerk's company, the period named in the header."""
    import datetime as dt

    from core.calendar.timezone import local_today
    from core.extensions import db
    from core.models import Company
    with app.app_context():
        today = local_today(db.session.query(Company).filter_by(code="HZ").one())
    start = today - dt.timedelta(days=120)
    login(page, "staff@hz.demo", demo["password"])
    page.get_by_role("link", name="Reports").first.click()
    page.locator('[data-report="crm.contact_log_period"]').click()
    expect(page.locator("#report-form")).to_be_visible()
    page.fill("#param-period-from", start.isoformat())
    with page.expect_navigation():
        page.click("#report-print")
    expect(page.locator('[data-error="period"]')).to_contain_text("give both dates")
    page.screenshot(path=str(tmp_path / "dialog.png"), full_page=True)
    page.fill("#param-period-from", start.isoformat())
    page.fill("#param-period-to", today.isoformat())
    with captured_pdf(page, "**/admin/reports/crm.contact_log_period/?print=1*", tmp_path / "report.pdf") as pdf, \
            page.expect_request_finished(lambda r: "print=1" in r.url):
        page.click("#report-print")
    text = pdf["text"]
    assert "Register of calls, letters and visits" in text and "JL-8.2-01-2" in text
    assert f"{start.isoformat()} to {today.isoformat()}" in text
    assert demo["names"]["HZ"] in text and demo["names"]["CD"] not in text
    assert "Totals" in text
