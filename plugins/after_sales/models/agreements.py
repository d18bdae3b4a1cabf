"""Service agreements and commitments 服务协议/服务承诺 (table
``after_sales_service_agreement``, company-owned): per customer, and
optionally per project, the 服务期限, 服务范围 and 服务费用 of seed 001-F §2
(AS-26), and the response and resolution times promised (AS-78), which
override the company's defaults for that customer's work orders
(:func:`plugins.after_sales.targets.targets_for`)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.records.choices import Labelled, enum_column

#: The units of a target: core's deadline units (D-1), same words as the
#: deadline settings.
TARGET_UNITS = {"hours": ("小时", "hours"), "working_hours": ("工作小时", "working hours"),
                "calendar_days": ("自然日", "calendar days"), "working_days": ("工作日", "working days")}


class Targets:
    """The response and resolution targets of a record that promises its own
    (a service agreement, a work-order category): columns
    ``response_amount``/``response_unit`` and ``resolution_amount``/``resolution_unit``."""

    def target_text(self, name: str, locale: str = "zh") -> str | None:
        """``"0.5 hours"`` / ``"0.5 小时"``, ``"1 working day"`` for the
        ``response`` or ``resolution`` target; None when it is the company's."""
        amount, unit = getattr(self, f"{name}_amount"), getattr(self, f"{name}_unit")
        if amount is None or unit is None:
            return None
        number = f"{amount.normalize():f}"  # 24.00 → 24, 0.50 → 0.5
        zh, en = TARGET_UNITS[unit]
        if str(locale).startswith("en"):
            return f"{number} {en[:-1] if amount == 1 else en}"
        return f"{number} {zh}"

    @property
    def response_rule(self):
        """The response target as a :class:`core.deadlines.DeadlineRule`, or None (company default)."""
        return _rule(self.response_amount, self.response_unit)

    @property
    def resolution_rule(self):
        """The resolution target as a :class:`core.deadlines.DeadlineRule`, or None (company default)."""
        return _rule(self.resolution_amount, self.resolution_unit)


class ServiceAgreement(Targets, Labelled, CompanyOwnedMixin, db.Model):
    """服务协议: what the company promised one customer (or one of its
    projects) for a period."""

    __tablename__ = "after_sales_service_agreement"
    CHOICES = {"response_unit": TARGET_UNITS, "resolution_unit": TARGET_UNITS}
    __table_args__ = (
        Index("uq_after_sales_service_agreement_company_number", "company_id", "number", unique=True),
        # targets_for: a customer's agreements in force on a day.
        Index("ix_after_sales_service_agreement_company_customer", "company_id", "customer_id", "valid_from"),
        CheckConstraint("valid_to >= valid_from", name="valid_period"),
        CheckConstraint("fee IS NULL OR fee >= 0", name="fee"),
        CheckConstraint("(response_amount IS NULL) = (response_unit IS NULL)", name="response_target"),
        CheckConstraint("(resolution_amount IS NULL) = (resolution_unit IS NULL)", name="resolution_target"),
    )

    #: 协议编号, e.g. ``FWXY-2026-0001``: from the sequence after_sales.agreement.
    number: Mapped[str | None] = mapped_column(String(30))
    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"))
    customer: Mapped["Customer"] = relationship("Customer")  # noqa: F821 (crm, a declared dependency)
    #: 项目: empty = the agreement covers all of the customer's work.
    project: Mapped[str | None] = mapped_column(String(200))
    #: 服务期限, both days included.
    # (examples: any two the test factories pick keep valid_to >= valid_from)
    valid_from: Mapped[dt.date] = mapped_column(Date, info={"examples": (dt.date(2026, 1, 1), dt.date(2026, 2, 1))})
    valid_to: Mapped[dt.date] = mapped_column(Date, info={"examples": (dt.date(2026, 12, 31), dt.date(2027, 1, 31))})
    #: 服务范围.
    scope: Mapped[str | None] = mapped_column(Text)
    #: 服务费用 (元) and how it is charged (per year, per visit...).
    fee: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    fee_terms: Mapped[str | None] = mapped_column(String(200))
    #: 响应时限 and 解决时限: an amount and a unit each (like a deadline
    #: setting), or empty for the company's default.
    response_amount: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    response_unit: Mapped[str | None] = mapped_column(enum_column(TARGET_UNITS, "after_sales_agreement_response_unit"))
    resolution_amount: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    resolution_unit: Mapped[str | None] = mapped_column(
        enum_column(TARGET_UNITS, "after_sales_agreement_resolution_unit"))
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.number or (self.project or "")

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` is inside the 服务期限 (both ends included)."""
        return self.valid_from <= day <= self.valid_to


def _rule(amount: Decimal | None, unit: str | None):
    from core.deadlines import DeadlineRule
    if amount is None or unit is None:
        return None
    whole = amount == amount.to_integral_value()
    return DeadlineRule(int(amount) if whole else amount, unit)
