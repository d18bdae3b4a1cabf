"""A company's working calendar (core public API).

:func:`company_calendar` builds the :class:`core.calendar.workcal.WorkingCalendar`
every plugin uses for deadlines::

    from core.calendar import company_calendar
    due = company_calendar().add_working_days(received_at, 3)

It is mainland China's public holidays and 调休 make-up working days (a year
a system administrator entered, :mod:`core.calendar.holidays`, else the
``chinesecalendar`` package, see :meth:`WorkingCalendar.china`), then the
company's own days (:class:`core.calendar.days.CompanyCalendarDay`: ``off`` days are
added to the holidays, ``work`` days to the working days), with the working
weekdays and daily working periods of the company's settings
``core.calendar.weekdays`` and ``core.calendar.hours``. A company can switch
the public holidays off (``core.calendar.china_holidays``).
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Iterable

from core.records import tenancy
from core.calendar.holidays import default_years, entered_days
from core.models import Company
from core.calendar.days import CompanyCalendarDay
from core.settings import get_setting, periods_as_times
from core.calendar.workcal import WorkingCalendar



def local_now(company: Company | None = None) -> dt.datetime:
    """Now in the zone of ``company`` (default: the current company; setting
    ``core.timezone``) as naive local wall-clock time, to the second, never
    the server's clock: deadlines are counted in the company's office hours,
    as the working calendar counts them, so user-entered times (a contact's
    ``occurred_at``) and the due times computed from them are stored the same
    way. Delegates to :func:`core.calendar.timezone.local_now`."""
    from core.calendar.timezone import local_now as _local_now
    return _local_now(company)

__all__ = ["company_calendar", "company_days", "default_years"]



@functools.lru_cache(maxsize=64)
def _base(years: tuple[int, ...], china: bool, weekdays: frozenset[int],
          hours: tuple[tuple[dt.time, dt.time], ...],
          entered: tuple[tuple[int, frozenset[dt.date], frozenset[dt.date]], ...] = ()) -> WorkingCalendar:
    # Built once per process per combination: the holiday library is read
    # (and a missing year warned about) once, not per request. The entered
    # years are part of the key, so a year entered or changed under System
    # is used at once, without a restart.
    if china:
        return WorkingCalendar.china(years, entered={y: (off, work) for y, off, work in entered},
                                     weekdays=weekdays, hours=hours)
    return WorkingCalendar(weekdays=weekdays, hours=hours)


def company_days(company: Company | None = None) -> list[CompanyCalendarDay]:
    """The company's own calendar days (not archived), by date."""
    return (tenancy.scoped_query(CompanyCalendarDay, company)
            .filter(CompanyCalendarDay.archived_at.is_(None))
            .order_by(CompanyCalendarDay.day).all())


def company_calendar(company: Company | None = None,
                     years: Iterable[int] | None = None) -> WorkingCalendar:
    """The working calendar of ``company`` (default: the current company).

    China's public holidays and make-up days for ``years`` (default
    :func:`default_years`; dates outside them count as plain weekends, see
    :meth:`WorkingCalendar.china`): a year entered under System → Holiday
    years (:func:`core.calendar.holidays.entered_days`) before the ``chinesecalendar``
    package, a year in neither as plain weekends (warned about in the log),
    then the company's own days off and extra
    working days, with its working weekdays and hours from its settings.
    A company day always wins over the public calendar.

    :raises core.records.tenancy.NoCurrentCompany: no ``company`` and none current.
    """
    company = company or tenancy.require_company()
    days = company_days(company)
    years_set = set(years if years is not None else default_years())
    years_set.update(d.day.year for d in days)
    china = bool(get_setting("core.calendar.china_holidays", company))
    entered = entered_days(years_set) if china else {}
    base = _base(tuple(sorted(years_set)), china,
                 frozenset(get_setting("core.calendar.weekdays", company)),
                 periods_as_times(get_setting("core.calendar.hours", company)),
                 tuple((y, off, work) for y, (off, work) in sorted(entered.items())))
    return (base.with_days_off(d.day for d in days if d.kind == "off")
                .with_working_days(d.day for d in days if d.kind == "work"))
