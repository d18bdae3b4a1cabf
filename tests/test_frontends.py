"""Front-ends are registered like built-in plugins (entry points
``qdesk.frontends``); core never imports them (core/plugin/frontends.py)."""
from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

import pytest

import core
from core.plugin.frontends import FrontendError
from tests.fixtures import install_entry_points

CORE = Path(core.__file__).parent


def build(tmp_path, monkeypatch, frontends=None):
    monkeypatch.setenv("QDESK_INSTANCE_PATH", str(tmp_path / "instance"))
    config = {"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "TESTING": True,
              "SECRET_KEY": "test", "PLUGINS_TOML": str(tmp_path / "none.toml")}
    if frontends is not None:
        config["FRONTENDS"] = frontends
    return core.create_app(config)


@pytest.fixture
def probe(tmp_path):
    """A third-party front-end ``probe``, installed by entry point: it records
    what it finds when core starts it."""
    site = tmp_path / "site"
    (site / "qdt_probe_frontend").mkdir(parents=True)
    (site / "qdt_probe_frontend" / "__init__.py").write_text(
        "from core.records.entities import EntityRegistry\n"
        "def init(app, registry):\n"
        "    with app.app_context():\n"
        "        app.extensions['probe'] = (registry, sorted(EntityRegistry.current().by_key))\n",
        encoding="utf-8")
    saved = list(sys.path)
    install_entry_points(site, "qdt_probe_dist", {"probe": "qdt_probe_frontend:init"},
                         group="qdesk.frontends")
    importlib.invalidate_caches()
    yield
    sys.path[:] = saved
    sys.modules.pop("qdt_probe_frontend", None)
    importlib.invalidate_caches()


def test_the_admin_shell_starts_as_an_installed_frontend(app):
    assert app.extensions["qdesk.frontends"] == ["admin"]
    assert "qdesk_auth.login" in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_no_frontend_builds_the_registries_without_any_screen(tmp_path, monkeypatch):
    app = build(tmp_path, monkeypatch, frontends="")
    assert app.extensions["qdesk.frontends"] == []
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not any(e.startswith(("admin.", "qdesk_auth.", "crm_")) for e in endpoints)
    from core.records.entities import EntityRegistry
    with app.app_context():
        assert "crm.customer" in EntityRegistry.current().by_key  # a worker still has the rules


def test_a_frontend_that_is_not_installed_stops_the_start_naming_it(tmp_path, monkeypatch):
    with pytest.raises(FrontendError) as info:
        build(tmp_path, monkeypatch, frontends="admin, api")
    assert "'api' is not installed" in str(info.value)
    assert "qdesk.frontends: admin" in str(info.value)


def test_a_third_party_frontend_is_started_after_the_registries_are_filled(tmp_path, monkeypatch, probe):
    app = build(tmp_path, monkeypatch, frontends="probe")
    registry, entities = app.extensions["probe"]
    assert registry is app.extensions["qdesk.plugins"]
    assert "crm.contactlog" in entities
    assert app.extensions["qdesk.frontends"] == ["probe"]

    both = build(tmp_path / "both", monkeypatch)  # default: every installed front-end
    assert both.extensions["qdesk.frontends"] == ["admin", "probe"]


def test_core_never_imports_a_frontend():
    offenders = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0
                     else [])
            offenders += [f"{path.relative_to(CORE.parent)}:{node.lineno} {n}"
                          for n in names if n == "admin" or n.startswith("admin.")]
    assert offenders == []
