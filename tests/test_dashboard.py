"""The home page dashboard: the ``dashboard_widgets`` hook of the enabled
modules, validation of what plugins return, Chart.js from qdesk's own static
files, chart data embedded as inert JSON.

The example plugins show two tiles and a bar chart (notes) and one tile
(tasks). Plugins that misbehave are installed into a second app with
``make_app`` (tests/test_hooks.py).
"""
from __future__ import annotations

import json
import logging
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import lazy_gettext

from core import dashboard
from core.dashboard import Chart, Tile, WidgetError, collect_widgets, localize, validate
from core.plugin.modules import disable_module
from tests.fixtures import PASSWORD, Client, make_note
from tests.plugins import notes
from tests.test_hooks import make_app, plugin_source  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
CHARTJS = ROOT / "admin" / "static" / dashboard.CHARTJS_PATH
HOSTILE = "</script><script>alert(1)</script>"
DATA_BLOCK = re.compile(r'<script type="application/json" id="qdesk-dashboard-data">(.*?)</script>', re.S)

def test_chartjs_is_vendored():
    """make run / make test fetch Chart.js from the npm registry (scripts/vendor.sh)."""
    assert CHARTJS.is_file(), "Chart.js not vendored: run scripts/vendor.sh"


def vendored(test):  # the tests below need the vendored file (checked above)
    return test


def tiles(html: str) -> dict[str, str]:
    """Tile label → value on a rendered home page."""
    found = re.findall(r'qdesk-tile-label">([^<]*)</div>\s*<div class="h3 mb-1">\s*'
                       r'(?:<a [^>]*|<span )class="[^"]*qdesk-tile-value">([^<]*)<', html)
    return dict(found)


def home(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- widgets of the enabled modules, per company ---------------------------------

EXAMPLES = ("notes", "tasks")


@pytest.fixture
def world(world, app, monkeypatch):
    """The shared world with only the example plugins' widgets: the built-in
    plugins (crm, ...) are disabled in A and B, dependents first."""
    registry = app.extensions["qdesk.plugins"]
    import core.calendar.holidays  # next year's holidays are known here (tests/test_holidays.py has the warning)
    monkeypatch.setattr(core.calendar.holidays, "missing_next_year", lambda today=None: None)
    with app.app_context():
        for code in ("A", "B"):
            company = world.company(code)
            for key in reversed(list(registry.keys())):
                if key not in EXAMPLES:
                    disable_module(company, key)
    return world


def test_home_shows_the_widgets_of_enabled_modules_only(app, world, client_for):
    a, b = client_for("admin@a.test"), client_for("admin@b.test")
    page = home(a)
    # "Overdue: Task resolution": core's tile of the tasks plugin's deadline.
    assert tiles(page) == {"Notes": "0", "Pinned notes": "0", "Tasks": "0", "Overdue: Task resolution": "0"}
    assert 'data-widget="chart" data-plugin="notes" data-kind="bar"' in page
    assert 'href="/admin/tasks/task/"' in page

    with app.app_context():
        disable_module(world.company("A"), "tasks")
    page = home(a)
    assert tiles(page) == {"Notes": "0", "Pinned notes": "0"}
    assert 'data-plugin="tasks"' not in page
    # Company B still has both modules, and their widgets.
    assert tiles(home(b)) == {"Notes": "0", "Pinned notes": "0", "Tasks": "0", "Overdue: Task resolution": "0"}

    with app.app_context():
        disable_module(world.company("A"), "notes")
    page = home(a)
    assert 'id="dashboard"' not in page and 'data-widget' not in page
    assert "qdesk-dashboard-data" not in page and "chart.umd.js" not in page


def test_hook_is_not_called_for_disabled_modules(app, world, client_for):
    with app.app_context():
        disable_module(world.company("A"), "tasks")
        disable_module(world.company("A"), "notes")
    notes.DASHBOARD_CALLS.clear()
    home(client_for("admin@a.test"))
    assert notes.DASHBOARD_CALLS == []
    home(client_for("admin@b.test"))
    assert notes.DASHBOARD_CALLS == ["B"]
    with app.app_context():
        assert collect_widgets(world.company("A"), world.user("admin@a.test")) == []
        assert notes.DASHBOARD_CALLS == ["B"]


def test_widget_values_are_company_scoped(app, world, client_for):
    make_note(app, "A", title="a1", pinned=True, priority=1)
    make_note(app, "A", title="a2", priority=1)
    make_note(app, "A", title="a3", priority=5)
    make_note(app, "B", title="b1")
    overdue = {"Overdue: Task resolution": "0"}
    assert tiles(home(client_for("staff@a.test"))) == {"Notes": "3", "Pinned notes": "1", "Tasks": "0", **overdue}
    assert tiles(home(client_for("staff@b.test"))) == {"Notes": "1", "Pinned notes": "0", "Tasks": "0", **overdue}
    with app.app_context():
        placed = collect_widgets(world.company("A"), world.user("staff@a.test"))
        assert [(p.plugin, type(p.widget).__name__) for p in placed] == [
            ("notes", "Tile"), ("notes", "Tile"), ("notes", "Chart"), ("tasks", "Tile"), ("tasks", "Tile")]
        chart = placed[2].widget
        assert chart.labels == ["P1", "P2", "P3", "P4", "P5"]
        assert chart.series[0]["data"] == [2, 0, 0, 0, 1]
        # Three notes created this week, none the week before.
        assert placed[0].widget.trend == 3 and placed[0].widget.direction == "up"


def test_widgets_follow_the_user(app, world, client_for):
    # Read-only users may not read tasks: the tasks plugin shows them nothing.
    assert tiles(home(client_for("readonly@a.test"))) == {"Notes": "0", "Pinned notes": "0"}


def test_tiles_in_chinese(app, world):
    client = Client(app)
    client.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert client.login("admin@a.test", PASSWORD).status_code == 302
    page = home(client)
    assert tiles(page) == {"便签": "0", "置顶便签": "0", "任务": "0", "逾期：任务处理": "0"}
    assert "较上周" in page and "各优先级便签数" in page


# --- misbehaving plugins ---------------------------------------------------------

@pytest.fixture
def odd_app(make_app):  # noqa: F811
    """A second app with demo data and plugins that return garbage, raise,
    return hostile texts, or behave."""
    from core.demo import load_demo
    from core.extensions import db
    odd = make_app({
        "garbage": plugin_source("garbage", """
            @hookimpl
            def dashboard_widgets(company):
                from core.dashboard import Tile
                return [Tile(label="Fine", value=1), Tile(label="Broken", value=object())]
        """),
        "notalist": plugin_source("notalist", """
            @hookimpl
            def dashboard_widgets():
                return "three"
        """),
        "raiser": plugin_source("raiser", """
            @hookimpl
            def dashboard_widgets(company, user):
                raise RuntimeError("database on fire")
        """),
        "hostile": plugin_source("hostile", f"""
            @hookimpl
            def dashboard_widgets():
                from core.dashboard import Chart, Tile
                return [Tile(label={HOSTILE!r}, value={HOSTILE[:40]!r}, unit="<b>u</b>"),
                        Chart(title={HOSTILE!r}, kind="pie", labels=[{HOSTILE!r}, "ok"],
                              series=[{{"name": {HOSTILE!r}, "data": [1, 2]}}])]
        """),
        "snoop": plugin_source("snoop", """
            @hookimpl
            def dashboard_widgets():
                from core.dashboard import Tile
                return [Tile(label="Snoop", value=1, permission="notes.note.read")]
        """),
        "typo": plugin_source("typo", """
            @hookimpl
            def dashboard_widgets():
                from core.dashboard import Tile
                return [Tile(label="Typo", value=1, permission="typo.contact_log.read")]
        """),
        "good": plugin_source("good", """
            @hookimpl
            def dashboard_widgets(company):
                from core.dashboard import Tile
                return [Tile(label=("好", "Good"), value=company.code, trend=-2, trend_good="down")]
        """),
    })
    with odd.app_context():
        db.create_all()
        load_demo()
    return odd


def odd_home(odd) -> str:
    from core.demo import DEMO_PASSWORD
    client = Client(odd)
    assert client.login("admin@hz.demo", DEMO_PASSWORD).status_code == 302
    return home(client)


def test_broken_widget_plugins_do_not_break_the_page(odd_app, caplog):
    caplog.set_level(logging.INFO, logger="qdesk.dashboard")
    page = odd_home(odd_app)
    found = tiles(page)
    assert found["Good"] == "HZ" and found["Notes"] == "1"
    assert "Fine" not in found            # all of the garbage plugin's widgets are skipped
    assert 'data-plugin="garbage"' not in page and 'data-plugin="raiser"' not in page
    errors = {r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR}
    assert any("'garbage'" in m and "not" in m and "skipped" in m for m in errors), errors
    assert any("'notalist'" in m and "got str" in m for m in errors), errors
    assert any("'raiser'" in m and "raised" in m for m in errors), errors
    # A widget may only be gated on its own plugin's permissions.
    assert "Snoop" not in found
    assert any("'snoop'" in m and "notes.note.read" in m for m in errors), errors
    # A permission nobody declares (a typo) would hide the tile from everyone, silently.
    assert "Typo" not in found
    assert any("'typo'" in m and "typo.contact_log.read" in m and "nobody declares" in m for m in errors), errors
    raiser = next(r for r in caplog.records if "'raiser'" in r.getMessage())
    assert raiser.exc_info and "database on fire" in str(raiser.exc_info[1])
    # A falling figure that should fall is good news: green, arrow down.
    assert re.search(r'text-success qdesk-trend" data-direction="down">\s*<span aria-hidden="true">▼</span> -2',
                     page)


def test_hostile_texts_stay_inert(odd_app):
    page = odd_home(odd_app)
    assert "<script>alert(1)" not in page
    assert "<b>u</b>" not in page and "&lt;b&gt;u&lt;/b&gt;" in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page    # tile label, escaped
    block = DATA_BLOCK.search(page)
    if block is None:  # Chart.js not vendored: the chart is a table, escaped too
        assert "qdesk-dashboard-data" not in page
        return
    raw = block.group(1)
    assert "<" not in raw and ">" not in raw and "\\u003c/script\\u003e" in raw
    configs = json.loads(raw)
    hostile = next(c for c in configs if c["type"] == "pie")
    assert hostile["data"]["labels"] == [HOSTILE, "ok"]
    assert hostile["data"]["datasets"] == [{"label": HOSTILE, "data": [1, 2]}]
    # No inline script at all on the home page (CSP script-src 'self' is enough).
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert all('type="application/json"' in attrs for attrs in scripts), scripts


# --- Chart.js from qdesk's own static files -------------------------------------

@vendored
def test_chartjs_is_served_from_qdesk_static(app, world, client_for):
    client = client_for("admin@a.test")
    page = home(client)
    assert '<script src="/static/qdesk/vendor/chartjs/chart.umd.js"></script>' in page
    assert '<script src="/static/qdesk/dashboard.js"></script>' in page
    assert "cdn" not in page.lower() and "https://" not in page.split("<body", 1)[1]
    response = client.get("/static/qdesk/vendor/chartjs/chart.umd.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("/*!\n * Chart.js v4.") and len(body) > 100_000
    response.close()
    assert client.get("/static/qdesk/dashboard.js").status_code == 200
    assert client.get("/static/qdesk/../__init__.py").status_code == 404


def test_without_chartjs_tiles_and_a_note(app, world, client_for, monkeypatch, caplog):
    monkeypatch.setattr(dashboard, "CHARTJS_PATH", "vendor/chartjs/missing.js")
    make_note(app, "A", title="p2", priority=2)
    caplog.set_level(logging.WARNING, logger="qdesk.dashboard")
    page = home(client_for("admin@a.test"))
    assert tiles(page)["Notes"] == "1"
    assert 'id="dashboard-no-charts"' in page and "chart.umd.js" not in page
    assert "qdesk-dashboard-data" not in page and "<canvas" not in page
    assert re.search(r'<th scope="row">P2</th><td>1</td>', page)   # the data as a table
    assert any("missing.js is missing" in r.getMessage() and "vendor.sh" in r.getMessage()
               for r in caplog.records if r.levelno == logging.WARNING)


def test_vendor_script_is_idempotent_and_gitignored():
    script = (ROOT / "scripts" / "vendor.sh").read_text(encoding="utf-8")
    assert "npm pack" in script and "chart.js@$CHARTJS_VERSION" in script and "CHARTJS_VERSION=4.6.1" in script
    assert "admin/static/vendor/" in (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "scripts/vendor.sh" in (ROOT / "scripts" / "run-tests.sh").read_text(encoding="utf-8")
    assert "scripts/vendor.sh" in (ROOT / "Makefile").read_text(encoding="utf-8")
    if CHARTJS.is_file():
        import subprocess
        before = CHARTJS.stat().st_mtime_ns
        subprocess.run([str(ROOT / "scripts" / "vendor.sh")], check=True, timeout=60)
        assert CHARTJS.stat().st_mtime_ns == before     # present and valid: nothing fetched


# --- the widget types -------------------------------------------------------------

@pytest.mark.parametrize("widget, message", [
    ("a tile", "is not a core.dashboard.Tile or Chart"),
    (Tile(label="", value=1), "tile label is empty"),
    (Tile(label=42, value=1), "tile label must be a string"),
    (Tile(label="x", value=True), "value must be a finite number"),
    (Tile(label="x", value=float("nan")), "value must be a finite number"),
    (Tile(label="x", value=1, trend="+3"), "trend must be a finite number"),
    (Tile(label="x", value=1, trend_good="sideways"), "trend_good"),
    (Tile(label="x", value=1, link="javascript:alert(1)"), "link must be a path"),
    (Tile(label="x", value=1, link="//evil.example/"), "link must be a path"),
    (Chart(title="c", kind="radar", labels=["a"], series=[{"name": "s", "data": [1]}]), "kind must be one of"),
    (Chart(title="c", kind="bar", labels=[], series=[{"name": "s", "data": []}]), "labels must be a non-empty list"),
    (Chart(title="c", kind="bar", labels="ab", series=[{"name": "s", "data": [1, 2]}]), "labels must be"),
    (Chart(title="c", kind="bar", labels=["a", "b"], series=[]), "series must be a non-empty list"),
    (Chart(title="c", kind="bar", labels=["a", "b"], series=[{"name": "s", "data": [1]}]), "one number per label"),
    (Chart(title="c", kind="bar", labels=["a"], series=[{"name": "s", "data": ["1"]}]), "not a finite number"),
    (Chart(title="c", kind="bar", labels=["a"], series=[{"name": "s", "data": [None]}]), "not a finite number"),
    (Chart(title="c", kind="bar", labels=["a"], series=[{"label": "s", "data": [1]}]), "each series is"),
    (Chart(title="c", kind="bar", labels=[object()], series=[{"name": "s", "data": [1]}]), "is not a text"),
])
def test_invalid_widgets_are_refused(widget, message):
    with pytest.raises(WidgetError, match=re.escape(message)):
        validate(widget)


def test_valid_widgets_and_their_rendering(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        tile = validate(Tile(label=lazy_gettext("Home"), value=Decimal("1234.5"), unit={"zh": "元", "en": "CNY"},
                             trend=0, link="/admin/notes/note/"))
        context = tile.context("en")
        assert context["label"] == "Home" and context["value"] == "1,234.5" and context["unit"] == "CNY"
        assert context["direction"] == "flat" and context["tone"] == "secondary" and context["trend"] == "0"
        overdue = Tile(label=("逾期回访", "Overdue contacts"), value=4, trend=2, trend_good="down")
        assert overdue.context("en")["tone"] == "danger" and overdue.context("en")["trend"] == "+2"
        assert overdue.context("zh_Hans_CN")["label"] == "逾期回访"
        line = validate(Chart(title=("满意度", "CSI"), kind="line", labels=["1月", "2月", "3月"],
                              series=[{"name": ("得分", "Score"), "data": [88.5, None, Decimal("91")]},
                                      {"name": "Target", "data": [90, 90, 90]}]))
        config = line.config("en")
        assert config["type"] == "line" and config["data"]["labels"] == ["1月", "2月", "3月"]
        assert config["data"]["datasets"][0] == {"label": "Score", "data": [88.5, None, 91.0]}
        assert config["options"]["plugins"]["legend"]["display"] is True
        json.dumps(config)  # plain JSON types only
    assert localize(("中", "en"), "zh_Hans_CN") == "中" and localize({"zh": "中"}, "en") == "中"
