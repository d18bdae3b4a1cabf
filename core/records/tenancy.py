"""The current user and company, and the one company filter of qdesk.

Inside a request the current user and company are set by the admin shell
from the session; CLI commands, demo loading and tests set them with
:func:`acting_as`. Every company-scoped read in core goes through
:func:`scoped_query`, which fails closed when no company is current.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from flask import current_app, g, has_app_context
from sqlalchemy import select

from core.extensions import db
from core.models import Company, CompanyModule, User


class NoCurrentCompany(RuntimeError):
    """A company-scoped operation ran without a current company."""


def current_user() -> User | None:
    """The acting user, or None (anonymous request, system task)."""
    return g.get("qdesk_user") if has_app_context() else None


def current_company() -> Company | None:
    """The company the acting user works in, or None."""
    return g.get("qdesk_company") if has_app_context() else None


def require_company() -> Company:
    """The current company; :class:`NoCurrentCompany` when there is none."""
    company = current_company()
    if company is None:
        raise NoCurrentCompany("no current company: company-scoped data needs one")
    return company


def set_current(user: User | None, company: Company | None) -> None:
    """Make ``user`` and ``company`` current for this app context."""
    g.qdesk_user = user
    g.qdesk_company = company


@contextmanager
def acting_as(company: Company | None, user: User | None = None) -> Iterator[None]:
    """Run a block as ``user`` working in ``company`` (CLI, demo data, tests)."""
    previous = (g.get("qdesk_user"), g.get("qdesk_company"))
    set_current(user, company)
    try:
        yield
    finally:
        set_current(*previous)


def acting_as_system() -> bool:
    """Whether the work is done by the system for the current company (a
    job, the CLI, demo data: a company and no user). Core's checks let it do
    anything in that company, and only there; screens always have a user."""
    return current_user() is None and current_company() is not None


def scoped_query(model: type, company: Company | None = None) -> Any:
    """``db.session.query(model)`` restricted to ``company`` (default: current).

    The only place qdesk filters rows by company; admin views, relation
    choices, ajax loaders, actions and (later) the API and printing use it.
    """
    company = company or require_company()
    return db.session.query(model).filter(model.company_id == company.id)


def pickable(model: type, company: Company | None = None) -> Any:
    """The records of ``model`` a user may pick in a form's dropdown: the
    company's (:func:`scoped_query`), not archived, not inactive (a model
    with an ``active`` column, such as employees who left), in the model's
    own order: the columns named by ``__choice_order__`` if it declares
    one, else its ``sort`` column if it has one, then the id (the order
    they were entered in).

    A record that already points at an archived or inactive one keeps it:
    the screens add the current value back (:mod:`admin.forms`)."""
    query = scoped_query(model, company)
    if hasattr(model, "archived_at"):
        query = query.filter(model.archived_at.is_(None))
    if hasattr(model, "active"):
        query = query.filter(model.active.is_(True))
    order = getattr(model, "__choice_order__", None) or (("sort",) if hasattr(model, "sort") else ())
    return query.order_by(*(getattr(model, name) for name in order), model.id)


def enabled_modules(company: Company | None = None) -> frozenset[str]:
    """Keys of the loaded plugins enabled for ``company`` (default: current).

    Cached for the app context; :func:`forget_enabled_modules` clears it after
    a change.
    """
    company = company or current_company()
    if company is None:
        return frozenset()
    cache = g.setdefault("qdesk_enabled_modules", {})
    if company.id not in cache:
        rows = db.session.execute(
            select(CompanyModule.module).where(
                CompanyModule.company_id == company.id, CompanyModule.enabled.is_(True))
        ).scalars()
        loaded = set(current_app.extensions["qdesk.plugins"].keys())
        cache[company.id] = frozenset(rows) & loaded
    return cache[company.id]


def forget_enabled_modules() -> None:
    """Drop the cached enabled-module sets (after enabling or disabling)."""
    g.pop("qdesk_enabled_modules", None)


def module_enabled(key: str, company: Company | None = None) -> bool:
    """Whether plugin ``key`` is enabled for ``company``; core is always on."""
    return key == "core" or key in enabled_modules(company)


def company_hooks(company: Company) -> Any:
    """Hook relay calling only core and the plugins enabled for ``company``."""
    return current_app.extensions["qdesk.plugins"].hook_for(enabled_modules(company))


def company_members(company: Company | None = None, active_only: bool = True) -> Any:
    """Query of the users who are members of ``company`` (default: current),
    by name: the choices of every "person" dropdown (responsible, handled by)
    and of bulk "assign to". ``active_only`` (default): not a login that is
    switched off or whose membership is; a record that already names one
    keeps it on its edit form (:mod:`admin.forms`)."""
    from core.models import Membership
    company = company or require_company()
    query = (db.session.query(User).join(Membership, Membership.user_id == User.id)
             .filter(Membership.company_id == company.id))
    if active_only:
        query = query.filter(Membership.active.is_(True), User.active.is_(True))
    return query.order_by(User.name, User.id)
