"""Plugin discovery, validation and the per-app plugin registry.

Plugins are found through the ``qdesk.plugins`` entry points, filtered by
``plugins.toml`` (``blocked``), checked for missing dependencies and cycles,
then registered with one pluggy ``PluginManager`` per app. Every failure
names the plugin. In strict mode (the default) a broken plugin stops the
start; with ``skip_broken`` the app starts without it and logs a warning.
"""
from __future__ import annotations

import importlib.metadata
import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Iterator

import pluggy

from core.plugin import hookspecs
from core.plugin.hookspecs import PROJECT
from core.plugin.manifest import Manifest

log = logging.getLogger("qdesk.plugins")
trace_log = logging.getLogger("qdesk.plugins.trace")

ENTRY_POINT_GROUP = "qdesk.plugins"
LOADED, BLOCKED, BROKEN = "loaded", "blocked", "broken"


class PluginError(RuntimeError):
    """A plugin cannot be loaded; the message names it and says why."""


@dataclass
class PluginInfo:
    """One installed plugin as the registry sees it."""

    key: str
    source: str
    state: str = LOADED
    error: str | None = None
    module: ModuleType | None = None
    manifest: Manifest | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.manifest.version if self.manifest else "?"

    @property
    def depends(self) -> tuple[str, ...]:
        return self.manifest.depends if self.manifest else ()

    @property
    def path(self) -> Path | None:
        """Folder of the plugin's package."""
        return Path(self.module.__file__).parent if self.module else None

    @property
    def migrations_path(self) -> Path | None:
        """``<package>/migrations/versions`` when the plugin ships migrations."""
        path = self.path and self.path / "migrations" / "versions"
        return path if path and path.is_dir() else None


@dataclass(frozen=True)
class PluginsConfig:
    """What ``plugins.toml`` and the environment say about loading."""

    blocked: frozenset[str] = frozenset()
    skip_broken: bool = False
    trace: bool = False
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | os.PathLike | None, environ: dict[str, str] | None = None) -> PluginsConfig:
        """Read ``path`` (missing file = defaults) and the ``QDESK_*`` overrides."""
        environ = os.environ if environ is None else environ
        data: dict[str, Any] = {}
        if path and Path(path).is_file():
            try:
                data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise PluginError(f"{path}: not valid TOML: {exc}") from exc
        blocked = data.get("blocked", [])
        if not isinstance(blocked, list) or not all(isinstance(b, str) for b in blocked):
            raise PluginError(f"{path}: 'blocked' must be a list of plugin keys")
        skip = bool(data.get("skip_broken", False))
        if environ.get("QDESK_SKIP_BROKEN_PLUGINS"):
            skip = environ["QDESK_SKIP_BROKEN_PLUGINS"] not in ("0", "false", "no", "")
        return cls(
            blocked=frozenset(blocked),
            skip_broken=skip,
            trace=environ.get("QDESK_TRACE_PLUGINS", "") not in ("", "0", "false", "no"),
            settings={k: dict(v) for k, v in data.get("settings", {}).items()},
        )


def discover() -> Iterator[importlib.metadata.EntryPoint]:
    """Entry points of the ``qdesk.plugins`` group, one per plugin key."""
    seen: set[str] = set()
    for ep in sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in seen:  # the same distribution found twice on sys.path
            continue
        seen.add(ep.name)
        yield ep


def _describe(ep: importlib.metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    where = f" from {dist.name} {dist.version}" if dist is not None else ""
    return f"entry point {ep.name} = {ep.value}{where}"


class PluginRegistry:
    """The loaded plugins of one app and the pluggy manager that calls them.

    Created by ``create_app`` through :meth:`load`; available as
    ``app.extensions["qdesk.plugins"]``.
    """

    def __init__(self, config: PluginsConfig) -> None:
        self.config = config
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        # Filled by create_app: plugin key → models / admin views / permissions.
        self.models: dict[str, list[type]] = {}
        self.admin_views: list[Any] = []
        if config.trace:
            self.pm.add_hookcall_monitoring(self._trace_before, self._trace_after)

    # --- loading ---------------------------------------------------------
    @classmethod
    def load(cls, config: PluginsConfig, builtins: Iterable[tuple[str, ModuleType]] = ()) -> PluginRegistry:
        """Discover, check and register plugins; raise :class:`PluginError`
        naming the plugin when one cannot be loaded in strict mode.

        :param builtins: ``(name, module)`` pairs of core's own hook
            implementations, registered first and never blocked.
        """
        registry = cls(config)
        for name, module in builtins:
            registry.pm.register(module, name=name)
        for ep in discover():
            registry._import(ep)
        registry._check_dependencies()
        for info in registry._in_dependency_order():
            registry._register(info)
        registry.pm.check_pending()
        for info in registry.infos.values():
            if info.state == BLOCKED:
                log.info("plugin %s is blocked by plugins.toml", info.key)
        log.info("plugins loaded: %s", ", ".join(registry.keys()) or "(none)")
        return registry

    def _import(self, ep: importlib.metadata.EntryPoint) -> None:
        info = PluginInfo(key=ep.name, source=_describe(ep))
        self.infos[ep.name] = info
        if ep.name in self.config.blocked:
            info.state = BLOCKED
            return
        try:
            module = ep.load()
        except Exception as exc:  # any import-time error of third-party code
            self._broken(info, f"plugin {ep.name!r} ({info.source}) failed to import: "
                               f"{type(exc).__name__}: {exc}")
            return
        manifest = getattr(module, "MANIFEST", None)
        if not isinstance(manifest, Manifest):
            self._broken(info, f"plugin {ep.name!r} ({info.source}) has no MANIFEST "
                               "(a core.plugin.manifest.Manifest) in its package")
            return
        if manifest.key != ep.name:
            self._broken(info, f"plugin {ep.name!r} ({info.source}): entry-point name and "
                               f"MANIFEST.key {manifest.key!r} differ")
            return
        info.module, info.manifest = module, manifest
        info.settings = {**manifest.settings, **self.config.settings.get(ep.name, {})}

    def _broken(self, info: PluginInfo, message: str) -> None:
        info.state, info.error = BROKEN, message
        if not self.config.skip_broken:
            raise PluginError(message + "\n(set QDESK_SKIP_BROKEN_PLUGINS=1 or "
                                        "skip_broken = true in plugins.toml to start without it)")
        log.warning("starting without plugin %s: %s", info.key, message)

    def _check_dependencies(self) -> None:
        # Missing dependencies cascade: a plugin whose dependency is absent,
        # blocked or broken cannot load either.
        changed = True
        while changed:
            changed = False
            for info in self._loaded():
                for dep in info.depends:
                    dep_info = self.infos.get(dep)
                    if dep_info is None or dep_info.state != LOADED:
                        why = ("is not installed" if dep_info is None
                               else "is blocked in plugins.toml" if dep_info.state == BLOCKED
                               else "failed to load")
                        self._broken(info, f"plugin {info.key!r} depends on {dep!r}, which {why}")
                        changed = True
                        break
        cycle = self._find_cycle()
        if cycle:
            # A cycle is a packaging error, never skipped.
            raise PluginError("plugin dependency cycle: " + " -> ".join(cycle))

    def _find_cycle(self) -> list[str] | None:
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(key: str) -> list[str] | None:
            state[key] = 1
            stack.append(key)
            for dep in self.infos[key].depends:
                if dep not in self.infos or self.infos[dep].state != LOADED:
                    continue
                if state.get(dep) == 1:
                    return stack[stack.index(dep):] + [dep]
                if dep not in state and (found := visit(dep)):
                    return found
            stack.pop()
            state[key] = 2
            return None

        for info in self._loaded():
            if info.key not in state and (found := visit(info.key)):
                return found
        return None

    def _register(self, info: PluginInfo) -> None:
        # Registration runs in dependency order: a dependency whose hooks were
        # refused just above (skip_broken) takes its dependents down with it.
        failed = [d for d in info.depends if self.infos[d].state != LOADED]
        if failed:
            self._broken(info, f"plugin {info.key!r} depends on {failed[0]!r}, which failed to load")
            return
        try:
            self.pm.register(info.module, name=info.key)
            # Unknown hook names surface here, attributable to this plugin.
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            if self.pm.is_registered(info.module):
                self.pm.unregister(info.module)
            self._broken(info, f"plugin {info.key!r} ({info.source}) has an invalid hook "
                               f"implementation: {exc}")

    def _loaded(self) -> list[PluginInfo]:
        return [i for i in self.infos.values() if i.state == LOADED]

    def _in_dependency_order(self) -> list[PluginInfo]:
        ordered: list[PluginInfo] = []
        done: set[str] = set()

        def visit(info: PluginInfo) -> None:
            if info.key in done:
                return
            done.add(info.key)
            for dep in info.depends:
                visit(self.infos[dep])
            ordered.append(info)

        for info in sorted(self._loaded(), key=lambda i: (i.manifest.sequence, i.key)):
            visit(info)
        return ordered

    # --- queries ---------------------------------------------------------
    def keys(self) -> list[str]:
        """Keys of the loaded plugins, dependencies before dependents."""
        return [i.key for i in self._in_dependency_order() if i.state == LOADED]

    def get(self, key: str) -> PluginInfo:
        """The loaded plugin ``key``; ``KeyError`` when it is not loaded."""
        info = self.infos.get(key)
        if info is None or info.state != LOADED:
            raise KeyError(key)
        return info

    def loaded(self) -> list[PluginInfo]:
        """Loaded plugins, dependencies first, then by manifest sequence."""
        return [self.infos[k] for k in self.keys()]

    def dependency_closure(self, key: str) -> list[str]:
        """``key``'s dependencies, transitively, dependencies first (``key`` excluded)."""
        result: list[str] = []

        def visit(k: str) -> None:
            for dep in self.get(k).depends:
                if dep not in result:
                    visit(dep)
                    result.append(dep)

        visit(key)
        return result

    def dependents(self, key: str) -> list[str]:
        """Loaded plugins that depend on ``key``, directly or transitively."""
        return [k for k in self.keys() if k != key and key in self.dependency_closure(k)]

    def owner_of_table(self, table_name: str) -> str:
        """The plugin key owning ``table_name``, or ``"core"``."""
        for key, models in self.models.items():
            if any(getattr(m, "__tablename__", None) == table_name for m in models):
                return key
        return "core"

    # --- calling hooks ---------------------------------------------------
    def call_each(self, hook_name: str, only: Iterable[str] | None = None,
                  **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook_name`` plugin by plugin, core first, then dependencies
        before dependents, and return ``(plugin key, result)`` pairs, so core
        knows who registered what.

        :param only: restrict the calls to these plugin keys (core included
            only if listed), e.g. the modules enabled for a company.
        """
        results = []
        keys = ["core", *self.keys()]
        if only is not None:
            only = set(only)
            keys = [k for k in keys if k in only]
        for key in keys:
            plugin = self.pm.get_plugin(key)
            if plugin is None:
                continue
            caller = self.pm.subset_hook_caller(
                hook_name, remove_plugins=[p for p in self.pm.get_plugins() if p is not plugin])
            for result in caller(**kwargs):
                results.append((key, result))
        return results

    def callers(self, hook_name: str, enabled: Iterable[str]) -> Iterator[tuple[str, Any]]:
        """``(plugin name, caller)`` for each plugin a per-company call of
        ``hook_name`` reaches (as :meth:`hook_for`: core, the plugins in
        ``enabled``, anything registered outside the registry), in
        registration order (core first, dependencies before dependents):
        calling them one by one lets one plugin's exception not stop the others."""
        enabled = set(enabled)
        plugins = self.pm.get_plugins()
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None or (name in self.infos and name not in enabled):
                continue
            yield name, self.pm.subset_hook_caller(hook_name, remove_plugins=[p for p in plugins if p is not plugin])

    def hook_for(self, enabled: Iterable[str]) -> Any:
        """A hook relay that calls only core and the plugins in ``enabled``.

        Use it for per-company hooks: ``registry.hook_for(keys).record_changed(...)``.
        """
        enabled = set(enabled)
        removed = [self.pm.get_plugin(k) for k in self.keys() if k not in enabled]
        return _SubsetRelay(self.pm, [p for p in removed if p is not None])

    # --- tracing ---------------------------------------------------------
    @staticmethod
    def _trace_before(hook_name: str, hook_impls: list, kwargs: dict) -> None:
        trace_log.info("call %s(%s) -> %s", hook_name, ", ".join(sorted(kwargs)),
                       ", ".join(i.plugin_name for i in hook_impls) or "(no implementations)")

    @staticmethod
    def _trace_after(outcome: Any, hook_name: str, hook_impls: list, kwargs: dict) -> None:
        exc = outcome.exception
        trace_log.info("done %s%s", hook_name, f" raised {exc!r}" if exc else "")


class _SubsetRelay:
    """``pm.hook``-like object whose calls skip the removed plugins."""

    def __init__(self, pm: pluggy.PluginManager, removed: list[Any]) -> None:
        self._pm, self._removed = pm, removed

    def __getattr__(self, name: str) -> Any:
        if not hasattr(self._pm.hook, name):
            raise AttributeError(f"no hook named {name!r}")
        return self._pm.subset_hook_caller(name, remove_plugins=self._removed)
