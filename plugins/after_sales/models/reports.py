"""The after-sales service report 售后服务报告单 (JL-7.5-02-3) with the parts
it used, and the 三包 decision of a work order (tables
``after_sales_service_report``, ``after_sales_report_part``,
``after_sales_warranty_decision``), company-owned.

The engineer fills in the report after the job (AS-15) and hands it in
within two days of returning to the factory (AS-17: core's deadline
``after_sales.report.due`` counts from ``returned_at``). 技质部 then
decides whether corrective action is needed (AS-19): ``capa_needed`` is
kept for part 2 to act on.

The 三包 decision (AS-14, AS-16, D-11) is a record of its own, one per
work order: its inputs (the unit, the fault date, the verified cause), the
outcome computed from them (plugins/after_sales/warranty.py) with the
sentence naming them, and, when the clerk disagrees, an override with its
reason that only a 管理者代表 or 质量负责人 signs. Confirmed or overridden,
it is locked (core.workflow ``locked``).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.records.choices import Labelled, enum_column

from .products import UnitSold
from .work_orders import OPINIONS, WorkOrder

#: Verified fault causes (AS-14), as plugins/after_sales/warranty.py names them.
CAUSES = {"product": ("产品质量", "Product fault"), "user": ("用户责任", "User fault"),
          "unclear": ("原因不明", "Cause unclear")}
#: 三包维修 / 有偿服务.
OUTCOMES = {"sanbao": ("三包", "Warranty (三包)"), "paid": ("有偿", "Paid")}
#: 技质部意见 (AS-19).
CAPA_DECISIONS = {"yes": ("需采取纠正/预防措施", "Corrective action needed"),
                  "no": ("持续改进", "Continuous improvement")}
REPORT_STATES = {"draft": ("填写中", "Draft"), "submitted": ("已提交", "Submitted"),
                 "reviewed": ("技质部已审", "Reviewed"), "closed": ("已关闭", "Closed")}
DECISION_STATES = {"open": ("待确认", "To confirm"), "confirmed": ("已确认", "Confirmed"),
                   "override_requested": ("改判待批", "Override to sign"), "overridden": ("已改判", "Overridden")}


class ServiceReport(Labelled, CompanyOwnedMixin, db.Model):
    """售后服务报告单: one job on site, filled in by its engineer."""

    __tablename__ = "after_sales_service_report"
    CHOICES = {"user_opinion": OPINIONS, "capa_needed": CAPA_DECISIONS, "state": REPORT_STATES}
    # Counted for the work order's service centre and engineer (the on-time
    # rate of the reports per centre, core.org.subject_clause).
    __org_owner__ = "work_order"
    __table_args__ = (
        Index("uq_after_sales_service_report_company_number", "company_id", "number", unique=True),
        Index("ix_after_sales_service_report_company_returned", "company_id", "returned_at"),
        CheckConstraint("paid_amount IS NULL OR paid_amount >= 0", name="paid_amount"),
    )

    #: 报告单号, e.g. ``FWBG-2026-0001``.
    number: Mapped[str | None] = mapped_column(String(30))
    work_order_id: Mapped[int] = mapped_column(ForeignKey("after_sales_work_order.id"), index=True)
    work_order: Mapped[WorkOrder] = relationship()
    #: The engineer (an employee of the company).
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    engineer: Mapped["Employee | None"] = relationship("Employee")  # noqa: F821 (core.org)
    departed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    arrived_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 返厂日期: the report is due 2 days later (AS-17).
    returned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    report_due: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 报告提交日期: stamped by "submit".
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    symptom: Mapped[str | None] = mapped_column(Text)          # 用户反映的故障现象
    verified_fault: Mapped[str | None] = mapped_column(Text)   # 现场故障验证
    cause_analysis: Mapped[str | None] = mapped_column(Text)   # 原因分析
    work_done: Mapped[str | None] = mapped_column(Text)        # 处理措施/维修内容
    paid_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 有偿服务费用 (元)
    open_issues: Mapped[str | None] = mapped_column(Text)      # 遗留问题
    user_opinion: Mapped[str | None] = mapped_column(enum_column(OPINIONS, "after_sales_report_opinion"))
    user_name: Mapped[str | None] = mapped_column(String(60))  # 用户签字
    user_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: 技质部意见 (AS-19); part 2 raises the CAPA.
    capa_needed: Mapped[str | None] = mapped_column(enum_column(CAPA_DECISIONS, "after_sales_report_capa"))
    capa_ref: Mapped[str | None] = mapped_column(String(30))
    review_notes: Mapped[str | None] = mapped_column(Text)
    #: Stamped by "close": 持续改进, or the CAPA asked for is verified (T-AS-16).
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(enum_column(REPORT_STATES, "after_sales_report_state"), default="draft")
    parts: Mapped[list["ReportPart"]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                     order_by="ReportPart.id")

    def __str__(self) -> str:
        return self.number or ""


class ReportPart(CompanyOwnedMixin, db.Model):
    """更换零部件: one part used on the job."""

    __tablename__ = "after_sales_report_part"
    CHOICES = {"charge": OUTCOMES}
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("after_sales_service_report.id"), index=True)
    report: Mapped[ServiceReport] = relationship(back_populates="parts")
    part_name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[str | None] = mapped_column(String(120))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=1)
    unit: Mapped[str | None] = mapped_column(String(10))
    charge: Mapped[str] = mapped_column(enum_column(OUTCOMES, "after_sales_report_part_charge"), default="sanbao")

    def __str__(self) -> str:
        return self.part_name or ""


class WarrantyDecision(Labelled, CompanyOwnedMixin, db.Model):
    """三包判定 of one work order: inputs, computed outcome and sentence,
    and an override signed by a 管理者代表 or 质量负责人."""

    __tablename__ = "after_sales_warranty_decision"
    CHOICES = {"cause": CAUSES, "outcome": OUTCOMES, "override_outcome": OUTCOMES, "state": DECISION_STATES}
    __table_args__ = (Index("uq_after_sales_warranty_decision_order", "company_id", "work_order_id", unique=True),)

    work_order_id: Mapped[int] = mapped_column(ForeignKey("after_sales_work_order.id"))
    work_order: Mapped[WorkOrder] = relationship()
    unit_id: Mapped[int] = mapped_column(ForeignKey("after_sales_unit_sold.id"), index=True)
    unit: Mapped[UnitSold] = relationship()
    #: 故障日期 (company-local day) and the cause verified on site.
    fault_date: Mapped[dt.date] = mapped_column(Date)
    cause: Mapped[str] = mapped_column(enum_column(CAUSES, "after_sales_decision_cause"))
    #: Computed from the inputs at every change before sign-off (never typed).
    outcome: Mapped[str | None] = mapped_column(enum_column(OUTCOMES, "after_sales_decision_outcome"))
    reason_zh: Mapped[str | None] = mapped_column(Text)
    reason_en: Mapped[str | None] = mapped_column(Text)
    #: The inputs as they were counted (start, basis, period, last day), JSON.
    inputs: Mapped[dict | None] = mapped_column(db.JSON)
    #: When the outcome was last computed (UTC stamp).
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info={"stamp": True})
    override_outcome: Mapped[str | None] = mapped_column(enum_column(OUTCOMES, "after_sales_decision_override"))
    override_reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(enum_column(DECISION_STATES, "after_sales_decision_state"), default="open")

    def __str__(self) -> str:
        order = self.work_order.number if self.work_order is not None else ""
        return f"三包判定 {order}".strip()

    @property
    def effective_outcome(self) -> str | None:
        """The outcome that counts: the override once signed, else the computed one."""
        return self.override_outcome if self.state == "overridden" else self.outcome

    def reason(self, locale: str = "zh") -> str:
        return (self.reason_en if str(locale).startswith("en") else self.reason_zh) or ""
