"""Work orders 工单 and their categories (tables ``after_sales_category``,
``after_sales_work_order``), company-owned.

A work order is one customer request (a call to the hotline, a letter, an
outlet's feedback) from its recording to its callback (AS-1, AS-27): the
receiving service centre is its department and the engineer its responsible
employee (``core.OrgOwnedMixin``), so "my orders", "my department" and the
reminders come from core. Its states change only through the workflow
``after_sales.workorder`` (plugins/after_sales/workflows.py); core keeps the
response and resolution deadlines (plugins/after_sales/deadlines.py).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, OrgOwnedMixin, db
from core.records.choices import Labelled, enum_column

from .agreements import TARGET_UNITS, Targets
from .products import UnitSold

#: 服务类别 of AS-1: which stage of the sale the request belongs to.
STAGES = {"pre_sale": ("售前", "Pre-sale"), "in_sale": ("售中", "In-sale"), "after_sale": ("售后", "After-sale")}
#: 优先级 (AS-27 "问题分类和优先级评定").
PRIORITIES = {"low": ("低", "Low"), "normal": ("普通", "Normal"), "high": ("高", "High"),
              "urgent": ("紧急", "Urgent")}
#: How the request reached us (AS-10, AS-31).
CHANNELS = {"hotline": ("服务热线", "Hotline"), "phone": ("电话", "Phone"), "letter": ("信函", "Letter"),
            "email": ("电子邮件", "E-mail"), "visit": ("来访", "Visit"),
            "service_centre": ("售后服务中心反馈", "Service centre"), "sales": ("销售人员", "Sales staff"),
            "other": ("其他", "Other")}
#: The workflow's states (AS-27): recorded → classified & prioritised →
#: dispatched → in progress (waiting for the customer stops the resolution
#: clock) → resolved → callback done → closed; reopen; cancel.
STATES = {"recorded": ("已登记", "Recorded"), "classified": ("已分类", "Classified"),
          "dispatched": ("已派工", "Dispatched"), "in_progress": ("处理中", "In progress"),
          "waiting": ("等待顾客", "Waiting for customer"), "resolved": ("已解决", "Resolved"),
          "callback_done": ("已回访", "Callback done"), "closed": ("已关闭", "Closed"),
          "cancelled": ("已取消", "Cancelled")}
#: States of an order that was solved (and stays solved until reopened).
SOLVED_STATES = ("resolved", "callback_done", "closed")
#: States of an order still being worked on (or not yet started).
OPEN_STATES = ("recorded", "classified", "dispatched", "in_progress", "waiting")
#: The user's opinion at the callback (the 售后服务报告单's 用户意见 too).
OPINIONS = {"satisfied": ("满意", "Satisfied"), "fair": ("基本满意", "Fairly satisfied"),
            "dissatisfied": ("不满意", "Dissatisfied")}

#: The categories every company starts with (company-editable afterwards):
#: code → (zh, en, is_complaint). 投诉 connects to part 2's complaints.
DEFAULT_CATEGORIES = {"install": ("安装", "Installation", False), "commission": ("调试", "Commissioning", False),
                      "repair": ("维修", "Repair", False), "training": ("培训", "Training", False),
                      "consult": ("咨询", "Consultation", False), "return": ("退货", "Return", False),
                      "exchange": ("换货", "Exchange", False), "complaint": ("投诉", "Complaint", True)}


class WorkOrderCategory(Targets, Labelled, CompanyOwnedMixin, db.Model):
    """A 工单类别 of the company's list, with optional targets of its own
    (a 咨询 answered in 4 hours) that replace the company's defaults."""

    __tablename__ = "after_sales_category"
    CHOICES = {"response_unit": TARGET_UNITS, "resolution_unit": TARGET_UNITS}
    __table_args__ = (
        Index("uq_after_sales_category_company_code", "company_id", "code", unique=True),
        CheckConstraint("(response_amount IS NULL) = (response_unit IS NULL)", name="response_target"),
        CheckConstraint("(resolution_amount IS NULL) = (resolution_unit IS NULL)", name="resolution_target"),
    )

    code: Mapped[str] = mapped_column(String(30))
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str | None] = mapped_column(String(60))
    #: Orders of this category are complaints (part 2 raises a 质量信息反馈单).
    is_complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    response_amount: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    response_unit: Mapped[str | None] = mapped_column(enum_column(TARGET_UNITS, "after_sales_category_response_unit"))
    resolution_amount: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    resolution_unit: Mapped[str | None] = mapped_column(
        enum_column(TARGET_UNITS, "after_sales_category_resolution_unit"))

    def __str__(self) -> str:
        from core.i18n import pick
        return pick(self.name_zh, self.name_en or self.name_zh) if self.name_zh else (self.code or "")


class WorkOrder(Labelled, CompanyOwnedMixin, OrgOwnedMixin, db.Model):
    """工单: one customer request, from the call to the callback."""

    __tablename__ = "after_sales_work_order"
    CHOICES = {"stage": STAGES, "priority": PRIORITIES, "channel": CHANNELS, "state": STATES,
               "callback_opinion": OPINIONS}
    __table_args__ = (
        Index("uq_after_sales_work_order_company_number", "company_id", "number", unique=True),
        # The list (newest first), its state filter and the KPIs' periods.
        Index("ix_after_sales_work_order_company_received", "company_id", "received_at"),
        Index("ix_after_sales_work_order_company_state_due", "company_id", "state", "resolution_due"),
        Index("ix_after_sales_work_order_company_customer", "company_id", "customer_id", "received_at"),
    )

    #: 工单号, e.g. ``GD-2026-00001``: from the sequence after_sales.workorder.
    number: Mapped[str | None] = mapped_column(String(30))
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"))
    customer: Mapped["Customer"] = relationship("Customer")  # noqa: F821 (crm, a declared dependency)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("crm_contact_person.id"))
    contact: Mapped["ContactPerson | None"] = relationship("ContactPerson")  # noqa: F821
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_unit_sold.id"), index=True)
    unit: Mapped[UnitSold | None] = relationship()
    #: 项目: picks a project's service agreement (targets_for).
    project: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(enum_column(STAGES, "after_sales_work_order_stage"), default="after_sale")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_category.id"), index=True)
    category: Mapped[WorkOrderCategory | None] = relationship()
    priority: Mapped[str] = mapped_column(enum_column(PRIORITIES, "after_sales_work_order_priority"),
                                          default="normal")
    channel: Mapped[str] = mapped_column(enum_column(CHANNELS, "after_sales_work_order_channel"), default="hotline")
    subject: Mapped[str] = mapped_column(String(200))
    #: 用户反映的问题.
    description: Mapped[str | None] = mapped_column(Text)
    #: 排故任务: fixed before the engineer leaves (AS-13); dispatch needs it.
    repair_task: Mapped[str | None] = mapped_column(Text)
    #: 接收时间 (company-local): both deadlines count from it.
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 首次响应时间: stamped by "classify" unless typed (a call back at 09:00 recorded later).
    responded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    response_due: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolution_due: Mapped[dt.datetime | None] = mapped_column(DateTime)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 处理结果: what solved it (resolve needs it; "save as article" copies it).
    resolution: Mapped[str | None] = mapped_column(Text)
    #: The first reopening: an order reopened was not solved at the first attempt (FCR).
    reopened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: The callback (回访) part 2 builds on: when, the user's opinion, notes.
    callback_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    callback_opinion: Mapped[str | None] = mapped_column(enum_column(OPINIONS, "after_sales_work_order_opinion"))
    callback_notes: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: The knowledge-base article that helped, or was written from it.
    article_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_article.id"), index=True)
    article: Mapped["KnowledgeArticle | None"] = relationship(foreign_keys=[article_id])  # noqa: F821
    state: Mapped[str] = mapped_column(enum_column(STATES, "after_sales_work_order_state"), default="recorded")

    def __str__(self) -> str:
        return self.number or (self.subject or "")

    @property
    def in_province(self) -> bool | None:
        """Whether the customer is in the company's province (crm), None unknown."""
        return self.customer.in_province if self.customer is not None else None

    def category_boxes(self, locale: str = "zh") -> list[tuple[str, bool]]:
        """``(label, ticked)`` per category of the company's list (archived
        ones only when it is this order's): the printed □/☑ boxes."""
        from core.i18n import is_chinese
        from core.records.tenancy import scoped_query
        rows = (scoped_query(WorkOrderCategory, self.owner_company)
                .order_by(WorkOrderCategory.sort, WorkOrderCategory.id).all())
        return [((c.name_zh if is_chinese(locale) else (c.name_en or c.name_zh)), c.id == self.category_id)
                for c in rows if c.archived_at is None or c.id == self.category_id]
