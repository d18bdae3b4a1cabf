"""The quality complaint 质量信息反馈单 (table ``quality_complaint``),
company-owned: one model for the 质量信息反馈单 and the 顾客信息反馈单 QP17-01
(D-16; the printed title and form code are company settings).

A complaint is received by its 首问负责人 (AS-59), from one of the sources
of AS-52, in one of the categories of AS-45, 一般 or 重大 (D-12: 重大 is
suggested for a regulator, the 消协 or a court, or a compensation above the
company's threshold: plugins/quality/complaint_rules.py). Its states change
only through the workflow ``quality.complaint`` (AS-54/AS-55:
plugins/quality/workflows.py), each step stamped by core; core keeps its
办结 deadline (3 / 10 working days, AS-57: plugins/quality/deadlines.py).
Evidence photos and scans are attachments the person complained about
(``accused``) can never remove (AS-61, core ``Attachments(protected_from=)``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.records.choices import Labelled, enum_column

#: 信息来源 (AS-52; 法院 from AS-46).
SOURCES = {"phone": ("电话", "Phone"), "letter": ("书面信函", "Written letter"), "email": ("电子邮件", "E-mail"),
           "evidence": ("实物证据", "Physical evidence"),
           "sales_report": ("销售人员调查报告", "Sales staff's investigation report"),
           "aic": ("工商局", "Administration for Industry and Commerce"),
           "qts": ("质监局", "Quality and Technical Supervision Bureau"),
           "consumer_assoc": ("消协", "Consumers' association"), "court": ("法院", "Court"),
           "other": ("其他", "Other")}
#: Sources that make a complaint 重大 by D-12.
MAJOR_SOURCES = ("consumer_assoc", "court", "aic", "qts")
#: Sources that bring in the 法律事务部 (AS-46).
LEGAL_SOURCES = ("consumer_assoc", "court")
#: 投诉类别 (AS-45).
CATEGORIES = {"service": ("服务质量", "Service quality"), "product": ("产品质量", "Product quality"),
              "adverse": ("过敏/不良反应", "Allergy / adverse reaction")}
#: 等级 (D-12).
SEVERITIES = {"general": ("一般", "General"), "major": ("重大", "Major")}
#: The evidence the complainant brings (AS-53).
EVIDENCE = {"countable": ("可数证据", "Countable evidence"), "uncountable": ("不可数证据", "Uncountable evidence"),
            "none": ("无实物证据", "No physical evidence")}
#: 赔付 (AS-55 实物赔付).
COMPENSATIONS = {"none": ("无", "None"), "goods": ("实物", "Goods"), "money": ("金额", "Money")}
#: AS-54/AS-55, then 告知顾客 and 办结; 不予受理 (AS-56: referred elsewhere).
STATES = {"received": ("已接收", "Received"), "accepted": ("已受理", "Accepted"),
          "appraised": ("已鉴定", "Appraised"), "analysed": ("已定责", "Responsibility assigned"),
          "staff_approved": ("总经理已批准", "Approved by the general manager"),
          "handled": ("已处理", "Handled"), "confirmed": ("已确认兑现", "Confirmed and paid out"),
          "informed": ("已告知顾客", "Customer informed"), "closed": ("已办结", "Closed"),
          "rejected": ("不予受理", "Not accepted")}
#: States in which the complaint is still open (the widget, the print's 是否逾期).
OPEN_STATES = ("received", "accepted", "appraised", "analysed", "staff_approved", "handled", "confirmed")


class Complaint(Labelled, CompanyOwnedMixin, db.Model):
    """质量信息反馈单 / 顾客信息反馈单: one complaint, from receipt to 办结."""

    __tablename__ = "quality_complaint"
    # KPIs count a complaint for the department and person found liable
    # (责任部门/责任人, AS-54), not for whoever received it (core.org).
    __org_columns__ = ("liable_department_id", "liable_person_id")
    CHOICES = {"source": SOURCES, "category": CATEGORIES, "severity": SEVERITIES, "evidence": EVIDENCE,
               "compensation": COMPENSATIONS, "state": STATES}
    __table_args__ = (
        Index("uq_quality_complaint_company_number", "company_id", "number", unique=True),
        Index("ix_quality_complaint_company_received", "company_id", "received_at"),
        Index("ix_quality_complaint_company_state", "company_id", "state", "severity"),
        CheckConstraint("quantity IS NULL OR quantity >= 0", name="quantity"),
        CheckConstraint("compensation_quantity IS NULL OR compensation_quantity >= 0", name="compensation_quantity"),
        CheckConstraint("compensation_amount IS NULL OR compensation_amount >= 0", name="compensation_amount"),
    )

    #: 反馈单号, e.g. ``ZLFK-2026-0001`` (sequence quality.complaint).
    number: Mapped[str | None] = mapped_column(String(30))
    #: 接收日期时间 (company-local, as core's deadlines count): the 办结 clock starts here.
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 接收人 = 首问负责人 (AS-59).
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    received_by: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[received_by_id])  # noqa: F821
    source: Mapped[str] = mapped_column(enum_column(SOURCES, "quality_complaint_source"), default="phone")
    category: Mapped[str] = mapped_column(enum_column(CATEGORIES, "quality_complaint_category"), default="product")
    severity: Mapped[str] = mapped_column(enum_column(SEVERITIES, "quality_complaint_severity"), default="general")
    #: 投诉人 and 联系方式: only what the complainant agrees to (AS-53).
    complainant: Mapped[str | None] = mapped_column(String(100))
    contact: Mapped[str | None] = mapped_column(String(200))
    consent_note: Mapped[str | None] = mapped_column(String(300))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped["Customer | None"] = relationship("Customer")  # noqa: F821 (crm)
    #: 产品名称, 规格/牌号, 批号, 数量, 发生时间, 地点, 项目 (AS-53's five checks).
    product: Mapped[str | None] = mapped_column(String(200))
    spec: Mapped[str | None] = mapped_column(String(120))
    batch: Mapped[str | None] = mapped_column(String(60))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    occurred_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    item: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(enum_column(EVIDENCE, "quality_complaint_evidence"), default="none")
    #: 不可数证据描述 (a smell, a taste): needed for uncountable evidence.
    evidence_description: Mapped[str | None] = mapped_column(Text)
    #: 问题描述.
    description: Mapped[str] = mapped_column(Text)
    #: 主管(厂)领导意见 (AS-54).
    leader_opinion: Mapped[str | None] = mapped_column(Text)
    #: 鉴定结论 of the 工艺技术部门/品质部 (AS-55): "appraise" needs it.
    appraisal: Mapped[str | None] = mapped_column(Text)
    #: 原因分析 (生产车间) and 责任部门/责任人 (质量事故处罚条例条款).
    cause: Mapped[str | None] = mapped_column(Text)
    liable_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    liable_department: Mapped["Department | None"] = relationship("Department")  # noqa: F821
    liable_person_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    liable_person: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[liable_person_id])  # noqa: F821
    penalty_clause: Mapped[str | None] = mapped_column(String(200))
    #: 处理措施 (replacement goods from 生产车间, AS-55) and 赔付 (□实物 数量 □金额 元).
    handling: Mapped[str | None] = mapped_column(Text)
    compensation: Mapped[str] = mapped_column(enum_column(COMPENSATIONS, "quality_complaint_compensation"),
                                              default="none")
    compensation_quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    compensation_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    capa_ref: Mapped[str | None] = mapped_column(String(30))
    #: AS-48: a complaint about our own staff, the person complained about
    #: (被投诉人: never removes evidence, AS-61), 销售科's proposal.
    about_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    accused_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    accused: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[accused_id])  # noqa: F821
    staff_proposal: Mapped[str | None] = mapped_column(Text)
    #: 告知顾客日期/方式, 顾客意见.
    informed_on: Mapped[dt.date | None] = mapped_column(Date)
    informed_how: Mapped[str | None] = mapped_column(String(100))
    customer_opinion: Mapped[str | None] = mapped_column(Text)
    #: 应办结日期: core's deadline quality.complaint.close.
    close_due: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The workflow's stamps (company-local now when each step fires).
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    appraised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    analysed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    staff_approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    informed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(enum_column(STATES, "quality_complaint_state"), default="received")

    def __str__(self) -> str:
        return self.number or ""

    def late(self) -> bool | None:
        """是否逾期 by core's 办结 clock (its badge): closed late or open past
        due (True), met in time or still in time (False), no clock (None)."""
        from core.calendar.timezone import local_now
        from core.deadlines import badge, clock_of, deadlines_for
        d = next((d for d in deadlines_for(type(self)) if d.due_field == "close_due"), None)
        shown = badge(d, clock_of(d, self), local_now(self.owner_company)) if d is not None else None
        return None if shown is None else shown in ("late", "overdue")

MODELS: list = [Complaint]
