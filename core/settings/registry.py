"""The settings registry: every plugin's ``register_settings``, with the
manifest defaults and ``plugins.toml`` over them."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from marshmallow import ValidationError

from core.plugin.declarations import NamespacedRegistry


#: The value types a setting can have.
from core.settings.declared import _MISSING, Setting, UnknownSetting


# --- the registry ---------------------------------------------------------

class SettingsRegistry(NamespacedRegistry[Setting]):
    """Every declared setting, by key (``app.extensions["qdesk.settings"]``)."""

    kind, item_type, hook, extension = "setting", Setting, "register_settings", "qdesk.settings"

    def __init__(self) -> None:
        super().__init__()
        self.defaults: dict[str, Any] = {}
        self._manifest_settings: Mapping[str, Any] = {}

    def add(self, owner: str, settings: Iterable[Setting],
            manifest_settings: Mapping[str, Any] | None = None) -> None:
        """Register ``owner``'s settings: each in its namespace, declared
        once, with a valid default (from ``manifest_settings`` when it has
        the setting's name, else the declaration's)."""
        self._manifest_settings = manifest_settings or {}
        super().add(owner, settings)

    def add_declared(self, plugins: Any, owner: str, items: Iterable[Setting]) -> None:
        # The manifest's settings table gives the defaults.
        self.add(owner, items, plugins.infos[owner].settings if owner in plugins.infos else {})

    def accept(self, owner: str, setting: Setting) -> None:
        default = self._manifest_settings.get(setting.name, setting.default)
        if default is _MISSING:
            raise ValueError(f"plugin {owner!r}: setting {setting.key!r} has no default "
                             f"(give default=... or put {setting.name!r} in the manifest's settings)")
        try:
            value = setting.check(default)
        except ValidationError as exc:
            raise ValueError(f"plugin {owner!r}: default {default!r} of setting {setting.key!r} "
                             f"is invalid: {_messages(exc, setting.key)}") from None
        super().accept(owner, setting)
        self.defaults[setting.key] = setting.to_json(value)

    def get(self, key: str) -> Setting:
        """The declaration of ``key``; :class:`UnknownSetting` when none."""
        try:
            return self.by_key[key]
        except KeyError:
            near = [k for k in self.by_key if k.split(".", 1)[0] == key.split(".", 1)[0]]
            hint = f"; {key.split('.', 1)[0]} declares {', '.join(sorted(near))}" if near else ""
            raise UnknownSetting(f"unknown setting {key!r}: no loaded plugin declares it{hint}") from None

    def for_module(self, module: str) -> list[Setting]:
        """The settings declared by plugin ``module``."""
        return self.owned_by(module)

    def default(self, key: str) -> Any:
        """The default of ``key`` as plugins receive it."""
        return self.get(key).from_json(self.defaults[key])


def _messages(exc: ValidationError, key: str) -> str:
    msgs = exc.messages.get(key, exc.messages) if isinstance(exc.messages, dict) else exc.messages
    return " ".join(_flatten(msgs))


def _flatten(msgs: Any) -> list[str]:
    if isinstance(msgs, str):
        return [msgs]
    if isinstance(msgs, dict):
        return [m for v in msgs.values() for m in _flatten(v)]
    return [m for v in msgs for m in _flatten(v)]


def init_settings(app: Any, registry: Any) -> SettingsRegistry:
    """Collect every plugin's ``register_settings`` (core first); called at start."""
    return SettingsRegistry.install(app, registry)


def settings_registry() -> SettingsRegistry:
    """The app's :class:`SettingsRegistry`."""
    return SettingsRegistry.current()
