"""Products 产品 (by model 型号) and the units sold to customers 销售台账
(出厂编号 / 批号): tables ``after_sales_product`` and
``after_sales_unit_sold``, company-owned (audited, versioned, archived by core).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.records.choices import Labelled, enum_column

#: Where a product's 三包 period starts (D-11): the sale/invoice date by
#: default (the national 三包 rules count from the invoice), or the
#: delivery or installation date.
WARRANTY_BASES = {"sale": ("销售（开票）日期", "Sale (invoice) date"),
                  "delivery": ("交付日期", "Delivery date"),
                  "installation": ("安装日期", "Installation date")}


class Product(Labelled, CompanyOwnedMixin, db.Model):
    """A product the company sells and services, known by its model 型号."""

    __tablename__ = "after_sales_product"
    CHOICES = {"warranty_basis": WARRANTY_BASES}
    __table_args__ = (UniqueConstraint("company_id", "model", name="uq_after_sales_product_company_model"),
                      CheckConstraint("warranty_months IS NULL OR warranty_months > 0",
                                      name="warranty_months"))

    #: 型号: unique in the company; imports name the product by it.
    model: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    spec: Mapped[str | None] = mapped_column(String(200))
    #: 三包期 in months; empty = the company's setting after_sales.warranty_months.
    warranty_months: Mapped[int | None] = mapped_column(Integer)
    warranty_basis: Mapped[str] = mapped_column(enum_column(WARRANTY_BASES, "after_sales_product_warranty_basis"),
                                                default="sale")
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.model} {self.name}" if self.model else (self.name or "")


class UnitSold(CompanyOwnedMixin, db.Model):
    """One unit (出厂编号) or one lot (批号, with its quantity) of a product
    sold to a customer: the line of the 销售台账 a 三包 decision starts from."""

    __tablename__ = "after_sales_unit_sold"
    __table_args__ = (UniqueConstraint("company_id", "product_id", "serial",
                                       name="uq_after_sales_unit_sold_company_product_serial"),
                      CheckConstraint("quantity > 0", name="quantity"),
                      # The customer page's panel: a customer's units, newest first.
                      Index("ix_after_sales_unit_sold_company_customer", "company_id", "customer_id", "sale_date"))

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"))
    customer: Mapped["Customer"] = relationship("Customer")  # noqa: F821 (crm, a declared dependency)
    product_id: Mapped[int] = mapped_column(ForeignKey("after_sales_product.id"), index=True)
    product: Mapped[Product] = relationship()
    #: 出厂编号, or the 批号 of a lot; unique per product in the company.
    serial: Mapped[str] = mapped_column(String(60))
    #: 1 for a unit; the number of pieces for a lot.
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    #: 销售（开票）日期: where the 三包 period starts unless the product says otherwise.
    sale_date: Mapped[dt.date] = mapped_column(Date)
    invoice_no: Mapped[str | None] = mapped_column(String(60))
    delivery_date: Mapped[dt.date | None] = mapped_column(Date)
    installation_date: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        model = self.product.model if self.product is not None else ""
        return f"{model} {self.serial}".strip()

    def terms(self, company=None):
        """This unit's 三包 terms (start, period, last day):
        :func:`plugins.after_sales.warranty.terms_of`."""
        from ..warranty import terms_of
        return terms_of(self, company)

    @property
    def warranty_end(self) -> dt.date | None:
        """三包期至: the last day of the warranty (company setting or the product's period)."""
        return self.terms().last_day if self.product is not None and self.sale_date else None
