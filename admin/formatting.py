"""How the admin screens show values: dates, times and decimals in the
user's language, stamps (naive UTC) in the company's zone."""
from __future__ import annotations

import datetime
import decimal
from typing import Any

from flask_admin.model import typefmt
from flask_babel import format_date, format_decimal, get_locale, gettext


def datetime_text(view: Any, value: datetime.datetime, name: Any) -> str:
    """A date-time cell in the user's language. A stamp column (naive UTC,
    marked ``info={"stamp": True}`` by core or its plugin:
    :func:`core.calendar.timezone.is_stamp`) is shown in the company's zone; any other
    date-time (user-entered, company-local wall-clock) as it is stored."""
    from babel.dates import format_datetime as babel_datetime

    from core.calendar.timezone import is_stamp, to_local
    if is_stamp(getattr(view, "model", None), name):
        value = to_local(value)
    # Babel reads a naive value as UTC and, without tzinfo, shows it in UTC:
    # as it is (flask_babel's format_datetime would move it to BABEL_DEFAULT_TIMEZONE).
    return babel_datetime(value, "medium", locale=get_locale())


def stamp_text(value: datetime.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S", zone: str | None = None) -> str:
    """A stamp (naive UTC) as company-local text for templates,
    ``admin_view.stamp_text(entry.at)`` → ``2026-12-01 15:55:46``; ``zone``
    as in :func:`core.calendar.timezone.format_local` (``"offset"`` adds ``(UTC+08:00)``)."""
    from core.calendar.timezone import format_local
    return format_local(value, fmt=fmt, zone=zone)


# Dates, times and decimals on screens follow the user's language; stamps are
# shown in the company's zone (exports keep plain values, for spreadsheets,
# with stamps in the company's zone too: admin.imports).
LOCALE_FORMATTERS = {
    **typefmt.BASE_FORMATTERS,
    datetime.datetime: datetime_text,
    datetime.date: lambda view, value, name: format_date(value, "medium"),
    decimal.Decimal: lambda view, value, name: format_decimal(value),
}
LOCALE_DETAIL_FORMATTERS = {**typefmt.DETAIL_FORMATTERS,
                            **{t: LOCALE_FORMATTERS[t] for t in (datetime.datetime, datetime.date, decimal.Decimal)},
                            bool: lambda view, value, name: gettext("Yes") if value else gettext("No")}

def record_link(record: Any, text: Any = None, url: str | None = None) -> Any:
    """``text`` (default: the record) linked to ``url`` (default: the
    record's details page) when the current user may read the record's
    entity in this company (:func:`core.records.access.can`: module gate and
    permission), else the escaped text alone: a list or details cell that
    points at a record of another screen."""
    from markupsafe import Markup, escape

    from core.links import record_url
    from core.records import access
    label = str(record) if text is None else text
    if record is None:
        return escape(label or "")
    if not access.can(type(record), "read"):
        return escape(label)
    href = url or record_url(record)
    return Markup('<a href="{}">{}</a>').format(href, label) if href else escape(label)
