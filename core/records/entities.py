"""Entities: each plugin model declared once, with its key, labels,
permissions and schema.

A plugin returns :class:`Entity` objects from ``register_entities``::

    Entity("crm.contactlog", ContactLog, "来电来函来访登记", "Contact log",
           schema=ContactLogSchema)

and core derives from it what used to be spelled out (and could drift) in
several places:

* the four permissions ``crm.contactlog.read|create|write|delete`` with the
  usual default grants (or the ones the entity gives), so no plugin writes
  ``crud_permissions`` for it;
* the screen's endpoint and permission names: a :class:`~admin.views.CompanyModelView`
  of the model needs no ``entity`` attribute;
* a printable's permission (``<key>.read`` of its model's entity, never
  guessed from a table name);
* what :mod:`core.records.access` checks for the entity.

At start, a screen or printable whose permission no plugin declares stops
the app, naming the plugin (:func:`check_names`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable


from core.plugin.declarations import Keyed, ModelRegistry, mark_owner
from core.i18n import pick
from core.models import ROLES
from core.records.permissions import ACTION_LABELS, ACTIONS, Permission

__all__ = ["Attachments", "Entity", "EntityRegistry", "entity_of", "get_entity", "install_entities", "check_names"]

_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Attachments:
    """An entity's opt-in to files attached to its records (:mod:`core.attachments`)::

        Entity("crm.contactlog", ContactLog, "来电来函来访登记", "Contact log",
               attachments=Attachments(kinds=("image", "pdf"), max_bytes=10_000_000))

    :param kinds: what may be attached, told from the file's content, never
        its name: ``image`` (PNG, JPEG, GIF, WebP; re-encoded), ``pdf``,
        ``docx``, ``xlsx`` (checked against zip bombs).
    :param max_bytes: / :param max_count: the most bytes one file may have,
        the most files one record may carry.
    :param append_only: attachments are evidence: nobody deletes them; a
        delete by a holder of ``<entity>.delete`` archives them (kept, hidden, audited).
    :param protected_from: fields of the record naming the people (a user,
        or a user id) who may never remove its attachments, e.g. the person
        a complaint is about; others' deletes archive them, as ``append_only``.
    """

    kinds: tuple[str, ...] = ("image", "pdf")
    max_bytes: int = 10 * 1024 * 1024
    max_count: int = 20
    append_only: bool = False
    protected_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("kinds", "protected_from"):
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"Attachments.{name} must be a tuple of names, not {value!r}")
            object.__setattr__(self, name, tuple(value))
        if not self.kinds:
            raise ValueError("Attachments.kinds names no kind of file")
        if int(self.max_bytes) < 1 or int(self.max_count) < 1:
            raise ValueError("Attachments.max_bytes and max_count must be positive")

    @property
    def evidence(self) -> bool:
        """Whether a delete archives instead of removing (append-only for
        everyone or for the people the record names)."""
        return self.append_only or bool(self.protected_from)


@dataclass(frozen=True)
class Entity(Keyed):
    """One kind of record of a plugin.

    :param key: ``<plugin>.<name>`` (``crm.contactlog``); the prefix of its
        permissions and of the screen's endpoint (``crm_contactlog``).
    :param model: the company-owned model.
    :param label_zh: / :param label_en: what one record is called (来电来函来访登记).
    :param schema: the marshmallow schema of its imports (and, later, its API).
    :param read: / :param create: / :param write: / :param delete: the roles
        granted each permission by default (everyone reads; staff and up
        create and write; managers and up delete).
    :param attachments: an :class:`Attachments` to let users attach files
        to its records (a panel on the record page, behind the record's gate).
    :param search: a :class:`core.search.Search` naming the fields (its own
        and related records') its list's search box finds records by,
        through core's search index.
    :param protected_from: fields of the record naming people (a user, an
        employee, or a user id) who may read it but never change it, fire
        its workflow or delete it, whatever their role: the person a
        complaint is about (AS-61, :mod:`core.records.protected`).
    """

    key: str
    model: type
    label_zh: str
    label_en: str
    schema: type | None = None
    read: tuple[str, ...] = ROLES
    create: tuple[str, ...] = ("admin", "manager", "staff")
    write: tuple[str, ...] = ("admin", "manager", "staff")
    delete: tuple[str, ...] = ("admin", "manager")
    attachments: Attachments | None = None
    # A core.search.Search (not imported: core.search builds on the entities;
    # it checks the value at start, core.search.init_search).
    search: Any = None
    protected_from: tuple[str, ...] = ()
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"entity {self.key!r} must look like <plugin>.<name> (lower case)")
        if not hasattr(self.model, "company_id"):
            raise ValueError(f"entity {self.key!r}: model {self.model!r} is not company-owned")
        if self.attachments is not None and not isinstance(self.attachments, Attachments):
            raise ValueError(f"entity {self.key!r}: attachments must be an Attachments(...)")
        if isinstance(self.protected_from, str) or not all(isinstance(n, str) for n in self.protected_from):
            raise ValueError(f"entity {self.key!r}: protected_from must be a tuple of field names")
        object.__setattr__(self, "protected_from", tuple(self.protected_from))
        missing = [n for n in self.protected_from if not hasattr(self.model, n)]
        if missing:
            raise ValueError(f"entity {self.key!r}: protected_from names {', '.join(missing)}, which "
                             f"{self.model.__name__} does not have")

    def permission(self, action: str) -> str:
        """``crm.contactlog.write`` for ``write``."""
        return f"{self.key}.{action}"

    def permissions(self) -> list[Permission]:
        """Its four permissions with their default grants."""
        grants = dict(read=self.read, create=self.create, write=self.write, delete=self.delete)
        return [Permission(self.permission(a), frozenset(grants[a]), f"{self.label_en}: {ACTION_LABELS[a][1]}",
                           f"{self.label_zh}：{ACTION_LABELS[a][0]}") for a in ACTIONS]

    def label(self, locale: str | None = None) -> str:
        return pick(self.label_zh, self.label_en, locale)


class EntityRegistry(ModelRegistry[Entity]):
    """Every declared entity, by key (``app.extensions["qdesk.entities"]``);
    one per model."""

    kind, item_type, hook, extension = "entity", Entity, "register_entities", "qdesk.entities"

    def __init__(self) -> None:
        super().__init__()
        self.implicit: set[str] = set()

    def add_implicit(self, owner: str, key: str, model: type, label: str = "") -> Entity:
        """An entity for a screen whose model no plugin declares (plugins
        written before entities): named after the screen, its permissions
        declared by the plugin itself. The first screen of a model names it."""
        found = self.entity_of(model)
        if found is not None:
            return found
        entity = Entity(key, model, label or key, label or key)
        self.add(owner, [entity])
        self.implicit.add(key)
        return entity

    def accept(self, owner: str, item: Entity) -> None:
        taken = self.declared_on(item.model)
        if taken:
            raise ValueError(f"plugin {owner!r}: entity {item.key!r}: {item.model.__name__} is already "
                             f"the entity {taken[0].key!r}")
        mark_owner(item, owner)
        self.index(item)

    def entity_of(self, model: type) -> Entity | None:
        found = self.for_model(model)
        return found[0] if found else None


def install_entities(app: Any, plugins: Any) -> EntityRegistry:
    """Collect ``register_entities`` (before the permissions: each entity's
    four are added to them by :func:`add_permissions`)."""
    return EntityRegistry.install(app, plugins)


def add_permissions(entities: EntityRegistry, permissions: Any) -> None:
    """Declare the entities' permissions in ``permissions`` (a
    :class:`~core.records.permissions.PermissionRegistry`), each under its plugin;
    a plugin that also declares one of them is told it is declared twice."""
    for entity in entities.by_key.values():
        permissions.add(entity.plugin_key, entity.permissions())



def entity_of(model: type) -> Entity | None:
    """The entity ``model`` is declared as, or ``None``."""
    registry = EntityRegistry.current_or_none()
    return registry.entity_of(model) if registry is not None else None


def get_entity(key: str) -> Entity:
    """The entity ``key``; ``KeyError`` naming the declared ones."""
    registry = EntityRegistry.current_or_none()
    entity = registry.by_key.get(key) if registry is not None else None
    if entity is None:
        known = ", ".join(sorted(registry.by_key)) if registry else "none"
        raise KeyError(f"no entity {key!r} (declared: {known})")
    return entity


def check_names(plugin: str, what: str, names: Iterable[str], declared: Iterable[str]) -> None:
    """Stop the start when ``what`` of ``plugin`` names permissions that no
    plugin declares (a typo, or ``contactlog`` vs ``contact_log``)."""
    missing = sorted(set(names) - set(declared))
    if missing:
        raise ValueError(f"plugin {plugin!r}: {what} needs the permission(s) {', '.join(missing)}, which no "
                         "plugin declares (declare the entity with register_entities, or the permission "
                         "with register_permissions)")


def field_label(model: type, name: str) -> str:
    """The label screens give ``model``'s field ``name`` (their
    ``column_labels``, collected at start), else the name. (Re-exported by
    :mod:`core.workflow`.)"""
    from flask import current_app, has_app_context
    labels = current_app.extensions.get("qdesk.field_labels", {}) if has_app_context() else {}
    for m in type.mro(model):
        if name in labels.get(m, {}):
            return str(labels[m][name])
    return name
