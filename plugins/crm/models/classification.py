"""Purchase figures 购进量 per customer and period, and their classification
result (plugins/crm/classification.py does the arithmetic)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db

from .customers import Customer


class PurchaseFigure(CompanyOwnedMixin, db.Model):
    """One customer's purchases in one period (entered or imported), with the
    classification last computed from them (score, rank, code)."""

    __tablename__ = "crm_purchase_figure"
    __table_args__ = (UniqueConstraint("company_id", "customer_id", "period",
                                       name="uq_crm_purchase_figure_customer_period"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped[Customer] = relationship()
    # "2026", "2026-Q3" or "2026-10" (plugins/crm/periods.py); the examples
    # are for the generated test matrices (tests/factories.py).
    period: Mapped[str] = mapped_column(String(10), index=True,
                                        info={"examples": ("2026-Q1", "2026-Q2", "2026-Q3", "2025", "2026-10")})
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal(0))
    # Written by the classification, not by hand.
    score: Mapped[Decimal | None] = mapped_column(Numeric(12, 10))
    rank: Mapped[int | None] = mapped_column(Integer)
    group_size: Mapped[int | None] = mapped_column(Integer)
    class_code: Mapped[str | None] = mapped_column(String(60))

    def __str__(self) -> str:
        return f"{self.period} {self.customer or ''}".strip()
