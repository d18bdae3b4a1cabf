"""A company's own calendar days (:class:`CompanyCalendarDay`): the
exceptions it makes to the public working calendar."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.records import CompanyOwnedMixin


class CompanyCalendarDay(CompanyOwnedMixin, db.Model):
    """A company's own exception to the working calendar: a day ``off``
    (company holiday) or an extra ``work`` day, over the China public
    holidays and make-up days (``core.calendar.company_calendar``)."""

    __tablename__ = "company_calendar_days"
    __table_args__ = (UniqueConstraint("company_id", "day"),)

    KINDS = ("off", "work")

    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10), default="off")
    note: Mapped[str | None] = mapped_column(String(200))

    def has_history(self) -> bool:
        # Deleting a day really deletes it (the audit log keeps the trail),
        # so the same day can be added again.
        return False

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.kind}"
