"""Company time (core public API): each company has one time zone.

The decision (``../shared/domain/README.md`` D-3), applied everywhere:

* **Stamps** that core or code sets (``created_at``, ``updated_at``,
  ``archived_at``, the audit log's and the print log's ``at``,
  ``last_login_at``, ...) are stored **naive UTC** (:func:`core.models.utcnow`)
  and are shown, exported and printed in the company's zone
  (:func:`to_local`). Core marks its stamp columns with
  ``info={"stamp": True}`` (:data:`STAMP`, :func:`core.models.stamp_info`;
  every :class:`core.records.CompanyOwnedMixin` model has ``created_at``,
  ``updated_at`` and ``archived_at`` marked); a plugin marks its own the same
  way, e.g. ``mapped_column(DateTime, default=utcnow, info=stamp_info())``,
  and the admin shell (lists, details, history, audit and print logs), the
  exports and the printed forms convert them (:func:`is_stamp`), whatever
  the screen. A printed template shows a stamp with the ``local_time``
  filter: ``{{ record.created_at|local_time }}``.
* **User-entered date-times** (a contact's ``occurred_at``, a visit's
  ``done_at``) and the deadlines computed from them are **company-local
  wall-clock times**, naive, stored as the clerk wrote them (existing stored
  values keep their meaning); they are shown as they are.
* **"Now"** for anything a user sees or a deadline starts from is
  :func:`local_now` (now in the company's zone, to the second), and "today" is
  :func:`local_today`: never the server's own clock and zone.

The zone is the company setting ``core.timezone`` (an IANA name, default
``Asia/Shanghai``)::

    from core.calendar.timezone import local_now, to_local
    due = company_calendar().add_working_days(local_now(), 3)   # local
    shown = to_local(record.created_at)                          # UTC stamp → local

Every function takes an optional ``company`` (default: the current one);
without any company (a script, a system task) the setting's default zone is
used.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from flask import has_app_context

#: The company setting holding the zone's IANA name.
SETTING = "core.timezone"
#: The zone of a company that has not chosen one (D-3).
DEFAULT_ZONE = "Asia/Shanghai"
#: ``Column.info`` key marking a stamp column (naive UTC, set by code).
STAMP = "stamp"
# Names zoneinfo knows that are not a company's zone: "localtime" is the
# server's own zone (what company time exists to avoid).
_REFUSED = frozenset({"localtime", "posixrules", "Factory"})

__all__ = ["SETTING", "DEFAULT_ZONE", "STAMP", "zone_names", "check_zone_name", "zone_named",
           "company_zone", "to_local", "to_utc", "local_now", "local_today", "utc_range",
           "offset_label", "format_local", "is_stamp", "stamp_columns"]


# --- zones ---------------------------------------------------------------------

@functools.cache
def zone_names() -> frozenset[str]:
    """The IANA zone names a company may choose (``zoneinfo.available_timezones``)."""
    return frozenset(available_timezones()) - _REFUSED


def check_zone_name(value: Any) -> None:
    """Validator of the ``core.timezone`` setting: ``value`` must be a zone
    name zoneinfo knows, spelled exactly (``Asia/Shanghai``).

    :raises marshmallow.ValidationError: with a message for the user.
    """
    from flask_babel import gettext
    from marshmallow import ValidationError
    name = str(value)
    if name in zone_names():
        return
    near = sorted(z for z in zone_names() if z.casefold() == name.strip().casefold())
    if near:
        raise ValidationError(gettext("%(zone)s is not a time zone name: did you mean %(near)s?",
                                      zone=name, near=near[0]))
    raise ValidationError(gettext(
        "%(zone)s is not a time zone: give an IANA time zone name such as Asia/Shanghai, "
        "Asia/Hong_Kong or Europe/Berlin.", zone=name[:60]))


@functools.lru_cache(maxsize=64)
def zone_named(name: str) -> ZoneInfo:
    """The :class:`zoneinfo.ZoneInfo` of ``name`` (cached).

    :raises ValueError: ``name`` is not a zone a company may have.
    """
    if name not in zone_names():
        raise ValueError(f"unknown time zone {name!r}")
    return ZoneInfo(name)


def _default_name() -> str:
    if has_app_context():
        try:
            from core.settings import settings_registry
            return str(settings_registry().default(SETTING))
        except Exception:  # registry not built yet (start-up) or setting unknown
            pass
    return DEFAULT_ZONE


def company_zone(company: Any = None) -> ZoneInfo:
    """The time zone of ``company`` (default: the current company; without
    one, the default of ``core.timezone``, ``Asia/Shanghai``)."""
    from core.records import tenancy
    company = company if company is not None else tenancy.current_company()
    name = None
    if company is not None and has_app_context():
        from core.settings import UnknownSetting, get_setting
        try:
            name = get_setting(SETTING, company)
        except UnknownSetting:  # core's register_settings not declaring it (yet): the default zone
            name = None
    try:
        return zone_named(name or _default_name())
    except ValueError:  # a stored value refused since (get_setting logs it): the default
        return zone_named(DEFAULT_ZONE)


# --- conversions -----------------------------------------------------------------

def to_local(utc_naive: dt.datetime | None, company: Any = None) -> dt.datetime | None:
    """A stamp (naive UTC, or aware) as naive company-local wall-clock time;
    ``None`` stays ``None``."""
    if utc_naive is None:
        return None
    aware = utc_naive if utc_naive.tzinfo is not None else utc_naive.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(company_zone(company)).replace(tzinfo=None)


def to_utc(local_naive: dt.datetime | None, company: Any = None) -> dt.datetime | None:
    """A company-local wall-clock time as a naive UTC stamp (to compare with
    stamp columns); ``None`` stays ``None``. A time that occurs twice (the end
    of summer time) is read as its first occurrence."""
    if local_naive is None:
        return None
    aware = local_naive if local_naive.tzinfo is not None else local_naive.replace(tzinfo=company_zone(company))
    return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)


def local_now(company: Any = None) -> dt.datetime:
    """Now in the company's zone, as naive local wall-clock time, to the
    second: what a clerk's clock shows, whatever the server's zone. Deadlines
    start from it and are counted in it (:func:`core.calendar.company_calendar`)."""
    return dt.datetime.now(company_zone(company)).replace(tzinfo=None, microsecond=0)


def local_today(company: Any = None) -> dt.date:
    """Today's date in the company's zone (not the server's)."""
    return local_now(company).date()


def utc_range(start: dt.date, end: dt.date, company: Any = None) -> tuple[dt.datetime, dt.datetime]:
    """Naive UTC bounds ``[low, high)`` of the company-local days ``start`` to
    ``end`` (both included), to filter stamp columns by local dates:
    ``Model.created_at >= low, Model.created_at < high``."""
    low = to_utc(dt.datetime.combine(start, dt.time.min), company)
    high = to_utc(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), company)
    return low, high


# --- text ------------------------------------------------------------------------

def offset_label(local: dt.datetime, company: Any = None) -> str:
    """The zone's offset at the local time ``local``: ``UTC+08:00``."""
    aware = local if local.tzinfo is not None else local.replace(tzinfo=company_zone(company))
    offset = aware.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_local(stamp: dt.datetime | None, company: Any = None, fmt: str = "%Y-%m-%d %H:%M",
                 zone: str | None = None) -> str:
    """A stamp (naive UTC) as company-local text: ``2026-12-01 15:55``;
    ``None`` gives ``""``.

    :param zone: also say the zone: ``"offset"`` → ``2026-12-01 15:55
        (UTC+08:00)``, ``"name"`` → ``2026-12-01 15:55 Asia/Shanghai``,
        ``"both"`` → ``2026-12-01 15:55 Asia/Shanghai (UTC+08:00)``.
    """
    local = to_local(stamp, company)
    if local is None:
        return ""
    text = local.strftime(fmt)
    if zone in ("name", "both"):
        text += f" {company_zone(company).key}"
    if zone in ("offset", "both"):
        text += f" ({offset_label(local, company)})"
    return text


# --- which columns are stamps --------------------------------------------------------

@functools.lru_cache(maxsize=1024)
def is_stamp(model: type | None, name: str) -> bool:
    """Whether the column ``name`` of ``model`` (``"customer.created_at"``
    follows relations) is a stamp: marked ``info={"stamp": True}``."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import NoInspectionAvailable
    if model is None or not isinstance(name, str):
        return False
    try:
        mapper = inspect(model)
        *path, key = name.split(".")
        for part in path:
            mapper = mapper.relationships[part].mapper
        attr = mapper.column_attrs[key]
    except (NoInspectionAvailable, KeyError, AttributeError):
        return False
    return any(column.info.get(STAMP) for column in attr.columns)


def stamp_columns(model: type) -> tuple[str, ...]:
    """The names of ``model``'s stamp columns."""
    from sqlalchemy import inspect
    return tuple(attr.key for attr in inspect(model).column_attrs
                 if any(c.info.get(STAMP) for c in attr.columns))
