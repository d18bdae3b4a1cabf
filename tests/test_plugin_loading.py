"""Plugin discovery and loading: entry points, plugins.toml, dependency
checks, broken plugins (strict and skip-broken), hook validation, tracing,
ordering, per-company hook relays and plugin settings.

Each test builds throwaway plugin packages in ``tmp_path`` and installs them
through a fake ``.dist-info`` (``install_entry_points``). The session-wide
example plugins ``notes``/``tasks`` may or may not be on ``sys.path`` here,
so assertions only look at the throwaway plugins.
"""
from __future__ import annotations

import importlib
import logging
import sys
import textwrap
from pathlib import Path

import pytest

import core
from core.plugin import builtin
from core.plugin.registry import BLOCKED, BROKEN, LOADED, PluginError, PluginRegistry, PluginsConfig
from tests.fixtures import install_entry_points

DEFAULT_HOOKS = """
@core.hookimpl
def register_models():
    CALLS.append("register_models")
    return []
"""


class Site:
    """Writes plugin packages under one folder and installs them by entry point."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.counter = 0

    def plugin(self, key: str, *, depends=(), version="1.0", sequence=100, settings=None,
               hooks: str = DEFAULT_HOOKS, manifest: str | None = None, prelude: str = "") -> str:
        """Write a package for plugin ``key``; return its (unique) module name."""
        self.counter += 1
        pkg = f"qdt_{self.root.name.lower().replace('-', '_')}_{self.counter}_{key}"
        (self.root / pkg).mkdir()
        if manifest is None:
            manifest = (f"MANIFEST = core.Manifest(key={key!r}, name_zh={key!r}, name_en={key.title()!r}, "
                        f"version={version!r}, depends={tuple(depends)!r}, sequence={sequence!r}, "
                        f"settings={dict(settings or {})!r})")
        source = f"import core\n{prelude}\nCALLS = []\n{manifest}\n{textwrap.dedent(hooks)}\n"
        (self.root / pkg / "__init__.py").write_text(source, encoding="utf-8")
        return pkg

    def install(self, dist: str, plugins: dict[str, str]) -> None:
        # No "-" in dist: importlib.metadata takes the name from the folder
        # stem up to the first "-", so "qdesk-x" would shadow "qdesk".
        assert "-" not in dist
        install_entry_points(self.root, dist, plugins)
        importlib.invalidate_caches()

    def toml(self, text: str) -> Path:
        path = self.root / "plugins.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


@pytest.fixture
def site(tmp_path):
    """A throwaway site folder; sys.path and sys.modules restored afterwards."""
    root = tmp_path / "site"
    root.mkdir()
    saved_path = list(sys.path)
    yield Site(root)
    sys.path[:] = saved_path
    for name, module in list(sys.modules.items()):
        if name.startswith("qdt_") or str(getattr(module, "__file__", "") or "").startswith(str(root)):
            del sys.modules[name]
    importlib.invalidate_caches()


def load(config: PluginsConfig | None = None) -> PluginRegistry:
    return PluginRegistry.load(config or PluginsConfig(), builtins=[("core", builtin)])


def make_app(tmp_path, monkeypatch, toml: Path | None = None):
    monkeypatch.setenv("QDESK_INSTANCE_PATH", str(tmp_path / "instance"))
    return core.create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "TESTING": True,
                            "SECRET_KEY": "test", "PLUGINS_TOML": str(toml or tmp_path / "none.toml")})


# --- a plugin found through its entry point --------------------------------

def test_entry_point_plugin_loads_with_version_source_and_hooks(site):
    pkg = site.plugin("alpha", version="2.3.1")
    site.install("acme_alpha_dist", {"alpha": pkg})

    registry = load()

    info = registry.get("alpha")
    assert info.state == LOADED and info.error is None
    assert info.version == "2.3.1"
    assert "entry point alpha" in info.source
    assert pkg in info.source
    assert "acme_alpha_dist" in info.source
    assert info.module is sys.modules[pkg]
    assert "alpha" in registry.keys()
    assert registry.pm.get_plugin("alpha") is info.module
    results = dict(registry.call_each("register_models"))
    assert results["alpha"] == []
    assert info.module.CALLS == ["register_models"]


def test_create_app_loads_entry_point_plugin_and_calls_its_hooks(site, tmp_path, monkeypatch):
    pkg = site.plugin("alpha", hooks="""
        @core.hookimpl
        def register_permissions():
            CALLS.append("register_permissions")
            return core.crud_permissions("alpha", "thing")
    """)
    site.install("acme_alpha_dist", {"alpha": pkg})

    app = make_app(tmp_path, monkeypatch)

    registry = app.extensions["qdesk.plugins"]
    assert "alpha" in registry.keys()
    assert sys.modules[pkg].CALLS == ["register_permissions"]
    assert "alpha.thing.read" in app.extensions["qdesk.permissions"].by_name


def test_plugin_without_any_distribution_entry_point_is_not_loaded(site):
    site.plugin("orphan")  # a package on sys.path, but no entry point for it
    site.install("acme_other", {"alpha": site.plugin("alpha")})
    registry = load()
    assert "orphan" not in registry.infos
    assert "alpha" in registry.keys()


def test_plugins_from_several_distributions_all_load(site):
    site.install("acme_one", {"alpha": site.plugin("alpha", version="1.1")})
    site.install("acme_two", {"beta": site.plugin("beta", version="2.2", depends=["alpha"])})
    registry = load()
    assert {"alpha", "beta"} <= set(registry.keys())
    assert "acme_one" in registry.get("alpha").source
    assert "acme_two" in registry.get("beta").source
    assert registry.get("beta").depends == ("alpha",)


# --- plugins.toml -----------------------------------------------------------

def test_blocked_plugin_is_not_imported_nor_registered(site, tmp_path, monkeypatch):
    blocked = site.plugin("beta", prelude="raise ImportError('a blocked plugin must never be imported')")
    site.install("acme_beta", {"beta": blocked, "alpha": site.plugin("alpha")})
    toml = site.toml("""
        blocked = ["beta"]
    """)

    config = PluginsConfig.load(toml, environ={})
    assert config.blocked == frozenset({"beta"})
    registry = load(config)

    assert registry.infos["beta"].state == BLOCKED
    assert "beta" not in registry.keys()
    assert registry.pm.get_plugin("beta") is None
    with pytest.raises(KeyError):
        registry.get("beta")
    assert blocked not in sys.modules
    assert "alpha" in registry.keys()

    app = make_app(tmp_path, monkeypatch, toml)  # strict mode, yet it starts
    assert app.extensions["qdesk.plugins"].infos["beta"].state == BLOCKED


def test_invalid_toml_is_refused_naming_the_file(site):
    toml = site.toml("blocked = [beta\n")
    with pytest.raises(PluginError, match="plugins.toml"):
        PluginsConfig.load(toml, environ={})


def test_settings_from_toml_override_manifest_defaults(site):
    site.install("acme_s", {
        "alpha": site.plugin("alpha", settings={"limit": 5, "colour": "red"}),
        "gamma": site.plugin("gamma", settings={"limit": 1}),
    })
    toml = site.toml("""
        [settings.alpha]
        limit = 9
        extra = "yes"
    """)
    registry = load(PluginsConfig.load(toml, environ={}))
    assert registry.get("alpha").settings == {"limit": 9, "colour": "red", "extra": "yes"}
    assert registry.get("gamma").settings == {"limit": 1}
    # The manifest itself keeps its defaults.
    assert dict(registry.get("alpha").manifest.settings) == {"limit": 5, "colour": "red"}


# --- dependencies -----------------------------------------------------------

def test_missing_dependency_names_both_plugins(site):
    site.install("acme_g", {"gamma": site.plugin("gamma", depends=["nosuchplugin"])})
    with pytest.raises(PluginError) as err:
        load()
    message = str(err.value)
    assert "gamma" in message and "nosuchplugin" in message
    assert "not installed" in message


def test_missing_dependency_with_skip_broken_leaves_plugin_out(site):
    site.install("acme_g", {"gamma": site.plugin("gamma", depends=["nosuchplugin"]),
                             "alpha": site.plugin("alpha")})
    registry = load(PluginsConfig(skip_broken=True))
    assert registry.infos["gamma"].state == BROKEN
    assert "nosuchplugin" in registry.infos["gamma"].error
    assert "gamma" not in registry.keys()
    assert registry.pm.get_plugin("gamma") is None
    assert "alpha" in registry.keys()


def test_dependency_on_blocked_plugin_says_it_is_blocked(site):
    site.install("acme_d", {"beta": site.plugin("beta"),
                             "delta": site.plugin("delta", depends=["beta"])})
    with pytest.raises(PluginError) as err:
        load(PluginsConfig(blocked=frozenset({"beta"})))
    message = str(err.value)
    assert "delta" in message and "beta" in message
    assert "blocked" in message


@pytest.mark.parametrize("skip_broken", [False, True])
def test_dependency_cycle_is_refused_even_with_skip_broken(site, skip_broken):
    site.install("acme_c", {
        "cyca": site.plugin("cyca", depends=["cycb"]),
        "cycb": site.plugin("cycb", depends=["cycc"]),
        "cycc": site.plugin("cycc", depends=["cyca"]),
    })
    with pytest.raises(PluginError) as err:
        load(PluginsConfig(skip_broken=skip_broken))
    message = str(err.value)
    assert "cycle" in message
    for key in ("cyca", "cycb", "cycc"):
        assert key in message


def test_dependencies_come_before_dependents(site):
    # Sequence and name would both put the dependents first.
    site.install("acme_o", {
        "aaa": site.plugin("aaa", depends=["mmm"], sequence=1),
        "mmm": site.plugin("mmm", depends=["zzz"], sequence=2),
        "zzz": site.plugin("zzz", sequence=99),
        "bbb": site.plugin("bbb", sequence=50),
    })
    registry = load()
    keys = registry.keys()
    assert keys.index("zzz") < keys.index("mmm") < keys.index("aaa")
    assert [i.key for i in registry.loaded()] == keys
    called = [k for k, _ in registry.call_each("register_models") if k in {"aaa", "mmm", "zzz"}]
    assert called == ["zzz", "mmm", "aaa"]
    assert registry.dependency_closure("aaa") == ["zzz", "mmm"]
    assert set(registry.dependents("zzz")) == {"mmm", "aaa"}


# --- broken plugins -----------------------------------------------------------

BROKEN_SOURCES = {
    "import-error": "import qdesk_module_that_does_not_exist_42",
    "syntax-error": "def oops(:\n    pass",
    "runtime-error": "raise RuntimeError('boom at import')",
}


@pytest.mark.parametrize("prelude", BROKEN_SOURCES.values(), ids=BROKEN_SOURCES.keys())
def test_broken_import_in_strict_mode_names_the_plugin(site, prelude):
    site.install("acme_broken_dist", {"crashy": site.plugin("crashy", prelude=prelude)})
    with pytest.raises(PluginError) as err:
        load(PluginsConfig())
    message = str(err.value)
    assert "crashy" in message
    assert "acme_broken_dist" in message
    assert "QDESK_SKIP_BROKEN_PLUGINS" in message  # says how to start without it


@pytest.mark.parametrize("prelude", BROKEN_SOURCES.values(), ids=BROKEN_SOURCES.keys())
def test_broken_import_with_skip_broken_starts_without_it(site, prelude, caplog):
    site.install("acme_broken_dist", {"crashy": site.plugin("crashy", prelude=prelude),
                                       "alpha": site.plugin("alpha")})
    with caplog.at_level(logging.WARNING, logger="qdesk.plugins"):
        registry = load(PluginsConfig(skip_broken=True))
    info = registry.infos["crashy"]
    assert info.state == BROKEN
    assert "crashy" in info.error
    assert "crashy" not in registry.keys()
    assert "alpha" in registry.keys()
    warnings = [r for r in caplog.records if r.name == "qdesk.plugins" and r.levelno == logging.WARNING]
    assert any("crashy" in r.getMessage() for r in warnings)


def test_skip_broken_from_environment_lets_the_app_start(site, tmp_path, monkeypatch, caplog):
    site.install("acme_broken_dist", {"crashy": site.plugin("crashy", prelude="raise ImportError('nope')"),
                                       "alpha": site.plugin("alpha")})
    assert PluginsConfig.load(None, environ={"QDESK_SKIP_BROKEN_PLUGINS": "1"}).skip_broken is True
    assert PluginsConfig.load(None, environ={"QDESK_SKIP_BROKEN_PLUGINS": "0"}).skip_broken is False
    assert PluginsConfig.load(None, environ={}).skip_broken is False

    with pytest.raises(PluginError, match="crashy"):
        make_app(tmp_path, monkeypatch)

    monkeypatch.setenv("QDESK_SKIP_BROKEN_PLUGINS", "1")
    with caplog.at_level(logging.WARNING, logger="qdesk.plugins"):
        app = make_app(tmp_path, monkeypatch)
    registry = app.extensions["qdesk.plugins"]
    assert registry.infos["crashy"].state == BROKEN
    assert "alpha" in registry.keys() and "crashy" not in registry.keys()
    assert any("crashy" in r.getMessage() for r in caplog.records
               if r.name == "qdesk.plugins" and r.levelno == logging.WARNING)


def test_skip_broken_from_toml(site):
    site.install("acme_broken_dist", {"crashy": site.plugin("crashy", prelude="raise ImportError('nope')")})
    toml = site.toml("skip_broken = true\n")
    registry = load(PluginsConfig.load(toml, environ={}))
    assert registry.infos["crashy"].state == BROKEN
    # The environment wins over the file.
    with pytest.raises(PluginError, match="crashy"):
        load(PluginsConfig.load(toml, environ={"QDESK_SKIP_BROKEN_PLUGINS": "0"}))


def test_dependents_of_a_broken_plugin_are_left_out_too(site):
    site.install("acme_b", {"crashy": site.plugin("crashy", prelude="raise ImportError('nope')"),
                             "delta": site.plugin("delta", depends=["crashy"])})
    registry = load(PluginsConfig(skip_broken=True))
    assert registry.infos["delta"].state == BROKEN
    assert "crashy" in registry.infos["delta"].error
    assert registry.pm.get_plugin("delta") is None
    assert not {"crashy", "delta"} & set(registry.keys())


# --- hook validation ------------------------------------------------------

WRONG_ARGUMENT = """
@core.hookimpl
def register_models(foo):
    return []
"""
MISSPELLED_HOOK = """
@core.hookimpl
def register_modles():
    return []
"""


@pytest.mark.parametrize("hooks, detail", [(WRONG_ARGUMENT, "foo"), (MISSPELLED_HOOK, "register_modles")],
                         ids=["wrong-argument", "misspelled-hook"])
def test_invalid_hookimpl_fails_at_start_naming_the_plugin(site, hooks, detail):
    site.install("acme_h", {"hooky": site.plugin("hooky", hooks=hooks), "alpha": site.plugin("alpha")})
    with pytest.raises(PluginError) as err:
        load()
    message = str(err.value)
    assert "hooky" in message
    assert detail in message


@pytest.mark.parametrize("hooks", [WRONG_ARGUMENT, MISSPELLED_HOOK], ids=["wrong-argument", "misspelled-hook"])
def test_invalid_hookimpl_is_skipped_with_skip_broken(site, hooks, tmp_path, monkeypatch):
    site.install("acme_h", {"hooky": site.plugin("hooky", hooks=hooks), "alpha": site.plugin("alpha")})
    registry = load(PluginsConfig(skip_broken=True))
    assert registry.infos["hooky"].state == BROKEN
    assert "hooky" in registry.infos["hooky"].error
    assert registry.pm.get_plugin("hooky") is None
    assert "hooky" not in registry.keys() and "alpha" in registry.keys()
    # The remaining hooks are consistent: calling them works.
    assert ("alpha", []) in registry.call_each("register_models")

    monkeypatch.setenv("QDESK_SKIP_BROKEN_PLUGINS", "1")
    app = make_app(tmp_path, monkeypatch)
    assert app.extensions["qdesk.plugins"].infos["hooky"].state == BROKEN


def test_dependent_of_plugin_with_invalid_hookimpl_is_left_out(site):
    site.install("acme_h", {"hooky": site.plugin("hooky", hooks=WRONG_ARGUMENT),
                             "delta": site.plugin("delta", depends=["hooky"])})
    registry = load(PluginsConfig(skip_broken=True))
    assert registry.infos["hooky"].state == BROKEN
    assert registry.infos["delta"].state == BROKEN
    assert "hooky" in registry.infos["delta"].error
    assert registry.pm.get_plugin("delta") is None
    assert not {"hooky", "delta"} & set(registry.keys())


# --- manifest ---------------------------------------------------------------

def test_missing_manifest_is_an_error_naming_the_plugin(site):
    site.install("acme_m", {"nomani": site.plugin("nomani", manifest="")})
    with pytest.raises(PluginError) as err:
        load()
    assert "nomani" in str(err.value) and "MANIFEST" in str(err.value)


def test_manifest_of_wrong_type_is_an_error(site):
    site.install("acme_m", {"dictmani": site.plugin("dictmani", manifest="MANIFEST = {'key': 'dictmani'}")})
    with pytest.raises(PluginError, match="dictmani"):
        load()


def test_manifest_key_mismatch_is_an_error_naming_both_keys(site):
    manifest = "MANIFEST = core.Manifest(key='otherkey', name_zh='x', name_en='X', version='1')"
    site.install("acme_m", {"epname": site.plugin("epname", manifest=manifest)})
    with pytest.raises(PluginError) as err:
        load()
    assert "epname" in str(err.value) and "otherkey" in str(err.value)
    registry = load(PluginsConfig(skip_broken=True))
    assert registry.infos["epname"].state == BROKEN
    assert "epname" not in registry.keys() and "otherkey" not in registry.keys()


# --- tracing ----------------------------------------------------------------

def test_trace_logs_hook_calls(site, caplog):
    site.install("acme_t", {"alpha": site.plugin("alpha")})
    config = PluginsConfig.load(None, environ={"QDESK_TRACE_PLUGINS": "1"})
    assert config.trace is True
    registry = load(config)
    with caplog.at_level(logging.INFO, logger="qdesk.plugins.trace"):
        registry.pm.hook.register_models()
    traced = [r.getMessage() for r in caplog.records if r.name == "qdesk.plugins.trace"]
    assert any("register_models" in m and "alpha" in m for m in traced), traced


def test_no_trace_by_default(site, caplog):
    site.install("acme_t", {"alpha": site.plugin("alpha")})
    config = PluginsConfig.load(None, environ={})
    assert config.trace is False
    registry = load(config)
    with caplog.at_level(logging.DEBUG, logger="qdesk.plugins.trace"):
        registry.pm.hook.register_models()
    assert not [r for r in caplog.records if r.name == "qdesk.plugins.trace"]


# --- per-company relay ------------------------------------------------------

RECORD_EVENTS = """
@core.hookimpl
def company_module_enabled(company, module, pulled_in):
    CALLS.append(module)

@core.hookimpl
def register_permissions():
    return core.crud_permissions(MANIFEST.key, "thing")
"""


def test_hook_for_calls_only_enabled_plugins_and_core(site):
    site.install("acme_r", {"alpha": site.plugin("alpha", hooks=RECORD_EVENTS),
                             "beta": site.plugin("beta", hooks=RECORD_EVENTS)})
    registry = load()
    alpha, beta = registry.get("alpha").module, registry.get("beta").module

    registry.hook_for(["alpha"]).company_module_enabled(company=None, module="m1", pulled_in=[])
    assert alpha.CALLS == ["m1"] and beta.CALLS == []

    registry.hook_for([]).company_module_enabled(company=None, module="m2", pulled_in=[])
    assert alpha.CALLS == ["m1"] and beta.CALLS == []

    registry.hook_for(["alpha", "beta"]).company_module_enabled(company=None, module="m3", pulled_in=[])
    assert alpha.CALLS == ["m1", "m3"] and beta.CALLS == ["m3"]

    names = {p.name for perms in registry.hook_for(["beta"]).register_permissions() for p in perms}
    assert "core.module.read" in names  # core is always called
    assert "beta.thing.read" in names and "alpha.thing.read" not in names

    with pytest.raises(AttributeError):
        registry.hook_for(["alpha"]).no_such_hook
