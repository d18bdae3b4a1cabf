"""The organisation screens under Administration: departments, posts,
employees and who holds which named responsibility (core.org)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from admin.views import CompanyModelView
from core.errors import Invalid
from core.i18n import translate as _gettext
from core.org import Department, Employee, Post, ResponsibilityHolder, ResponsibilityRegistry


class DepartmentView(CompanyModelView):
    """Departments as a tree (上级部门) with their heads."""

    model = Department
    column_list = ("code", "name", "parent", "head")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "parent": _l("Parent department"),
                     "head": _l("Head"), "notes": _l("Notes"), "children": _l("Sub-departments"),
                     "employees": _l("Employees")}
    column_searchable_list = ("code", "name")
    column_default_sort = "code"
    form_columns = ("code", "name", "parent", "head", "notes")
    column_details_list = ("code", "name", "parent", "head", "notes", "children", "employees")

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        seen, parent = {id(model)}, model.parent
        while parent is not None:  # a department under itself would make the tree a loop
            if id(parent) in seen or (model.id is not None and parent.id == model.id):
                raise Invalid(_gettext("A department cannot be placed under itself or one of its "
                                       "sub-departments."), field="parent")
            seen.add(id(parent))
            parent = parent.parent


class PostView(CompanyModelView):
    """Posts (岗位)."""

    model = Post
    column_list = ("code", "name")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "notes": _l("Notes")}
    column_searchable_list = ("code", "name")
    column_default_sort = "code"
    form_columns = ("code", "name", "notes")


class EmployeeView(CompanyModelView):
    """Employees with their 工号, department, post and optional login."""

    model = Employee
    column_list = ("number", "name", "department", "post", "hire_date", "active", "user")
    column_labels = {"number": _l("Employee number"), "name": _l("Name"), "department": _l("Department"),
                     "post": _l("Post"), "hire_date": _l("Hire date"), "active": _l("Active"),
                     "user": _l("Login"), "phone": _l("Phone"), "email": _l("E-mail")}
    column_searchable_list = ("number", "name")
    column_filters = ("department.name", "post.name", "active")
    column_default_sort = "number"
    form_columns = ("number", "name", "department", "post", "hire_date", "active", "user", "phone", "email")


def _responsibility_choices() -> list[tuple[str, str]]:
    return [(key, item.label()) for key, item in sorted(ResponsibilityRegistry.current().by_key.items())]


def _responsibility_label(view: Any, context: Any, model: Any, name: str) -> str:
    item = ResponsibilityRegistry.current().by_key.get(model.responsibility)
    return item.label() if item is not None else model.responsibility


class ResponsibilityView(CompanyModelView):
    """Who holds which named responsibility (管理者代表 → 王芳): sign-offs
    of workflow transitions need a holder."""

    model = ResponsibilityHolder
    column_list = ("responsibility", "employee", "notes")
    column_labels = {"responsibility": _l("Responsibility"), "employee": _l("Employee"), "notes": _l("Notes")}
    column_formatters = {"responsibility": _responsibility_label}
    column_formatters_detail = {"responsibility": _responsibility_label}
    column_filters = ("responsibility",)
    form_columns = ("responsibility", "employee", "notes")
    form_overrides = {"responsibility": SelectField}

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        form.responsibility.choices = _responsibility_choices()
        return form

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        form.responsibility.choices = _responsibility_choices()
        return form


def org_views() -> list[CompanyModelView]:
    """The organisation screens, added to core's by ``init_admin``."""
    category = _l("Administration")
    return [
        DepartmentView("core", name=_l("Departments"), category=category),
        PostView("core", name=_l("Posts"), category=category),
        EmployeeView("core", name=_l("Employees"), category=category),
        ResponsibilityView("core", name=_l("Responsibilities"), category=category),
    ]
