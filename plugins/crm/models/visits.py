"""Return visits and customer care 回访/客户关怀."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.models import User

from core.calendar import local_now
from core.records.choices import Labelled, enum_column

from .customers import Customer

VISIT_KINDS = {"visit": ("上门走访", "On-site visit"), "phone": ("电话回访", "Phone call"),
               "care": ("客户关怀", "Customer care"), "survey": ("满意度调查", "Satisfaction survey")}


class ReturnVisit(Labelled, CompanyOwnedMixin, db.Model):
    """A planned or done return visit. ``generated`` ones were planned by
    :func:`plugins.crm.services.plan_key_customer_visits`."""

    __tablename__ = "crm_return_visit"
    __table_args__ = (CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
                                      name="satisfaction_1_to_5"),)
    CHOICES = {"kind": VISIT_KINDS}

    customer_id: Mapped[int] = mapped_column(ForeignKey("crm_customer.id"), index=True)
    customer: Mapped[Customer] = relationship()
    kind: Mapped[str] = mapped_column(enum_column(VISIT_KINDS, "crm_return_visit_kind"), default="visit")
    planned_date: Mapped[dt.date] = mapped_column(Date, index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    visited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    visited_by: Mapped[User | None] = relationship(foreign_keys=[visited_by_id])
    outcome: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    generated: Mapped[bool] = mapped_column(Boolean, default=False)

    def __str__(self) -> str:
        return f"{self.planned_date or ''} {self.customer or ''}".strip()

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Not done and its planned date has passed."""
        return self.done_at is None and self.planned_date is not None \
            and self.planned_date < (today or local_now().date())
