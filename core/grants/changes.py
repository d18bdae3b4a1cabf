"""A company's permission tables, and granting or revoking beyond the
defaults (the Permissions screen and scripts call these; nothing else
writes :class:`~core.records.grants.RoleGrant` rows)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable

from flask import current_app
from sqlalchemy.exc import IntegrityError

from core.errors import Conflict, Invalid
from core.extensions import db
from core.i18n import is_chinese, translate as _gettext
from core.models import ROLES, Company, User
from core.records import tenancy
from core.records.grants import RoleGrant, forget_grants
from core.records.permissions import ACTIONS, Permission, permission_registry

#: The role that can never lose these permissions in any company: they
#: reach the Permissions and Modules screens, so no save can lock every
#: admin out of them (and out of undoing the save).
PROTECTED_ROLE = "admin"
LOCKED = frozenset({"core.grants.read", "core.grants.write", "core.module.read", "core.module.write"})


@dataclass(frozen=True)
class Cell:
    """One role's grant of one permission in a company."""

    role: str
    granted: bool          # what holds now (override, else default)
    default: bool          # the declared default
    locked: bool = False   # the protected role's lock-out permissions

    @property
    def overridden(self) -> bool:
        return self.granted != self.default


@dataclass(frozen=True)
class Row:
    permission: Permission
    cells: tuple[Cell, ...]


@dataclass
class ModuleTable:
    """The permission table of one module for one company: rows of
    permissions, one cell per role; ``token`` changes whenever an override
    of the module changes (a save from an older page is refused);
    ``ignored`` are overrides of permissions or roles no longer declared."""

    key: str
    title: str
    rows: list[Row]
    token: str
    ignored: list[RoleGrant] = field(default_factory=list)

    @property
    def overridden(self) -> int:
        return sum(c.overridden for r in self.rows for c in r.cells)


def _rows_of(company: Company, module: str) -> list[RoleGrant]:
    """The module's override rows in ``company`` (declared or not): their
    permission names start with ``<module>.``."""
    prefix = f"{module}."
    return [g for g in tenancy.scoped_query(RoleGrant, company).filter(RoleGrant.archived_at.is_(None))
            .order_by(RoleGrant.permission, RoleGrant.role) if g.permission.startswith(prefix)]


def _token(rows: Iterable[RoleGrant]) -> str:
    text = ";".join(f"{g.id}:{g.permission}:{g.role}:{int(g.granted)}:{g.version}" for g in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _order(perm: Permission) -> tuple:
    """By entity, then read, create, write, delete, then other actions."""
    head, _dot, action = perm.name.rpartition(".")
    return head, ACTIONS.index(action) if action in ACTIONS else len(ACTIONS), action


def module_permissions(module: str) -> list[Permission]:
    """The declared permissions of ``module``, entity by entity."""
    return sorted((p for p in permission_registry().by_name.values() if p.module == module), key=_order)


def module_title(module: str, locale: str | None = None) -> str:
    """A module's name for the interface (core's own: "Core")."""
    if module == "core":
        return _gettext("Core")
    manifest = current_app.extensions["qdesk.plugins"].get(module).manifest
    return manifest.name("zh" if is_chinese(locale) else "en")


def shown_modules(company: Company) -> list[str]:
    """Core, then the modules enabled for ``company`` that declare permissions."""
    enabled = tenancy.enabled_modules(company)
    keys = [info.key for info in current_app.extensions["qdesk.plugins"].loaded() if info.key in enabled]
    return ["core"] + [k for k in keys if module_permissions(k)]


def module_table(company: Company, module: str) -> ModuleTable:
    """``company``'s table of ``module`` (see :class:`ModuleTable`)."""
    rows = _rows_of(company, module)
    overrides = {(g.permission, g.role): g.granted for g in rows}
    declared = module_permissions(module)
    names = {p.name for p in declared}
    table = []
    for perm in declared:
        cells = []
        for role in ROLES:
            default = role in perm.grants
            cells.append(Cell(role, overrides.get((perm.name, role), default), default,
                              locked=role == PROTECTED_ROLE and perm.name in LOCKED))
        table.append(Row(perm, tuple(cells)))
    ignored = [g for g in rows if g.permission not in names or g.role not in ROLES]
    return ModuleTable(module, module_title(module), table, _token(rows), ignored)


def company_tables(company: Company | None = None) -> list[ModuleTable]:
    """The tables of every shown module (:func:`shown_modules`)."""
    company = company or tenancy.require_company()
    return [module_table(company, m) for m in shown_modules(company)]


def _check_shown(company: Company, module: str) -> None:
    if module not in shown_modules(company):
        raise Invalid(_gettext("Module %(module)s is not enabled for this company.", module=module))


def set_module_grants(module: str, granted: Iterable[tuple[str, str]], token: str,
                      company: Company | None = None, user: User | None = None) -> int:
    """Make exactly the ``(permission, role)`` pairs in ``granted`` hold
    among ``module``'s declared permissions in ``company`` (default: the
    current one): an override row where that differs from the default, none
    where it is the default. Committed; audited (one entry per row created,
    changed or removed). Returns how many rows changed.

    :raises Invalid: a pair outside the module's table, or the protected
        role would lose one of the :data:`LOCKED` permissions; nothing changed.
    :raises Conflict: ``token`` is not the table's current one (someone
        saved in between); nothing changed.
    """
    company = company or tenancy.require_company()
    _check_shown(company, module)
    wanted = set(granted)
    declared = {p.name: p for p in module_permissions(module)}
    stray = sorted(f"{p} · {r}" for p, r in wanted if p not in declared or r not in ROLES)
    if stray:
        raise Invalid(_gettext("Not a permission of this module: %(names)s.", names=", ".join(stray)))
    lost = sorted(p for p in LOCKED if p in declared and (p, PROTECTED_ROLE) not in wanted)
    if lost:
        raise Invalid(_gettext("The admin role keeps %(names)s: without them nobody could reach the "
                               "Permissions and Modules screens. Nothing was changed.", names=", ".join(lost)))
    rows = _rows_of(company, module)
    if token != _token(rows):
        raise Conflict(_gettext("Someone changed these permissions while you were editing them. Nothing "
                                "was saved: the table now shows their change."))
    existing = {(g.permission, g.role): g for g in rows}
    changed = 0
    try:
        with tenancy.acting_as(company, user or tenancy.current_user()):
            for name, perm in declared.items():
                for role in ROLES:
                    want, default = (name, role) in wanted, role in perm.grants
                    row = existing.get((name, role))
                    if want == default:
                        if row is not None:
                            db.session.delete(row)
                            changed += 1
                    elif row is None:
                        db.session.add(RoleGrant(permission=name, role=role, granted=want))
                        changed += 1
                    elif row.granted != want:
                        row.granted = want
                        changed += 1
            db.session.commit()
    except IntegrityError:  # a concurrent save created the same row first
        db.session.rollback()
        raise Conflict(_gettext("Someone changed these permissions while you were editing them. Nothing "
                                "was saved: the table now shows their change.")) from None
    except Exception:
        db.session.rollback()
        raise
    finally:
        forget_grants()
    return changed


def reset_module(module: str, token: str, company: Company | None = None, user: User | None = None) -> int:
    """Remove every override of ``module`` in ``company`` (those of
    permissions no longer declared too): the defaults hold again. Committed,
    audited; returns how many rows went. :raises Conflict: as
    :func:`set_module_grants`."""
    company = company or tenancy.require_company()
    _check_shown(company, module)
    rows = _rows_of(company, module)
    if token != _token(rows):
        raise Conflict(_gettext("Someone changed these permissions while you were editing them. Nothing "
                                "was saved: the table now shows their change."))
    try:
        with tenancy.acting_as(company, user or tenancy.current_user()):
            for row in rows:
                db.session.delete(row)
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        forget_grants()
    return len(rows)
