"""Customers 客户档案, their contact persons and the contact log
来电/来函/来访登记 (tables ``crm_*``, all company-owned: audited, versioned,
archived by core)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.calendar import local_now
from core.records.choices import Labelled, enum_column
from core.models import User

# Stored codes → (中文, English) labels. Codes are stored, labels shown.
KINDS = {"organisation": ("单位", "Organisation"), "person": ("个人", "Person")}
MARKET_TYPES = {"urban": ("城镇", "Urban"), "rural": ("乡村", "Rural")}
CHANNELS = {"phone": ("电话", "Phone"), "letter": ("信函", "Letter"), "fax": ("传真", "Fax"),
            "email": ("电子邮件", "E-mail"), "visit": ("来访", "Visit"), "web": ("网站", "Website")}
DIRECTIONS = {"in": ("来", "Incoming"), "out": ("往", "Outgoing")}
STATES = {"open": ("待答复", "Open"), "replied": ("已答复", "Replied"), "closed": ("已关闭", "Closed")}


def normalise_province(name: str | None) -> str:
    """``浙江省`` → ``浙江``, ``上海市`` → ``上海``; blanks → ``""``."""
    text = (name or "").strip()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


class Customer(Labelled, CompanyOwnedMixin, db.Model):
    """客户档案. ``class_code``/``class_period`` are written by the
    classification (plugins/crm/classification.py)."""

    __tablename__ = "crm_customer"
    CHOICES = {"kind": KINDS, "market_type": MARKET_TYPES}
    __table_args__ = (UniqueConstraint("company_id", "code", name="uq_crm_customer_company_code"),)

    #: 客户编码: typed by the user, or (left empty) the next code of the
    #: sequence ``crm.customer`` (plugins/crm/numbers.py); unique per company.
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(enum_column(KINDS, "crm_customer_kind"), default="organisation")
    province: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(120))
    business_format: Mapped[str | None] = mapped_column(String(50))
    market_type: Mapped[str | None] = mapped_column(enum_column(MARKET_TYPES, "crm_customer_market_type"))
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    notes: Mapped[str | None] = mapped_column(Text)
    class_code: Mapped[str | None] = mapped_column(String(20))
    class_period: Mapped[str | None] = mapped_column(String(20))

    contacts: Mapped[list[ContactPerson]] = relationship(
        back_populates="customer", order_by="ContactPerson.id")

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else (self.name or "")

    @property
    def in_province(self) -> bool | None:
        """省内: the customer's province is the company's. Derived, never
        stored; ``None`` when either province is unknown."""
        company = self.owner_company
        mine, theirs = normalise_province(company and company.province), normalise_province(self.province)
        if not mine or not theirs:
            return None
        return mine == theirs

    @property
    def active_contacts(self) -> list[ContactPerson]:
        return [c for c in self.contacts if c.archived_at is None]

    @property
    def primary_contact(self) -> ContactPerson | None:
        contacts = self.active_contacts
        return next((c for c in contacts if c.is_primary), contacts[0] if contacts else None)

    def _recent(self, model: type, limit: int, *order: Any) -> list:
        """This customer's ``model`` records (not archived), newest first."""
        from core.records import tenancy
        return (tenancy.scoped_query(model, self.owner_company)
                .filter(model.customer_id == self.id, model.archived_at.is_(None))
                .order_by(*order, model.id.desc()).limit(limit).all())

    def recent_logs(self, limit: int = 20) -> list[ContactLog]:
        return self._recent(ContactLog, limit, ContactLog.occurred_at.desc())

    def recent_visits(self, limit: int = 10) -> list:
        from .visits import ReturnVisit
        return self._recent(ReturnVisit, limit, ReturnVisit.planned_date.desc())

    def recent_surveys(self, limit: int = 10) -> list:
        from .surveys import SurveyResponse
        return self._recent(SurveyResponse, limit, SurveyResponse.surveyed_on.desc())


class ContactPerson(CompanyOwnedMixin, db.Model):
    """A customer's contact person (edited inline on the customer form)."""

    __tablename__ = "crm_contact_person"

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped[Customer] = relationship(back_populates="contacts")
    name: Mapped[str] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(120))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    def __str__(self) -> str:
        return self.name or ""


class ContactLog(Labelled, CompanyOwnedMixin, db.Model):
    """来电/来函/来访登记: one call, letter, e-mail, fax, visit or web message."""

    __tablename__ = "crm_contact_log"
    CHOICES = {"channel": CHANNELS, "direction": DIRECTIONS, "state": STATES}
    # The list (newest first) and its overdue filter, per company: without
    # them a company with a million entries scans and sorts them all.
    __table_args__ = (Index("ix_crm_contact_log_company_occurred", "company_id", "occurred_at"),
                      Index("ix_crm_contact_log_company_open_due", "company_id", "state", "reply_due", "archived_at"),
                      Index("uq_crm_contact_log_company_number", "company_id", "number", unique=True))

    #: 登记编号, e.g. ``LD-2026-0001``: assigned by core from the sequence
    #: ``crm.contactlog`` when the entry is saved (plugins/crm/numbers.py).
    number: Mapped[str | None] = mapped_column(String(30))

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped[Customer] = relationship()
    channel: Mapped[str] = mapped_column(enum_column(CHANNELS, "crm_contact_log_channel"), default="phone")
    direction: Mapped[str] = mapped_column(enum_column(DIRECTIONS, "crm_contact_log_direction"), default="in")
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime, default=local_now)
    subject: Mapped[str] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    follow_up_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up_owner: Mapped[User | None] = relationship(foreign_keys=[follow_up_owner_id])
    #: 答复期限: kept by core from the deadline crm.contactlog.reply (plugins/crm/deadlines.py).
    reply_due: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    #: 答复时间: stamped by the workflow's "reply" (plugins/crm/workflows.py).
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Changed only by the workflow crm.contactlog's transitions.
    state: Mapped[str] = mapped_column(enum_column(STATES, "crm_contact_log_state"), default="open", index=True)

    def __str__(self) -> str:
        when = self.occurred_at.strftime("%Y-%m-%d") if self.occurred_at else ""
        return f"{self.number or ''} {when} {self.subject or ''}".strip()
