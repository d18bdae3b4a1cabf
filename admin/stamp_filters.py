"""List filters on stamp columns, in company-local time.

A stamp (``info={"stamp": True}``, :mod:`core.calendar.timezone`) is stored naive
UTC, but a user types dates and times in the company's zone. Flask-Admin's
date and date-time filters compare the typed value with the column as it
is; these convert it first:

* a **date** is the whole local day: "on 2026-12-01" in Asia/Shanghai is
  ``[2026-11-30 16:00, 2026-12-01 16:00)`` UTC; "between 1 and 3 December"
  takes both days whole; "greater than" a day is after it, "smaller than"
  before it;
* a **date-time** is the local second it names (lists show stamps to the
  second): "equals 2026-12-01 01:00:00" matches 01:00:00.000 to 01:00:00.999
  local, "between" takes both bounds' seconds, "greater than" is after that
  second, "smaller than" before it.

The bounds are converted with the current company's zone when the filter
runs (:func:`core.calendar.timezone.to_utc`, :func:`core.calendar.timezone.utc_range`), so the
server's own zone never matters. Labels and operation names are
Flask-Admin's own (translated by its catalog): the filter classes inherit
them.

A view gets them for every stamp column it lists in ``column_filters`` with
one line::

    from admin.stamp_filters import StampFilterConverter

    class AuditLogView(CompanyModelView):
        filter_converter = StampFilterConverter()
        column_filters = ("table_name", "action", "at")

or, for one column, ``column_filters = (*stamp_filters(Model.at, _l("When")),)``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_admin.contrib.sqla import filters as sqla
from sqlalchemy import and_, or_

from core.calendar.timezone import STAMP, to_utc, utc_range

__all__ = ["StampFilterConverter", "stamp_filters", "is_stamp_column",
           "StampDateEqualFilter", "StampDateNotEqualFilter", "StampDateGreaterFilter",
           "StampDateSmallerFilter", "StampDateBetweenFilter", "StampDateNotBetweenFilter",
           "StampDateTimeEqualFilter", "StampDateTimeNotEqualFilter", "StampDateTimeGreaterFilter",
           "StampDateTimeSmallerFilter", "StampDateTimeBetweenFilter", "StampDateTimeNotBetweenFilter"]

SECOND = dt.timedelta(seconds=1)
# SQLAlchemy type names (lower case) Flask-Admin gives date-time filters to.
_DATETIME_TYPES = frozenset({"datetime", "datetime2", "timestamp", "smalldatetime"})


# --- bounds: company-local values as naive UTC [low, high) -------------------------

# No stamp lies outside these years (core.records.inputs bounds typed years the same
# way); a typed 0001-01-01 or 9999-12-31 is clamped to them, since moving it
# to UTC would leave the calendar.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def _clamped(day: dt.date) -> dt.date:
    return min(max(day, EARLIEST), LATEST)


def _clamped_moment(moment: dt.datetime) -> dt.datetime:
    if moment.date() < EARLIEST:
        return dt.datetime.combine(EARLIEST, dt.time.min)
    if moment.date() > LATEST:
        return dt.datetime.combine(LATEST, dt.time.max)
    return moment


def day_bounds(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """UTC ``[low, high)`` of the local days ``first`` to ``last`` (both included)."""
    return utc_range(_clamped(first), _clamped(first if last is None else last))


def second_bounds(first: dt.datetime, last: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """UTC ``[low, high)`` of the local seconds ``first`` to ``last`` (both included)."""
    first = _clamped_moment(first)
    last = first if last is None else _clamped_moment(last)
    return to_utc(first.replace(microsecond=0)), to_utc(last.replace(microsecond=0)) + SECOND


def _inside(column: Any, bounds: tuple[dt.datetime, dt.datetime]) -> Any:
    low, high = bounds
    return and_(column >= low, column < high)


def _outside(column: Any, bounds: tuple[dt.datetime, dt.datetime]) -> Any:
    low, high = bounds
    return or_(column < low, column >= high)


# --- dates: whole local days --------------------------------------------------------

class StampDateEqualFilter(sqla.DateEqualFilter):
    """On the local day."""

    def apply(self, query, value, alias=None):
        return query.filter(_inside(self.get_column(alias), day_bounds(value)))


class StampDateNotEqualFilter(sqla.DateNotEqualFilter):
    """Not on the local day."""

    def apply(self, query, value, alias=None):
        return query.filter(_outside(self.get_column(alias), day_bounds(value)))


class StampDateGreaterFilter(sqla.DateGreaterFilter):
    """After the local day (from the next local midnight)."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= day_bounds(value)[1])


class StampDateSmallerFilter(sqla.DateSmallerFilter):
    """Before the local day (before its local midnight)."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) < day_bounds(value)[0])


class StampDateBetweenFilter(sqla.DateBetweenFilter):
    """From the first local day to the last, both whole."""

    def apply(self, query, value, alias=None):
        start, end = value
        return query.filter(_inside(self.get_column(alias), day_bounds(start, end)))


class StampDateNotBetweenFilter(sqla.DateNotBetweenFilter):
    def apply(self, query, value, alias=None):
        start, end = value
        return query.filter(_outside(self.get_column(alias), day_bounds(start, end)))


# --- date-times: local seconds ------------------------------------------------------

class StampDateTimeEqualFilter(sqla.DateTimeEqualFilter):
    """Within the local second."""

    def apply(self, query, value, alias=None):
        return query.filter(_inside(self.get_column(alias), second_bounds(value)))


class StampDateTimeNotEqualFilter(sqla.DateTimeNotEqualFilter):
    def apply(self, query, value, alias=None):
        return query.filter(_outside(self.get_column(alias), second_bounds(value)))


class StampDateTimeGreaterFilter(sqla.DateTimeGreaterFilter):
    """After the local second."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) >= second_bounds(value)[1])


class StampDateTimeSmallerFilter(sqla.DateTimeSmallerFilter):
    """Before the local second."""

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias) < second_bounds(value)[0])


class StampDateTimeBetweenFilter(sqla.DateTimeBetweenFilter):
    """From the first local second to the last, both included."""

    def apply(self, query, value, alias=None):
        start, end = value
        return query.filter(_inside(self.get_column(alias), second_bounds(start, end)))


class StampDateTimeNotBetweenFilter(sqla.DateTimeNotBetweenFilter):
    def apply(self, query, value, alias=None):
        start, end = value
        return query.filter(_outside(self.get_column(alias), second_bounds(start, end)))


DATE_FILTERS = (StampDateEqualFilter, StampDateNotEqualFilter, StampDateGreaterFilter,
                StampDateSmallerFilter, StampDateBetweenFilter, StampDateNotBetweenFilter)
DATETIME_FILTERS = (StampDateTimeEqualFilter, StampDateTimeNotEqualFilter, StampDateTimeGreaterFilter,
                    StampDateTimeSmallerFilter, StampDateTimeBetweenFilter, StampDateTimeNotBetweenFilter)


def is_stamp_column(column: Any) -> bool:
    """Whether ``column`` (a ``Column`` or a mapped attribute) is marked as a stamp."""
    info = getattr(column, "info", None) or {}
    return bool(info.get(STAMP))


def stamp_filters(column: Any, name: Any, **kwargs: Any) -> list[sqla.BaseSQLAFilter]:
    """The filters of the stamp ``column`` under the label ``name``: by local
    day (first: the usual question), then by local date-time, then "empty"
    when the column may be empty."""
    found = [f(column, name, **kwargs) for f in (*DATE_FILTERS, *DATETIME_FILTERS)]
    if getattr(column, "nullable", False):
        found.append(sqla.FilterEmpty(column, name, **kwargs))
    return found


class StampFilterConverter(sqla.FilterConverter):
    """Flask-Admin's filter converter, with company-local filters for every
    stamp column (:func:`stamp_filters`); other columns as Flask-Admin has them."""

    def convert(self, type_name: str, column: Any, name: str, **kwargs: Any):
        if type_name.lower() in _DATETIME_TYPES and is_stamp_column(column):
            return stamp_filters(column, name, **kwargs)
        return super().convert(type_name, column, name, **kwargs)
