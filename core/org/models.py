"""The organisation of a company: departments (a tree), posts, employees,
who holds which named responsibility, and the sign-offs given as one.

All company-owned and audited like any record (:mod:`core.records`). An
employee is a person of the company's 组织架构; a login (``User``) is optional
and links to at most one employee per company.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, stamp_info
from core.records.mixin import CompanyOwnedMixin


class Department(CompanyOwnedMixin, db.Model):
    """A department (部门) in the company's tree: 技质部 under 总经理办公室."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    # The head is an employee, who belongs to a department: the two tables
    # point at each other, so this key is added after both exist (use_alter).
    head_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id", use_alter=True))
    notes: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Department | None] = relationship(remote_side="Department.id", back_populates="children",
                                                     foreign_keys=[parent_id])
    children: Mapped[list[Department]] = relationship(
        back_populates="parent", info={"qdesk_part_of_parent": False})
    head: Mapped[Employee | None] = relationship(foreign_keys=[head_id], post_update=True)
    employees: Mapped[list[Employee]] = relationship(
        back_populates="department", foreign_keys="Employee.department_id", info={"qdesk_part_of_parent": False})

    def __str__(self) -> str:
        return self.name


class Post(CompanyOwnedMixin, db.Model):
    """A post (岗位): 售后服务工程师, 质量管理员."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("company_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name


class Employee(CompanyOwnedMixin, db.Model):
    """A person of the company (员工), with 工号, department and post; an
    optional login (at most one employee per login and company)."""

    __tablename__ = "employees"
    __table_args__ = (UniqueConstraint("company_id", "number"), UniqueConstraint("company_id", "user_id"))

    number: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))

    department: Mapped[Department | None] = relationship(
        foreign_keys=[department_id], back_populates="employees")
    post: Mapped[Post | None] = relationship(foreign_keys=[post_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def __str__(self) -> str:
        return self.name


class ResponsibilityHolder(CompanyOwnedMixin, db.Model):
    """An employee holding a named responsibility (管理者代表) in the company."""

    __tablename__ = "responsibility_holders"
    __table_args__ = (UniqueConstraint("company_id", "responsibility", "employee_id"),)

    # A declared responsibility's key (core.org.responsibilities); examples for generated test data.
    responsibility: Mapped[str] = mapped_column(String(80), info={"examples": (
        "core.general_manager", "core.management_rep", "core.quality_head")})
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    notes: Mapped[str | None] = mapped_column(String(200))

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])

    def __str__(self) -> str:
        return f"{self.responsibility}: {self.employee}"


class Signoff(db.Model):
    """A sign-off given when a transition fired: who, as which
    responsibility, when, with what comment, and the form box it fills."""

    __tablename__ = "signoffs"
    __table_args__ = (Index("ix_signoffs_record", "company_id", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), nullable=False)
    table_name: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[int] = mapped_column()
    transition: Mapped[str] = mapped_column(String(40))
    # A declared responsibility's key (core.org.responsibilities); examples for generated test data.
    responsibility: Mapped[str] = mapped_column(String(80), info={"examples": (
        "core.general_manager", "core.management_rep", "core.quality_head")})
    box: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    signer_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime, info=stamp_info())
    comment: Mapped[str | None] = mapped_column(Text)
