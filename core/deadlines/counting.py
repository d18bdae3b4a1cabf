"""Deadline counting: one function for every plugin (decisions D-1, D-2).

A deadline is an amount and a **unit** (D-1): ``hours``, ``working_hours``,
``calendar_days`` or ``working_days``; a company may change both. It is
counted from a start moment in **company-local** wall-clock time, on the
company's working calendar (:func:`core.calendar.company_calendar`), by the
rules of 民法典 §201–203 (D-2):

* **hours** run from the exact moment: 24 hours from Fri 16:00 end Sat 16:00;
* **working hours** count only the calendar's working periods (08:30-12:00,
  13:30-17:30 by default), from the first working moment at or after the
  start;
* for **day** units the day of receipt is not counted and the deadline ends
  at the end (24:00) of its last day, shown as 23:59:59 of that day:
  4 calendar days from Sat 2024-09-28 end on Wed 2024-10-02 at 24:00;
  3 working days from Fri 2024-09-27 15:00 end on Tue 2024-10-08 at 24:00
  (Sun 09-29 is a 调休 working day, 10-01 … 10-07 the National Day holiday);
* a deadline in calendar days that ends on a day that is not a working day
  may **roll** to the end of the next working day: an option of the
  setting, off by default (4 calendar days from 2024-09-28 then end on
  2024-10-08).

Paused time (a state in which the clock stops, e.g. waiting for the
customer) is added back in the deadline's own unit: for working units only
the working time inside a pause counts, so a pause over a weekend adds
nothing to a working-hours deadline.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from core.calendar.workcal import WorkingCalendar

#: The units a deadline setting may have (D-1).
UNITS = ("hours", "working_hours", "calendar_days", "working_days")
DAY_UNITS = ("calendar_days", "working_days")
#: How the end (24:00) of a day is stored and shown.
END_OF_DAY = dt.time(23, 59, 59)
#: Longest deadline counted, in days (ten years): a typo, not a deadline.
MAX_DAYS = 3660

Pause = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class DeadlineRule:
    """How long something may take: ``DeadlineRule(2, "calendar_days")``.

    :param amount: how many units (a whole number for day units; hours may
        have a fraction, e.g. 1.5).
    :param unit: one of :data:`UNITS`.
    :param roll_to_working_day: for ``calendar_days`` only: a deadline ending
        on a day off ends at the end of the next working day instead.
    """

    amount: int | float | Decimal
    unit: str
    roll_to_working_day: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"deadline unit {self.unit!r} is not one of {', '.join(UNITS)}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, (int, float, Decimal)):
            raise TypeError(f"deadline amount must be a number, got {self.amount!r}")
        if self.amount < 0:
            raise ValueError(f"deadline amount must not be negative, got {self.amount}")
        if self.unit in DAY_UNITS and self.amount != int(self.amount):
            raise ValueError(f"a deadline in {self.unit} needs a whole number, got {self.amount}")
        if self.unit in DAY_UNITS and self.amount > MAX_DAYS:
            raise ValueError(f"a deadline of {self.amount} days is longer than {MAX_DAYS} days")
        if self.roll_to_working_day and self.unit != "calendar_days":
            raise ValueError("only a deadline in calendar days may roll to the next working day")


def end_of(day: dt.date) -> dt.datetime:
    """The end (24:00) of ``day``, as stored: ``day`` 23:59:59."""
    return dt.datetime.combine(day, END_OF_DAY)


def _check(moment: dt.datetime) -> None:
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"a deadline starts at a datetime, got {moment!r}")
    if moment.tzinfo is not None:
        raise ValueError("deadlines count in naive company-local time")


def _next_working_day(calendar: WorkingCalendar, day: dt.date) -> dt.date:
    for _ in range(MAX_DAYS):
        if calendar.is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    raise ValueError(f"no working day within {MAX_DAYS} days of {day}")


def _nth_working_day_after(calendar: WorkingCalendar, day: dt.date, n: int) -> dt.date:
    counted = 0
    for _ in range(MAX_DAYS * 2):
        if counted == n:
            return day
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    raise ValueError(f"fewer than {n} working days within {MAX_DAYS * 2} days")


def paused_time(rule: DeadlineRule, calendar: WorkingCalendar, pauses: Iterable[Pause]) -> dt.timedelta:
    """The time the clock stood still during ``pauses`` (``(from, to)``
    local moments), in the rule's terms: wall time for ``hours`` and
    ``calendar_days``, working time for the working units."""
    total = dt.timedelta()
    for start, end in pauses:
        _check(start)
        _check(end)
        if end <= start:
            continue
        if rule.unit in ("working_hours", "working_days"):
            total += calendar.working_time_between(start, end)
        else:
            total += end - start
    return total


def due_at(start: dt.datetime, rule: DeadlineRule, calendar: WorkingCalendar,
           pauses: Iterable[Pause] = ()) -> dt.datetime:
    """When something received at ``start`` (company-local) is due under
    ``rule`` on ``calendar``, the ``pauses`` added back (see the module
    docstring for the counting rules and worked examples).

    Pauses extend hour units by their (working) time, and day units by the
    whole days they cover: a pause of 1 day 3 hours in a calendar-days
    deadline adds 2 days (a started day counts, as the day of receipt is
    not counted).
    """
    _check(start)
    paused = paused_time(rule, calendar, pauses)
    if rule.unit == "hours":
        return start + dt.timedelta(hours=float(rule.amount)) + paused
    if rule.unit == "working_hours":
        return calendar.add_working_hours(start, dt.timedelta(hours=float(rule.amount)) + paused)
    extra_days = 0
    if paused:
        day_length = dt.timedelta(days=1) if rule.unit == "calendar_days" else calendar.working_day_length
        extra_days = -(-paused // day_length)  # ceil: a started day counts
    days = int(rule.amount) + extra_days
    if rule.unit == "calendar_days":
        last = start.date() + dt.timedelta(days=days)
        if rule.roll_to_working_day:
            last = _next_working_day(calendar, last)
        return end_of(last)
    return end_of(_nth_working_day_after(calendar, start.date(), days))


def is_overdue_at(due: dt.datetime | None, now: dt.datetime, done_at: dt.datetime | None = None) -> bool:
    """Whether a deadline ``due`` is breached at ``now`` (company-local):
    not done by then, or done after it."""
    if due is None:
        return False
    if done_at is not None:
        return done_at > due
    return now > due
