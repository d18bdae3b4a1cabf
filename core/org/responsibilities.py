"""Named responsibilities (管理者代表, 总经理, 质量负责人): declared by code,
held by the employees each company assigns (D-14: company data, not code).

A plugin declares its own with ``register_responsibilities``; core declares
:data:`CORE_RESPONSIBILITIES`. A workflow transition may require a sign-off
by one of them (``Transition(signoff="core.management_rep")``): only a holder
may fire it (:func:`holds`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.i18n import pick
from core.plugin.declarations import Keyed, NamespacedRegistry


@dataclass(frozen=True)
class Responsibility(Keyed):
    """A named responsibility a company assigns to employees.

    :param key: ``<plugin>.<name>``, e.g. ``core.management_rep``.
    :param label_zh: / :param label_en: what it is called (管理者代表 / Management representative).
    :param help_zh: / :param help_en: what the holder signs or approves, shown on the screen.
    """

    key: str
    label_zh: str
    label_en: str
    help_zh: str = ""
    help_en: str = ""
    plugin_key: str = field(default="", compare=False)

    def label(self, locale: str | None = None) -> str:
        return pick(self.label_zh, self.label_en, locale)


class ResponsibilityRegistry(NamespacedRegistry[Responsibility]):
    """Every declared responsibility (``app.extensions["qdesk.responsibilities"]``)."""

    kind, item_type, hook, extension = ("responsibility", Responsibility, "register_responsibilities",
                                        "qdesk.responsibilities")


#: The responsibilities the seeds name for every company (domain README §5.2).
CORE_RESPONSIBILITIES = [
    Responsibility("core.general_manager", "总经理", "General manager",
                   "批准顾客来访参观等需要总经理批准的事项。", "Approves what needs the general manager (customer visits...)."),
    Responsibility("core.management_rep", "管理者代表", "Management representative",
                   "签发备件通知单，与总经理一起批准顾客来访参观。",
                   "Signs spare-part notices; approves customer visits with the general manager."),
    Responsibility("core.quality_head", "质量负责人", "Head of quality",
                   "审核质量记录和纠正预防措施。", "Checks quality records and corrective actions."),
]


def responsibility(key: str) -> Responsibility:
    """The declared responsibility ``key``; ``KeyError`` naming the declared ones."""
    registry = ResponsibilityRegistry.current()
    found = registry.by_key.get(key)
    if found is None:
        raise KeyError(f"no responsibility {key!r} (declared: {', '.join(sorted(registry.by_key)) or 'none'})")
    return found


def holders(key: str, company: Any = None) -> list[Any]:
    """The active employees of ``company`` (default: current) holding ``key``, by name."""
    from core.org.models import Employee, ResponsibilityHolder
    from core.records import tenancy
    company = company or tenancy.require_company()
    return (tenancy.scoped_query(Employee, company).join(ResponsibilityHolder,
                                                         ResponsibilityHolder.employee_id == Employee.id)
            .filter(ResponsibilityHolder.responsibility == key,
                    ResponsibilityHolder.archived_at.is_(None), Employee.active.is_(True),
                    Employee.archived_at.is_(None))
            .order_by(Employee.name).all())


def holder_users(key: str, company: Any = None) -> list[Any]:
    """The logins of :func:`holders` (those with one), by name: whom to
    notify as ``key`` (the 总经理 of a major CAPA, 法律事务部 for a court case)."""
    return [employee.user for employee in holders(key, company) if employee.user is not None]


def held_by(user: Any, keys: tuple[str, ...] | list[str], company: Any = None) -> str | None:
    """The first of ``keys`` that ``user`` holds in ``company`` (default:
    current), through the active employee linked to the login; or ``None``."""
    from core.org.models import ResponsibilityHolder
    from core.org.people import employee_of
    from core.records import tenancy
    employee = employee_of(user, company)
    if employee is None:
        return None
    held = {key for (key,) in tenancy.scoped_query(ResponsibilityHolder, employee.owner_company)
            .filter(ResponsibilityHolder.employee_id == employee.id, ResponsibilityHolder.responsibility.in_(keys),
                    ResponsibilityHolder.archived_at.is_(None))
            .with_entities(ResponsibilityHolder.responsibility)}
    return next((key for key in keys if key in held), None)


def holds(user: Any, key: str, company: Any = None) -> bool:
    """Whether ``user`` holds ``key`` in ``company`` (default: current)."""
    return held_by(user, (key,), company) is not None
