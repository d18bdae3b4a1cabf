"""Employees as the rest of core sees them: the employee behind a login."""
from __future__ import annotations

from typing import Any

from core.records import tenancy


def employee_of(user: Any, company: Any = None) -> Any:
    """The active employee linked to ``user``'s login in ``company``
    (default: current), or ``None``."""
    from core.org.models import Employee
    if user is None:
        return None
    return (tenancy.scoped_query(Employee, company or tenancy.require_company())
            .filter(Employee.user_id == user.id, Employee.active.is_(True), Employee.archived_at.is_(None))
            .one_or_none())
