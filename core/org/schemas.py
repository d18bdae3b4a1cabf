"""Import columns of the organisation (the Import tab of Departments and
Employees; ``qdesk org import``). Departments may name a parent given on an
earlier row of the same file; employees name their department and post by
code. Unknown departments, duplicate codes or 工号 are row errors, and a
file with any error writes nothing (:mod:`core.imports`)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext
from marshmallow import ValidationError, fields, post_load, validate, validates

from core.imports import CompanyRecord, RowSchema, YesNo
from core.org.models import Department, Employee, Post
from core.records import tenancy


def _new_code(schema: Any, model: type, column: str, value: str, what: str) -> str:
    """``value`` once in the file and new in the company, else a row error."""
    code = value.strip()
    if code in schema.seen:
        raise ValidationError(gettext("%(what)s %(code)s appears more than once in the file.", what=what, code=code))
    schema.seen.add(code)
    if tenancy.scoped_query(model).filter(getattr(model, column) == code).first() is not None:
        raise ValidationError(gettext("%(what)s %(code)s already exists in this company.", what=what, code=code))
    return code


class DepartmentSchema(RowSchema):
    """One department per row; ``parent`` is the code of an existing
    department or of one on an earlier row."""

    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"label": "部门编码 / Code"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"label": "部门名称 / Name"})
    parent = fields.String(load_default=None, validate=validate.Length(max=40),
                           metadata={"label": "上级部门编码 / Parent code"})
    notes = fields.String(load_default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: set[str] = set()
        self.made: dict[str, Any] = {}  # the file's departments by code, for the rows after them

    @validates("code")
    def _code_is_new(self, value: str, **kwargs: Any) -> None:
        _new_code(self, Department, "code", value, gettext("Department code"))

    @post_load
    def _department(self, data: dict, **kwargs: Any) -> Any:
        parent_code = (data.pop("parent") or "").strip()
        department = Department(**data)
        if parent_code:
            parent = self.made.get(parent_code) or tenancy.scoped_query(Department).filter(
                Department.code == parent_code).first()
            if parent is None:
                raise ValidationError(gettext("No department with code %(code)s in this company or on an "
                                              "earlier row.", code=parent_code), field_name="parent")
            department.parent = parent
        self.made[department.code] = department
        return department


class EmployeeSchema(RowSchema):
    """One employee per row, by 工号 (new in the company and in the file)."""

    number = fields.String(required=True, validate=validate.Length(min=1, max=40),
                           metadata={"label": "工号 / Number"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100),
                         metadata={"label": "姓名 / Name"})
    department = CompanyRecord(Department, by="code", load_default=None,
                               metadata={"label": "部门编码 / Department code", "what": "department code"})
    post = CompanyRecord(Post, by="code", load_default=None,
                         metadata={"label": "岗位编码 / Post code", "what": "post code"})
    hire_date = fields.Date(load_default=None, metadata={"label": "入职日期 / Hire date"})
    active = YesNo(load_default=True, metadata={"label": "在职 / Active"})
    phone = fields.String(load_default=None, validate=validate.Length(max=50))
    email = fields.Email(load_default=None, allow_none=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: set[str] = set()

    @validates("number")
    def _number_is_new(self, value: str, **kwargs: Any) -> None:
        _new_code(self, Employee, "number", value, gettext("Employee number"))
