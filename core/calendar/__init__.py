"""Company time: zones, working calendars, official holiday years.

* :mod:`core.calendar.timezone`: each company's zone; stamps stored UTC,
  shown local; ``local_now`` / ``local_today`` instead of the server's clock;
* :mod:`core.calendar.workcal`: :class:`~core.calendar.workcal.WorkingCalendar`,
  the arithmetic of working days and hours;
* :mod:`core.calendar.holidays`: the official schedule of a year, entered
  once for all companies (System → Holiday years);
* :mod:`core.calendar.days`: a company's own days off and extra working days;
* :mod:`core.calendar.company`: :func:`company_calendar`, all of it for one
  company;
* :mod:`core.calendar.durations`: :func:`hours_between`, the hours between
  two date-time columns as SQL (SQLite and PostgreSQL).

Deadlines are counted on these calendars by :mod:`core.deadlines`.
"""
from core.calendar.company import company_calendar, company_days, default_years, local_now
from core.calendar.days import CompanyCalendarDay
from core.calendar.durations import hours_between
from core.calendar.workcal import WorkingCalendar

__all__ = ["company_calendar", "company_days", "default_years", "local_now", "CompanyCalendarDay",
           "WorkingCalendar", "hours_between"]
