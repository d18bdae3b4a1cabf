"""Permissions declared by plugins and checked by core, once.

A permission is named ``<plugin>.<entity>.<action>`` and carries the company
roles that hold it by default (like Odoo's ir.model.access). A user holds a
permission in the current company when their role there is granted it and
the permission's module is enabled for that company. A company admin may
grant or revoke beyond the defaults for their company
(:mod:`core.records.grants`): the company's override wins, else the default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable


from core.i18n import pick
from core.records import grants, tenancy
from core.plugin.declarations import NamespacedRegistry
from core.models import ROLES

ACTIONS = ("read", "create", "write", "delete")
#: What each action of an entity's permission is called: (zh, en).
ACTION_LABELS = {"read": ("查看", "read"), "create": ("新建", "create"), "write": ("修改", "edit"),
                 "delete": ("删除", "delete")}
_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Permission:
    """A named permission and the roles granted it by default.

    :param label: what it allows, in English (shown on the Permissions
        screen and in the audit log); :param label_zh: the same in Chinese
        (the English label, or the name, when empty).
    """

    name: str
    grants: frozenset[str]
    label: str = ""
    label_zh: str = ""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"permission {self.name!r} must look like <plugin>.<entity>.<action>")
        unknown = set(self.grants) - set(ROLES)
        if unknown:
            raise ValueError(f"permission {self.name!r} grants unknown roles {sorted(unknown)}; "
                             f"roles are {', '.join(ROLES)}")
        object.__setattr__(self, "grants", frozenset(self.grants))

    @property
    def module(self) -> str:
        return self.name.split(".", 1)[0]

    def title(self, locale: str | None = None) -> str:
        """Its label in the interface's language (the name when it has none)."""
        return pick(self.label_zh or self.label or self.name, self.label or self.name, locale)


def crud_permissions(
    plugin: str,
    entity: str,
    read: Iterable[str] = ROLES,
    create: Iterable[str] = ("admin", "manager", "staff"),
    write: Iterable[str] = ("admin", "manager", "staff"),
    delete: Iterable[str] = ("admin", "manager"),
    label_en: str = "",
    label_zh: str = "",
) -> list[Permission]:
    """The four permissions of an entity with the usual default grants:
    everyone reads, staff and up create and write, managers and up delete.
    ``label_en``/``label_zh`` name one record (default: the entity's name)
    in the permissions' labels (``Company calendar: create``)."""
    grants = dict(read=read, create=create, write=write, delete=delete)
    en = label_en or entity.replace("_", " ")
    zh = label_zh or en
    return [Permission(f"{plugin}.{entity}.{action}", frozenset(grants[action]),
                       f"{en}: {ACTION_LABELS[action][1]}", f"{zh}：{ACTION_LABELS[action][0]}")
            for action in ACTIONS]


class PermissionRegistry(NamespacedRegistry[Permission]):
    """All permissions of the loaded plugins, by name."""

    kind, item_type, hook, key_attr = "permission", Permission, "register_permissions", "name"
    extension = "qdesk.permissions"

    @property
    def by_name(self) -> dict[str, Permission]:
        return self.by_key


def permission_registry() -> PermissionRegistry:
    """The app's :class:`PermissionRegistry`."""
    return PermissionRegistry.current()


def granted_roles(perm: Permission, company) -> frozenset[str]:
    """The roles holding ``perm`` in ``company``: its default grants with
    the company's overrides applied (read once per app context)."""
    overrides = grants.company_overrides(company)
    if not overrides:
        return perm.grants
    return frozenset(role for role in ROLES
                     if overrides.get((perm.name, role), role in perm.grants))


def has_permission(name: str, user=None, company=None) -> bool:
    """Whether ``user`` (default: current) holds ``name`` in ``company``
    (default: current): the company's grant of the user's role there
    (:func:`granted_roles`). Unknown permissions are never held (fail
    closed), and so an override of a permission no longer declared is
    ignored."""
    user = user or tenancy.current_user()
    company = company or tenancy.current_company()
    perm = permission_registry().by_name.get(name)
    if user is None or company is None or perm is None or not user.active:
        return False
    if not tenancy.module_enabled(perm.module, company):
        return False
    return user.role_in(company) in granted_roles(perm, company)
