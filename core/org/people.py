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


def department_ids_under(department: Any) -> set[int]:
    """The ids of ``department`` and of every department below it in the tree."""
    from core.org.models import Department
    rows = tenancy.scoped_query(Department, department.owner_company).with_entities(
        Department.id, Department.parent_id).all()
    children: dict[int | None, list[int]] = {}
    for pk, parent in rows:
        children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    todo = [department.id]
    while todo:  # each id once: a loop in the tree (refused on save) cannot hang this
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, []))
    return found


def subject_user_ids(subject: Any) -> set[int] | None:
    """The logins a KPI counts for ``subject``: ``None`` for the whole
    company (no filter), the employee's login for an ``Employee``, the logins
    of the active employees of a ``Department`` and the departments under it."""
    from core.org.models import Department, Employee
    if subject is None:
        return None
    if isinstance(subject, Employee):
        return {subject.user_id} if subject.user_id is not None else set()
    if isinstance(subject, Department):
        ids = department_ids_under(subject)
        rows = tenancy.scoped_query(Employee, subject.owner_company).filter(
            Employee.department_id.in_(ids), Employee.active.is_(True), Employee.archived_at.is_(None),
            Employee.user_id.is_not(None)).with_entities(Employee.user_id)
        return {uid for (uid,) in rows}
    raise TypeError(f"a KPI subject is a company (None), a Department or an Employee, not {subject!r}")
