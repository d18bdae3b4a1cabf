"""What plugins declare under their own key: permissions, printables,
settings, KPIs, jobs.

Each is named ``<plugin>.<name>`` and collected from a ``register_*`` hook
into a registry that refuses, naming the plugin, anything of the wrong
type, outside the plugin's namespace, or declared twice. The registries
share this one class: :meth:`NamespacedRegistry.install` builds one at start
and :meth:`NamespacedRegistry.current` returns the app's.
"""
from __future__ import annotations

from typing import Any, Generic, Iterable, TypeVar

from flask import current_app, has_app_context

T = TypeVar("T")


class NamespacedRegistry(Generic[T]):
    """Declarations by key. Subclasses set ``kind`` (used in messages),
    ``item_type``, ``hook`` (the hook that returns them), ``key_attr`` and
    ``extension`` (where the app keeps the registry), and may refine each
    accepted item in :meth:`accept`."""

    kind = "declaration"
    item_type: type = object
    hook = ""
    key_attr = "key"
    extension = ""

    @classmethod
    def install(cls, app: Any, plugins: Any) -> Any:
        """Collect every loaded plugin's ``hook`` (core first, then in
        dependency order) into a new registry kept in ``app.extensions``."""
        registry = cls()
        for owner, items in plugins.call_each(cls.hook):
            registry.add_declared(plugins, owner, items or [])
        app.extensions[cls.extension] = registry
        return registry

    @classmethod
    def current(cls) -> Any:
        """The current app's registry."""
        return current_app.extensions[cls.extension]

    @classmethod
    def current_or_none(cls) -> Any:
        """The current app's registry, or ``None`` outside an app (or before
        it is built): for lookups that must also work in plain scripts."""
        if not has_app_context():
            return None
        return current_app.extensions.get(cls.extension)

    def add_declared(self, plugins: Any, owner: str, items: Iterable[T]) -> None:
        """Register what ``owner``'s hook returned (``plugins`` gives access to
        its manifest); default: :meth:`add`."""
        self.add(owner, items)

    def __init__(self) -> None:
        self.by_key: dict[str, T] = {}

    def add(self, owner: str, items: Iterable[T]) -> None:
        """Register ``owner``'s declarations; each must be in its namespace."""
        for item in items:
            if not isinstance(item, self.item_type):
                raise TypeError(f"plugin {owner!r}: {self.hook} returned {item!r}, which is not a "
                                f"{self.item_type.__module__}.{self.item_type.__qualname__}")
            key = getattr(item, self.key_attr)
            if key.split(".", 1)[0] != owner:
                raise ValueError(f"plugin {owner!r} declares {self.kind} {key!r} "
                                 f"outside its namespace {owner}.*")
            if key in self.by_key:
                raise ValueError(f"{self.kind} {key!r} declared twice")
            self.accept(owner, item)
            self.by_key[key] = item

    def accept(self, owner: str, item: T) -> None:
        """Check or complete ``item`` before it is registered (default: record
        the declaring plugin as ``item.plugin_key``)."""
        mark_owner(item, owner)

    def owned_by(self, owner: str) -> list[T]:
        """The declarations of plugin ``owner``."""
        return [item for key, item in self.by_key.items() if key.split(".", 1)[0] == owner]


class Keyed:
    """What every declaration named ``<plugin>.<name>`` can say of its key:
    the declaring plugin's module and the name under it. (Permissions are
    keyed by ``name``: they say it themselves.)"""

    key: str

    @property
    def module(self) -> str:
        """``crm`` of ``crm.contactlog``: the module whose gate applies."""
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        """``contactlog`` of ``crm.contactlog``."""
        return self.key.split(".", 1)[1]


def mark_owner(item: Any, owner: str) -> None:
    """Record the declaring plugin on a frozen dataclass declaration."""
    object.__setattr__(item, "plugin_key", owner)


class ModelRegistry(NamespacedRegistry[T]):
    """A :class:`NamespacedRegistry` of declarations about models (sequences,
    workflows, deadlines): each item's ``model`` is indexed when accepted, and
    :meth:`for_model` finds those of a model or of its base classes."""

    def __init__(self) -> None:
        super().__init__()
        self._by_model: dict[type, list[T]] = {}

    def index(self, item: T) -> None:
        """Remember ``item`` under its ``model`` (call from :meth:`accept`)."""
        self._by_model.setdefault(item.model, []).append(item)

    def declared_on(self, model: type) -> list[T]:
        """The items declared on exactly ``model``."""
        return list(self._by_model.get(model, []))

    def for_model(self, model: type) -> list[T]:
        """The items of ``model`` and of its base classes."""
        return [item for m in type.mro(model) for item in self._by_model.get(m, [])]
