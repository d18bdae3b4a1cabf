"""The spare-part replacement notice 备件补发通知单 (JL-7.5-02-1) with its
lines, and the warranty spare-part ledger 三包备件登记台账 (JL-7.5-02-2)
(tables ``after_sales_part_notice``, ``after_sales_part_notice_line``,
``after_sales_warranty_ledger``), company-owned.

供销部 writes the notice (AS-8); the 管理者代表 signs it (core sign-off);
生产部 prepares and ships it (AS-12: carrier, waybill); the customer
receives it. Nothing ships unsigned, and a signed notice ships as signed
(core.workflow ``locked``). A 三包 notice, once shipped, posts one ledger
line per notice line (plugins/after_sales/ledger.py): the ledger is never
typed by hand.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.records.choices import Labelled, enum_column

from .products import UnitSold
from .reports import OUTCOMES, ServiceReport
from .work_orders import WorkOrder

NOTICE_STATES = {"pending": ("待签批", "To sign"), "signed": ("已签批", "Signed"),
                 "shipped": ("已发货", "Shipped"), "received": ("已签收", "Received"),
                 "cancelled": ("已作废", "Cancelled")}


class PartNotice(Labelled, CompanyOwnedMixin, db.Model):
    """备件补发通知单: one shipment of spare parts to a customer."""

    __tablename__ = "after_sales_part_notice"
    CHOICES = {"charge": OUTCOMES, "state": NOTICE_STATES}
    __table_args__ = (Index("uq_after_sales_part_notice_company_number", "company_id", "number", unique=True),
                      Index("ix_after_sales_part_notice_company_state", "company_id", "state"))

    #: 通知单号, e.g. ``BJ-2026-0001``.
    number: Mapped[str | None] = mapped_column(String(30))
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_work_order.id"), index=True)
    work_order: Mapped[WorkOrder | None] = relationship()
    #: The service report it replaces parts for (the ledger's 服务报告单号).
    report_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_service_report.id"), index=True)
    report: Mapped[ServiceReport | None] = relationship()
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped["Customer"] = relationship("Customer")  # noqa: F821 (crm)
    #: 补发原因 (故障简述).
    reason: Mapped[str] = mapped_column(Text)
    #: □三包 □有偿: the work order's 三包 decision unless chosen.
    charge: Mapped[str] = mapped_column(enum_column(OUTCOMES, "after_sales_part_notice_charge"), default="sanbao")
    ship_address: Mapped[str | None] = mapped_column(String(300))
    #: 接收人 and 联系电话.
    receiver: Mapped[str] = mapped_column(String(60))
    receiver_phone: Mapped[str | None] = mapped_column(String(50))
    #: 发送日期 / 发送地点 (AS-8).
    ship_date: Mapped[dt.date | None] = mapped_column(Date)
    ship_place: Mapped[str | None] = mapped_column(String(120))
    #: 生产部: 发运方式/承运单位 and 运单号, filled after the sign-off.
    carrier: Mapped[str | None] = mapped_column(String(120))
    waybill: Mapped[str | None] = mapped_column(String(60))
    shipped_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(enum_column(NOTICE_STATES, "after_sales_part_notice_state"),
                                       default="pending")
    lines: Mapped[list["PartNoticeLine"]] = relationship(back_populates="notice", cascade="all, delete-orphan",
                                                         order_by="PartNoticeLine.id")

    def __str__(self) -> str:
        return self.number or ""


class PartNoticeLine(CompanyOwnedMixin, db.Model):
    """One line of the notice: 产品/零部件名称 | 规格/型号 | 数量 | 单位 | 适用产品/出厂编号 | 备注."""

    __tablename__ = "after_sales_part_notice_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("after_sales_part_notice.id"), index=True)
    notice: Mapped[PartNotice] = relationship(back_populates="lines")
    part_name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[str | None] = mapped_column(String(120))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=1)
    unit: Mapped[str | None] = mapped_column(String(10))
    #: The unit sold it is for (适用产品型号/出厂编号).
    unit_sold_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_unit_sold.id"))
    unit_sold: Mapped[UnitSold | None] = relationship()
    remark: Mapped[str | None] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.part_name or ""


class LedgerLine(CompanyOwnedMixin, db.Model):
    """三包备件登记台账: one warranty part shipped, posted when its notice ships."""

    __tablename__ = "after_sales_warranty_ledger"
    __table_args__ = (Index("uq_after_sales_warranty_ledger_line", "company_id", "notice_line_id", unique=True),
                      Index("ix_after_sales_warranty_ledger_company_posted", "company_id", "posted_on"))

    #: 登记日期 (company-local day of the shipment's posting).
    posted_on: Mapped[dt.date] = mapped_column(Date)
    notice_id: Mapped[int] = mapped_column(ForeignKey("after_sales_part_notice.id"), index=True)
    notice: Mapped[PartNotice] = relationship()
    notice_line_id: Mapped[int] = mapped_column(ForeignKey("after_sales_part_notice_line.id"))
    notice_line: Mapped[PartNoticeLine] = relationship()
    report_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_service_report.id"))
    report: Mapped[ServiceReport | None] = relationship()
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped["Customer"] = relationship("Customer")  # noqa: F821 (crm)
    unit_sold_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_unit_sold.id"))
    unit_sold: Mapped[UnitSold | None] = relationship()
    part_name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[str | None] = mapped_column(String(120))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    unit: Mapped[str | None] = mapped_column(String(10))
    shipped_on: Mapped[dt.date | None] = mapped_column(Date)
    receiver: Mapped[str | None] = mapped_column(String(60))
    #: 旧件回收: the only field a clerk changes afterwards, with 备注.
    old_part_returned: Mapped[bool] = mapped_column(Boolean, default=False)
    remark: Mapped[str | None] = mapped_column(String(200))

    def __str__(self) -> str:
        return self.part_name or ""
