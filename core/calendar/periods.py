"""Periods the way clerks write them, and as bounds to filter records by.

A period label is ``"2026"`` (a year), ``"2026-Q3"`` (a quarter) or
``"2026-10"`` (a month); a custom period is ``"2026-10-08..2026-11-20"``
(both days included). :class:`Period` carries the company-local days and
turns them into a filter on a stamp column (stored UTC) or a date column,
so a report over "2026-Q3" counts what happened on those days *in the
company's zone*, whatever the server's.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, and_

_PATTERN = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|至|to)\s*(\d{4}-\d{2}-\d{2})$")


def parse_period(label: str) -> tuple[dt.date, dt.date]:
    """``"2026-Q3"`` → ``(date(2026, 7, 1), date(2026, 9, 30))`` (both inclusive).

    Raises ``ValueError`` with the accepted forms for anything else.
    """
    match = _PATTERN.match((label or "").strip().upper())
    if not match:
        raise ValueError(f"Unknown period {label!r}: write a year (2026), a quarter (2026-Q3) "
                         "or a month (2026-10).")
    year, quarter, month = int(match[1]), match[2], match[3]
    if quarter:
        first = 3 * (int(quarter) - 1) + 1
        start, months = dt.date(year, first, 1), 3
    elif month:
        start, months = dt.date(year, int(month), 1), 1
    else:
        start, months = dt.date(year, 1, 1), 12
    return start, _months_after(start, months) - dt.timedelta(days=1)


def _months_after(start: dt.date, months: int) -> dt.date:
    after = start.month - 1 + months
    return dt.date(start.year + after // 12, after % 12 + 1, 1)


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding date ``months`` after ``start`` (D-2, 民法典 §202
    "对应日"): the same day of the end month, or that month's last day when
    it has none (2024-02-29 + 12 → 2025-02-28; 2024-01-31 + 1 → 2024-02-29).
    A period in months or years (a warranty, a service agreement) ends on it."""
    if months < 0:
        raise ValueError("a period cannot be negative")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_by(today: dt.date, months: int) -> dt.date:
    """The last day whose period of ``months`` months has ended by ``today``:
    a record made on day ``d`` is due again (``add_months(d, months) <=
    today``) exactly when ``d <= due_by(today, months)``. A "due since the
    last record" list (customers to track every 3 months) is then one SQL
    filter, ``last_day <= due_by(today, n)``, with :func:`add_months`'s
    corresponding-date rule (2024-11-30 + 3 → 2025-02-28: due on 2025-02-28,
    so ``due_by(2025-02-28, 3)`` is 2024-11-30)."""
    if months < 0:
        raise ValueError("a period cannot be negative")
    index = today.month - 1 - months
    year, month = today.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        return dt.date(year, month, last)  # every later day of that month ends on today's month-end
    return dt.date(year, month, min(today.day, last))


def normalise_period(label: str) -> str:
    """The canonical spelling (``" 2026-q3 "`` → ``"2026-Q3"``); ``ValueError`` if unknown."""
    text = (label or "").strip().upper()
    parse_period(text)
    return text


def quarter_label(day: dt.date) -> str:
    """``date(2026, 8, 3)`` → ``"2026-Q3"``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent_labels(today: dt.date, months: int = 12, quarters: int = 8, years: int = 3) -> list[str]:
    """The labels a period picker offers, newest first: this month and the
    ``months - 1`` before it, the same for quarters, then years."""
    first = today.replace(day=1)
    labels = []
    for back in range(months):
        total = first.year * 12 + first.month - 1 - back
        labels.append(f"{total // 12}-{total % 12 + 1:02d}")
    quarter = (today.month - 1) // 3
    for back in range(quarters):
        total = today.year * 4 + quarter - back
        labels.append(f"{total // 4}-Q{total % 4 + 1}")
    labels += [str(today.year - back) for back in range(years)]
    return labels


@dataclass(frozen=True)
class Period:
    """Company-local days ``start`` to ``end``, both included.

    :param label: how it was written (``"2026-Q3"``), or the custom range
        ``"2026-10-08..2026-11-20"``.
    """

    start: dt.date
    end: dt.date
    label: str = ""

    @classmethod
    def parse(cls, text: str, max_days: int | None = None) -> "Period":
        """A label (``2026``, ``2026-Q3``, ``2026-10``) or a range
        ``2026-10-08..2026-11-20``; ``ValueError`` with a sentence a clerk
        understands for anything else, an end before the start, or a span
        longer than ``max_days``."""
        text = (text or "").strip()
        match = _RANGE.match(text)
        if match:
            try:
                start, end = (dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2]))
            except ValueError:
                raise ValueError(f"{text!r} is not a real date range.") from None
            period = cls(start, end, f"{start.isoformat()}..{end.isoformat()}")
        else:
            start, end = parse_period(text)
            period = cls(start, end, normalise_period(text))
        from core.records.inputs import YEAR_MAX, YEAR_MIN
        if not (YEAR_MIN <= period.start.year and period.end.year <= YEAR_MAX):  # the dates core accepts anywhere
            raise ValueError(f"A period lies between the years {YEAR_MIN} and {YEAR_MAX}.")
        if period.end < period.start:
            raise ValueError("The period ends before it starts.")
        if max_days is not None and period.days > max_days:
            raise ValueError(f"The period is {period.days} days long; at most {max_days} days.")
        return period

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> "Period":
        """The custom period ``start`` to ``end`` (a label when it is exactly
        a month, a quarter or a year)."""
        for label in (f"{start.year}", quarter_label(start), f"{start.year}-{start.month:02d}"):
            if parse_period(label) == (start, end):
                return cls(start, end, label)
        return cls(start, end, f"{start.isoformat()}..{end.isoformat()}")

    @property
    def days(self) -> int:
        """How many days it covers."""
        return (self.end - self.start).days + 1

    def text(self, locale: str | None = None) -> str:
        """``2026-07-01 至 2026-09-30`` (``to`` in English)."""
        joiner = " to " if (locale or "zh").startswith("en") else " 至 "
        return f"{self.start.isoformat()}{joiner}{self.end.isoformat()}"

    def utc_bounds(self, company: Any = None) -> tuple[dt.datetime, dt.datetime]:
        """Naive UTC ``[low, high)`` of its days in the company's zone."""
        from core.calendar.timezone import utc_range
        return utc_range(self.start, self.end, company)

    def contains(self, column: Any, company: Any = None) -> Any:
        """A filter: ``column`` falls in the period's days, in the company's zone.

        * a stamp column (``DateTime`` marked ``info={"stamp": True}``, naive
          UTC: ``created_at``) is compared with the UTC bounds of those days;
        * another ``DateTime`` holds company-local wall-clock time (a time a
          clerk typed: ``occurred_at``) and is compared with the local days;
        * a ``Date`` column with the days themselves.
        """
        if isinstance(getattr(column, "type", None), DateTime):
            low, high = (self.utc_bounds(company) if _is_stamp(column) else
                         (dt.datetime.combine(self.start, dt.time.min),
                          dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min)))
            return and_(column >= low, column < high)
        return and_(column >= self.start, column <= self.end)


def _is_stamp(column: Any) -> bool:
    from core.calendar.timezone import STAMP
    columns = getattr(getattr(column, "property", None), "columns", None) or [column]
    return any(getattr(c, "info", {}).get(STAMP) for c in columns)
