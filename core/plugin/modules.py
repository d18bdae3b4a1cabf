"""Per-company module enablement: the one place that enables and disables.

Used by the Modules screen, ``qdesk module`` and demo loading. Enabling
pulls in dependencies; disabling is refused while an enabled module depends
on the one being disabled. Data is never deleted.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from core.records import tenancy
from core.extensions import db
from core.models import Company, CompanyModule, User


class ModuleError(ValueError):
    """A module cannot be enabled or disabled; the message says why."""


def _registry():
    return current_app.extensions["qdesk.plugins"]


def _row(company: Company, key: str) -> CompanyModule | None:
    return db.session.query(CompanyModule).filter_by(company_id=company.id, module=key).one_or_none()


def enable_module(company: Company, key: str, by: User | None = None) -> list[str]:
    """Enable ``key`` and its dependencies for ``company``; commit.

    :return: keys of the dependencies that were enabled along with it.
    :raises ModuleError: ``key`` is not an installed, loaded plugin.
    """
    registry = _registry()
    try:
        needed = [*registry.dependency_closure(key), key]
    except KeyError:
        raise ModuleError(_("No installed module named %(key)s; installed: %(keys)s.",
                            key=key, keys=", ".join(registry.keys()) or "-")) from None
    already = tenancy.enabled_modules(company)
    pulled_in = [k for k in needed if k not in already and k != key]
    for k in needed:
        row = _row(company, k) or CompanyModule(company_id=company.id, module=k)
        row.enabled, row.changed_by_id = True, by.id if by else None
        db.session.add(row)
    db.session.commit()
    tenancy.forget_enabled_modules()
    if key not in already:
        tenancy.company_hooks(company).company_module_enabled(
            company=company, module=key, pulled_in=pulled_in)
    return pulled_in


def disable_module(company: Company, key: str, by: User | None = None) -> None:
    """Disable ``key`` for ``company``; commit. Its data stays.

    :raises ModuleError: unknown module, or enabled modules depend on it
        (the message names them).
    """
    registry = _registry()
    if key not in registry.keys():
        raise ModuleError(_("No installed module named %(key)s; installed: %(keys)s.",
                            key=key, keys=", ".join(registry.keys()) or "-"))
    enabled = tenancy.enabled_modules(company)
    blockers = [k for k in registry.dependents(key) if k in enabled]
    if blockers:
        raise ModuleError(_("Cannot disable %(key)s: enabled module(s) %(names)s depend on it; "
                            "disable them first.", key=key, names=", ".join(blockers)))
    row = _row(company, key)
    if row is None or not row.enabled:
        return
    hooks = tenancy.company_hooks(company)  # the plugins enabled before the change
    row.enabled, row.changed_by_id = False, by.id if by else None
    db.session.commit()
    tenancy.forget_enabled_modules()
    hooks.company_module_disabled(company=company, module=key)
