"""Employees and departments as the rest of core sees them: the employee
behind a login, a department's subtree, a record's department and
responsible employee (:class:`OrgOwnedMixin`), whom to tell about it."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, or_, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

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


def subject_clause(model: type, subject: Any) -> Any:
    """A WHERE clause on ``model`` (an :class:`OrgOwnedMixin`) for the
    records a KPI counts for ``subject``: ``None`` for the whole company (no
    filter); for a ``Department`` the records it owns, or a department
    under it, owns (a work order's receiving service centre); for an
    ``Employee`` those it is responsible for (the order's engineer)::

        clause = subject_clause(WorkOrder, department)
        query = query.where(clause) if clause is not None else query
    """
    from core.org.models import Department, Employee
    if not org_owned(model):
        raise TypeError(f"{model!r} has no department and responsible employee (core.org.OrgOwnedMixin), "
                        "nor an __org_owner__ relation to a record that has them")
    if subject is None:
        return None
    columns = getattr(model, "__org_columns__", None)
    if columns is not None and not issubclass(model, OrgOwnedMixin):  # its own columns: a complaint's 责任部门/责任人
        department, employee = (getattr(model, name) for name in columns)
        if isinstance(subject, Employee):
            return employee == subject.id
        if isinstance(subject, Department):
            return department.in_(sorted(department_ids_under(subject)))
        raise TypeError(f"a KPI subject is a company (None), a Department or an Employee, not {subject!r}")
    if not issubclass(model, OrgOwnedMixin):  # counted through its owner: a report through its work order
        relation = getattr(model, model.__org_owner__).property
        owner = relation.mapper.class_
        (local,) = relation.local_columns
        return local.in_(select(owner.id).where(subject_clause(owner, subject)))
    if isinstance(subject, Employee):
        return model.responsible_id == subject.id
    if isinstance(subject, Department):
        return model.department_id.in_(sorted(department_ids_under(subject)))
    raise TypeError(f"a KPI subject is a company (None), a Department or an Employee, not {subject!r}")


def of_subject(query: Any, model: type, subject: Any) -> Any:
    """``query`` (of ``model``'s records) narrowed to those a KPI counts for
    ``subject`` (:func:`subject_clause`); unchanged for the whole company."""
    clause = subject_clause(model, subject)
    return query.filter(clause) if clause is not None else query


class OrgOwnedMixin:
    """An owning department and a responsible employee (both optional) for
    a company-owned model, next to ``CompanyOwnedMixin``::

        class Task(CompanyOwnedMixin, OrgOwnedMixin, db.Model): ...

    Core keeps both links inside the company like any link; the model's
    lists get "My department" (``?mine=department``: :func:`my_department_clause`)
    and its reminders go to the responsible employee and the department's
    head (:func:`responsible_users`)."""

    @declared_attr
    def department_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("departments.id"), index=True)

    @declared_attr
    def responsible_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("employees.id"), index=True)

    @declared_attr
    def department(cls) -> Mapped[Any]:
        return relationship("Department", foreign_keys=[cls.department_id])

    @declared_attr
    def responsible(cls) -> Mapped[Any]:
        return relationship("Employee", foreign_keys=[cls.responsible_id])


def org_owned(model: Any) -> bool:
    """Whether KPIs can count ``model``'s records per department and
    employee: it is an :class:`OrgOwnedMixin`, or it names in
    ``__org_owner__`` a many-to-one relation to one whose department and
    responsible employee are also its own (a service report is counted for
    its work order's service centre and engineer)::

        class ServiceReport(CompanyOwnedMixin, db.Model):
            __org_owner__ = "work_order"

    or it names in ``__org_columns__`` the department and employee columns
    a KPI counts it by, when those are not an owner's (a complaint is
    counted for the department and person found liable, 责任部门/责任人)::

        class Complaint(CompanyOwnedMixin, db.Model):
            __org_columns__ = ("liable_department_id", "liable_person_id")
    """
    if not isinstance(model, type):
        return False
    if issubclass(model, OrgOwnedMixin):
        return True
    columns = getattr(model, "__org_columns__", None)
    if columns is not None:
        from sqlalchemy import inspect as sa_inspect
        names = sa_inspect(model).columns.keys()
        if len(columns) != 2 or any(name not in names for name in columns):
            raise TypeError(f"{model.__name__}.__org_columns__ = {columns!r} must name its department and "
                            "employee id columns")
        return True
    owner = getattr(model, "__org_owner__", None)
    if owner is None:
        return False
    relation = getattr(getattr(model, owner, None), "property", None)
    target = getattr(getattr(relation, "mapper", None), "class_", None)
    if target is None or getattr(relation, "direction", None) is None or relation.direction.name != "MANYTOONE":
        raise TypeError(f"{model.__name__}.__org_owner__ = {owner!r} must name a many-to-one relation")
    return org_owned(target)


def my_department_clause(model: type, user: Any) -> Any:
    """Records of ``model`` (an :class:`OrgOwnedMixin`) owned by the user's
    department or one under it, or with the user's employee responsible; none
    when the login is no employee of the current company."""
    employee = employee_of(user)
    if employee is None:
        return model.id.is_(None)  # nothing: an id is never null
    clauses = [model.responsible_id == employee.id]
    if employee.department is not None:
        clauses.append(model.department_id.in_(department_ids_under(employee.department)))
    return or_(*clauses)


def my_records_clause(model: type, user: Any) -> Any:
    """Records of ``model`` (an :class:`OrgOwnedMixin`) the user's employee
    is responsible for (an engineer's own work orders); none when the login
    is no employee of the current company."""
    employee = employee_of(user)
    if employee is None:
        return model.id.is_(None)  # nothing: an id is never null
    return model.responsible_id == employee.id


def responsible_users(record: Any) -> list[Any]:
    """The logins to tell about ``record``: its responsible employee's and
    the head of its department (active employees with a login)."""
    from core.org.models import Department, Employee
    if not isinstance(record, OrgOwnedMixin):
        return []
    employee_ids = [record.responsible_id] if record.responsible_id is not None else []
    if record.department_id is not None:
        head = tenancy.scoped_query(Department, record.owner_company).filter(
            Department.id == record.department_id).with_entities(Department.head_id).scalar()
        if head is not None:
            employee_ids.append(head)
    if not employee_ids:
        return []
    return [e.user for e in tenancy.scoped_query(Employee, record.owner_company).filter(
        Employee.id.in_(employee_ids), Employee.active.is_(True), Employee.user_id.is_not(None))
        .order_by(Employee.id)]
