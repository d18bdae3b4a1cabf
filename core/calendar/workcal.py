"""Working-calendar arithmetic for deadlines (core public API).

Every plugin that has a deadline ("respond within 24 hours", "answer within
1-3 working days", "quality tracking answer within 15 working days") computes
it here, from one :class:`WorkingCalendar`. The module is pure: no database,
no Flask, no clock of its own; it takes and returns **naive local datetimes**
(a company's own wall clock). Timezone-aware datetimes are refused.

Model
-----
A day is a *working day* when (in this order):

1. it is in ``makeup_days`` (调休: a weekend day worked in exchange for a
   holiday, or a day a company admin declared working): working;
2. it is in ``holidays`` (public holidays, company days off): not working;
3. otherwise its weekday (``date.weekday()``, Monday = 0 ... Sunday = 6) is in
   ``weekdays``.

``holidays`` and ``makeup_days`` never overlap (the constructor refuses it;
:meth:`WorkingCalendar.with_days_off` and
:meth:`WorkingCalendar.with_working_days` move a date from one to the other).

On a working day, the *working time* is the union of the ``hours`` periods,
each half-open ``[start, end)`` (default 08:30-12:00 and 13:30-17:30, i.e.
7.5 hours with a lunch break). Every working day has the same periods.

Counting rules (the same for all functions)
-------------------------------------------
* Counting starts at :meth:`WorkingCalendar.next_working_moment` of the given
  moment: a complaint received on Saturday counts from Monday's first period
  (08:30); one received at 12:10 counts from 13:30; one received at 18:00
  counts from the next working day's 08:30.
* :meth:`~WorkingCalendar.add_working_days` keeps that start's clock time:
  Thursday 15:00 + 2 working days = Monday 15:00 (with no holiday between).
* :meth:`~WorkingCalendar.add_working_hours` consumes only working periods and
  ends at the earliest instant the amount is reached (so it can end exactly
  at 12:00 or 17:30, a period's end).
* :meth:`~WorkingCalendar.working_time_between` is the exact working time in
  ``[a, b)``, signed: ``working_time_between(b, a) == -working_time_between(a, b)``.

All of them skip whole days arithmetically (weeks are counted, holidays and
make-up days are found by bisection), so a deadline a year away costs the
same as one tomorrow.

Chinese public holidays
-----------------------
:meth:`WorkingCalendar.china` takes public holidays and 调休 make-up working
days first from the years it is given as ``entered`` (the official schedules
a system administrator entered, :mod:`core.calendar.holidays`; passed in, this module
reads no database), then from the ``chinesecalendar`` package (import name
``chinese_calendar``), which carries the State Council's yearly announcements
(version 1.11.0 knows 2004-2026; newer releases add each year once it is
announced, usually in November of the year before). A year in neither is
**not** an error: it falls back to plain weekends (no public holidays, no
make-up days) and a :class:`CalendarDataWarning` is emitted (and logged), so
deadlines keep working and the missing data is visible.
"""
from __future__ import annotations

import bisect
import logging
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping, Union

__all__ = [
    "CalendarDataWarning",
    "DEFAULT_HOURS",
    "DEFAULT_WEEKDAYS",
    "WorkingCalendar",
]

log = logging.getLogger(__name__)

#: Monday to Friday (``date.weekday()`` numbering: Monday = 0).
DEFAULT_WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})
#: 08:30-12:00 and 13:30-17:30.
DEFAULT_HOURS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)

Hours = Union[int, float, timedelta]


class CalendarDataWarning(UserWarning):
    """Holiday data for a requested year is missing: that year falls back to
    plain weekends (no public holidays, no make-up working days)."""


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _check_moment(moment: datetime) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is not None:
        raise ValueError("WorkingCalendar works on naive local datetimes; got a timezone-aware one")


def _dates(values: Iterable[date]) -> frozenset[date]:
    if isinstance(values, date):  # a single date passed by mistake
        values = [values]
    return frozenset(_as_date(v) for v in values)


@dataclass(frozen=True)
class WorkingCalendar:
    """A company's working calendar: working weekdays, days off, make-up
    working days and daily working periods. Immutable and hashable.

    :param weekdays: working weekdays, ``date.weekday()`` numbers (Monday = 0);
        default Monday-Friday. Must not be empty.
    :param holidays: dates that are not working days (public holidays and
        company days off), whatever their weekday.
    :param makeup_days: dates that are working days although their weekday
        is not in ``weekdays`` (调休 make-up days). Disjoint from ``holidays``.
    :param hours: the working periods of every working day, as
        ``(start, end)`` :class:`datetime.time` pairs, ``start < end``,
        sorted and not overlapping (touching is fine); default
        ``[(08:30, 12:00), (13:30, 17:30)]``.

    Any iterable is accepted for the collections; they are stored as
    frozensets / a tuple. ``datetime`` values in the date sets are reduced to
    their date. Raises :class:`ValueError` on invalid input.
    """

    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS

    # Derived, for arithmetic (not part of equality or repr).
    _periods: tuple[tuple[timedelta, timedelta], ...] = field(init=False, repr=False, compare=False)
    _day_length: timedelta = field(init=False, repr=False, compare=False)
    _removed: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _added: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weekdays = frozenset(int(d) for d in self.weekdays)
        if not weekdays:
            raise ValueError("a working calendar needs at least one working weekday")
        if not weekdays <= set(range(7)):
            raise ValueError(f"weekdays must be 0 (Monday) .. 6 (Sunday), got {sorted(weekdays)}")
        holidays = _dates(self.holidays)
        makeup = _dates(self.makeup_days)
        both = holidays & makeup
        if both:
            raise ValueError(f"dates both off and working: {sorted(both)}")
        hours = tuple((start, end) for start, end in self.hours)
        if not hours:
            raise ValueError("a working calendar needs at least one working period")
        periods = []
        for start, end in hours:
            if not (isinstance(start, time) and isinstance(end, time)):
                raise TypeError("working periods are (datetime.time, datetime.time) pairs")
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working periods use naive times")
            if not start < end:
                raise ValueError(f"working period {start}-{end} must start before it ends")
            periods.append((_since_midnight(start), _since_midnight(end)))
        for (_, prev_end), (next_start, _) in zip(periods, periods[1:]):
            if next_start < prev_end:
                raise ValueError("working periods must be sorted and must not overlap")
        set_ = object.__setattr__
        set_(self, "weekdays", weekdays)
        set_(self, "holidays", holidays)
        set_(self, "makeup_days", makeup)
        set_(self, "hours", hours)
        set_(self, "_periods", tuple(periods))
        set_(self, "_day_length", sum((e - s for s, e in periods), _ZERO))
        # Only the exceptions that change the weekday rule matter for counting.
        set_(self, "_removed", tuple(sorted(d for d in holidays if d.weekday() in weekdays)))
        set_(self, "_added", tuple(sorted(d for d in makeup if d.weekday() not in weekdays)))

    # ------------------------------------------------------------------ build

    @classmethod
    def china(cls, years: int | Iterable[int],
              entered: Mapping[int, tuple[Iterable[date], Iterable[date]]] | None = None,
              **overrides) -> "WorkingCalendar":
        """A calendar with mainland China's public holidays and 调休 make-up
        working days for ``years`` (an int or an iterable of ints), taken
        from ``entered`` for the years it holds, else from the
        ``chinesecalendar`` package.

        ``entered`` maps a year to its ``(holidays, make-up working days)``,
        the official schedule entered by hand (:func:`core.calendar.holidays.entered_days`);
        such a year replaces the library's data for that year entirely. Its
        dates outside that year are ignored.

        ``overrides`` are passed to the constructor (``weekdays``, ``hours``);
        ``holidays`` / ``makeup_days`` given there are *added* to the
        library's, a company day off winning over a library make-up day and a
        company working day over a library holiday (as with
        :meth:`with_days_off` then :meth:`with_working_days`).

        A year neither entered nor in the installed library
        (``chinesecalendar`` 1.11.0 covers 2004-2026) falls back to plain
        weekends: it contributes no holidays and no make-up days, and a
        :class:`CalendarDataWarning` naming the year is emitted and logged.
        It never raises for that.
        Dates in years not asked for are plain weekends too (silently): ask
        for every year a deadline may reach, e.g. this year and the next.
        """
        import chinese_calendar

        if isinstance(years, int):
            years = [years]
        holidays: set[date] = set()
        makeup: set[date] = set()
        missing = []
        entered = entered or {}
        for year in sorted(set(int(y) for y in years)):
            if year in entered:
                year_off, year_work = entered[year]
                holidays.update(d for d in _dates(year_off) if d.year == year)
                makeup.update(d for d in _dates(year_work) if d.year == year)
                continue
            first, last = date(year, 1, 1), date(year, 12, 31)
            try:
                # include_weekends=False: only named holiday dates (those that
                # fall on a weekend too), not every Saturday and Sunday.
                year_off = chinese_calendar.get_holidays(first, last, include_weekends=False)
                year_work = chinese_calendar.get_workdays(first, last, include_weekends=True)
            except NotImplementedError:
                missing.append(year)
                continue
            holidays.update(year_off)
            makeup.update(d for d in year_work if d.weekday() >= 5)
        if missing:
            message = (
                f"no Chinese holiday data for {', '.join(map(str, missing))}: neither entered "
                "(System → Holiday years, qdesk calendar import) nor in the installed chinesecalendar "
                "package: using plain weekends (no public holidays, no 调休 make-up days) for those "
                "years; enter the official schedule once for all companies, or upgrade chinesecalendar"
            )
            log.warning(message)
            warnings.warn(message, CalendarDataWarning, stacklevel=2)
        extra_off = _dates(overrides.pop("holidays", ()))
        extra_work = _dates(overrides.pop("makeup_days", ()))
        calendar = cls(holidays=holidays - makeup, makeup_days=makeup, **overrides)
        return calendar.with_days_off(extra_off).with_working_days(extra_work)

    def with_days_off(self, dates: Iterable[date]) -> "WorkingCalendar":
        """A new calendar where ``dates`` are days off (added to ``holidays``,
        removed from ``makeup_days``). ``self`` is unchanged."""
        off = _dates(dates)
        return replace(self, holidays=self.holidays | off, makeup_days=self.makeup_days - off)

    def with_working_days(self, dates: Iterable[date]) -> "WorkingCalendar":
        """A new calendar where ``dates`` are working days (removed from
        ``holidays``; added to ``makeup_days``). ``self`` is unchanged."""
        work = _dates(dates)
        return replace(self, holidays=self.holidays - work, makeup_days=self.makeup_days | work)

    # ------------------------------------------------------------------ days

    @property
    def working_day_length(self) -> timedelta:
        """The working time of one working day (7.5 hours by default)."""
        return self._day_length

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` (a date, or a datetime's date) is a working day:
        make-up day → yes; holiday → no; else its weekday is in ``weekdays``."""
        day = _as_date(day)
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() in self.weekdays

    def count_working_days(self, start: date, end: date) -> int:
        """The number of working days in ``[start, end)`` (``end`` excluded);
        0 when ``end <= start``. Computed arithmetically, not day by day."""
        start, end = _as_date(start), _as_date(end)
        days = (end - start).days
        if days <= 0:
            return 0
        full_weeks, rest = divmod(days, 7)
        first = start.weekday()
        count = full_weeks * len(self.weekdays)
        count += sum(1 for i in range(rest) if (first + i) % 7 in self.weekdays)
        count -= bisect.bisect_left(self._removed, end) - bisect.bisect_left(self._removed, start)
        count += bisect.bisect_left(self._added, end) - bisect.bisect_left(self._added, start)
        return count

    def _nth_working_day_after(self, day: date, n: int) -> date:
        """The n-th working day strictly after ``day`` (n >= 1)."""
        after = day + _ONE_DAY
        # Grow an upper bound until it holds n working days, then bisect.
        span = -(-n // len(self.weekdays)) * 7
        while self.count_working_days(after, after + timedelta(days=span)) < n:
            span *= 2
        lo, hi = 1, span  # the answer is after + (k - 1) days for the least k in [lo, hi]
        while lo < hi:
            mid = (lo + hi) // 2
            if self.count_working_days(after, after + timedelta(days=mid)) >= n:
                hi = mid
            else:
                lo = mid + 1
        return after + timedelta(days=lo - 1)

    # --------------------------------------------------------------- moments

    def next_working_moment(self, moment: datetime) -> datetime:
        """The first working instant at or after ``moment``: ``moment`` itself
        when it is inside a working period (``start <= t < end``) of a working
        day; else the start of the next working period (after lunch, or the
        first period of the next working day, across weekends and holidays).
        A moment exactly at a period's end (12:00, 17:30) is outside it."""
        _check_moment(moment)
        day = moment.date()
        if self.is_working_day(day):
            clock = moment - datetime.combine(day, time())
            for start, end in self._periods:
                if clock < end:
                    return max(moment, datetime.combine(day, time()) + start)
        following = self._nth_working_day_after(day, 1)
        return datetime.combine(following, time()) + self._periods[0][0]

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """The same clock time ``n`` working days later: counting starts at
        ``s = next_working_moment(moment)`` and the result is ``s``'s clock
        time on the n-th working day after ``s``'s day.

        Examples (Mon-Fri, 08:30-12:00 / 13:30-17:30, no holidays):
        Thursday 15:00 + 2 → Monday 15:00; Saturday 10:00 + 1 → Tuesday 08:30
        (counting starts Monday 08:30); Thursday 12:10 + 1 → Friday 13:30;
        Thursday 18:00 + 1 → Monday 08:30.
        ``n = 0`` returns ``next_working_moment(moment)``. ``n`` must be a
        non-negative int (ValueError otherwise).
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError("n must be an int number of working days")
        if n < 0:
            raise ValueError("n must be >= 0")
        start = self.next_working_moment(moment)
        if n == 0:
            return start
        return datetime.combine(self._nth_working_day_after(start.date(), n), start.time())

    def add_working_hours(self, moment: datetime, hours: Hours) -> datetime:
        """The earliest instant at which ``hours`` of working time have
        elapsed since ``moment``, counting only working periods of working
        days (lunch breaks, nights, weekends and holidays don't count).

        ``hours`` is a number of hours (int/float) or a :class:`timedelta`,
        >= 0 (ValueError otherwise). Counting starts at
        ``next_working_moment(moment)``; ``hours == 0`` returns that moment.
        The result may be a period's end (e.g. Monday 08:30 + 3.5 h → Monday
        12:00, not 13:30). ``working_time_between(moment, result) == hours``.
        """
        amount = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
        if amount < _ZERO:
            raise ValueError("hours must be >= 0")
        current = self.next_working_moment(moment)
        if amount == _ZERO:
            return current
        # Rest of the current working day.
        midnight = datetime.combine(current.date(), time())
        clock = current - midnight
        for start, end in self._periods:
            if clock >= end:
                continue
            available = end - max(clock, start)
            if amount <= available:
                return midnight + max(clock, start) + amount
            amount -= available
        # Skip whole days: the result lies on the (k+1)-th working day after
        # today, with 0 < remainder <= one day's length left to consume there.
        skip = -(-amount // self._day_length) - 1
        amount -= skip * self._day_length
        midnight = datetime.combine(self._nth_working_day_after(current.date(), skip + 1), time())
        for start, end in self._periods:
            if amount <= end - start:
                return midnight + start + amount
            amount -= end - start
        raise AssertionError("unreachable: remainder exceeds a working day")  # pragma: no cover

    def _worked_on(self, day: date, clock_from: timedelta, clock_to: timedelta) -> timedelta:
        """Working time of ``day`` between two clock offsets from midnight."""
        if clock_to <= clock_from or not self.is_working_day(day):
            return _ZERO
        total = _ZERO
        for start, end in self._periods:
            lo, hi = max(start, clock_from), min(end, clock_to)
            if hi > lo:
                total += hi - lo
        return total

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """The working time in ``[a, b)``: only working periods of working days
        count. Zero when ``a == b`` or when the interval holds no working time
        (a weekend, a night). Signed: when ``b < a`` the result is
        ``-working_time_between(b, a)``, so ``working_time_between(now,
        deadline)`` is the time left, negative once overdue.
        """
        _check_moment(a)
        _check_moment(b)
        if b < a:
            return -self.working_time_between(b, a)
        first, last = a.date(), b.date()
        clock_a = a - datetime.combine(first, time())
        clock_b = b - datetime.combine(last, time())
        if first == last:
            return self._worked_on(first, clock_a, clock_b)
        whole = self.count_working_days(first + _ONE_DAY, last)
        return (
            self._worked_on(first, clock_a, _ONE_DAY)
            + whole * self._day_length
            + self._worked_on(last, _ZERO, clock_b)
        )
