"""Parsing and bounding what comes in from URLs and forms (core public API).

Every number, id, date and month a request carries is text chosen by the
client. The rules here are the only ones qdesk uses, so no screen can be
answered with a 500 by a value the database or Python refuses:

* numbers are **ASCII** digits only: ``"²".isdigit()`` is true but
  ``int("²")`` raises, and ``int("٣")`` is 3; neither is a number here;
* an id is a positive integer the id column can hold (PostgreSQL's
  ``Integer`` is 32-bit): a 20-digit id is simply *not found*;
* page numbers, page sizes, limits and offsets are clamped into a range;
* dates, datetimes and months have a year between :data:`YEAR_MIN` and
  :data:`YEAR_MAX` (year 1 or 9999 breaks time-zone arithmetic, formatting
  and the working calendar long after it was stored);
* numeric values are finite (no ``1e400``, ``nan``, ``inf``) and fit their
  column (``Numeric(6, 2)`` holds less than 10 000; ``Integer`` 32 bits).

The admin shell applies these to every form field by column type
(``admin.views.ScopedModelConverter``), to ids in URLs and bulk actions, to
list paging and ajax lookups; the print URL and the calendar use them too.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from typing import Any, Iterable

from sqlalchemy import types as satypes

#: Years a date, datetime or month may have (inclusive).
YEAR_MIN = 1900
YEAR_MAX = 2199

#: Ranges of SQL integer types (PostgreSQL's; SQLite holds 64 bits).
SMALLINT_MAX = 2**15 - 1
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

#: Largest page number a list accepts (further pages are empty anyway).
PAGE_MAX = 100_000
#: Most rows one ajax lookup returns, and the largest offset it takes.
LOOKUP_LIMIT_MAX = 100
OFFSET_MAX = 10_000_000
#: Longest search term or filter value a list takes (longer ones are cut):
#: SQLite refuses LIKE patterns over 50 000 bytes, and nobody types more.
SEARCH_MAX = 500

#: Magnitude bound of numeric columns declared without a precision, and of
#: floats: finite, and exactly representable as integers in a double below it.
UNBOUNDED_NUMERIC_MAX = decimal.Decimal(10) ** 15

_INT = re.compile(r"[+-]?[0-9]+\Z")
_DIGITS = re.compile(r"[0-9]+\Z")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
# C0 control characters other than tab, line feed and carriage return, and DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Longer than this, a text is not a number whatever it holds.
_MAX_NUMBER_TEXT = 40


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if len(value) <= _MAX_NUMBER_TEXT else None


def parse_int(text: Any, lo: int | None = None, hi: int | None = None) -> int | None:
    """``text`` as an integer written in ASCII digits (an optional sign),
    within ``lo``..``hi`` when given; ``None`` when it is not one.

    ``parse_int("12")`` is 12; ``parse_int("²")``, ``parse_int("٣")``,
    ``parse_int("1e3")``, ``parse_int("")`` are ``None``; ints pass through.
    """
    s = _text(text)
    if s is None or not _INT.match(s):
        return None
    n = int(s)
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        return None
    return n


def parse_id(text: Any, hi: int = INT_MAX) -> int | None:
    """A record id from a URL or a form: ASCII digits, 1..``hi`` (the id
    column's range, 32-bit by default); else ``None``, which callers treat
    as *not found* (404), never as an error of the database.

    ``parse_id("7")`` is 7; ``"0"``, ``"-1"``, ``"abc"``, ``"²"``, ``"٣"``,
    ``"99999999999999999999"`` and ``str(2**31)`` are ``None``.
    """
    s = _text(text)
    if s is None or not _DIGITS.match(s):
        return None
    n = int(s)
    return n if 1 <= n <= hi else None


def parse_ids(values: Iterable[Any], hi: int = INT_MAX) -> list[int]:
    """The valid ids among ``values`` (see :func:`parse_id`), each once, in
    the order given; the others are dropped."""
    out: list[int] = []
    for value in values or ():
        pk = parse_id(value, hi)
        if pk is not None and pk not in out:
            out.append(pk)
    return out


def bounded_int(text: Any, default: int | None, lo: int, hi: int) -> int | None:
    """``text`` as an integer clamped into ``lo``..``hi``; ``default`` when
    it is empty or not an ASCII integer (page numbers, page sizes, limits,
    offsets: ``bounded_int(request.args.get("page"), 0, 0, PAGE_MAX)``).

    ``default`` is returned as given (it may be ``None``)."""
    n = parse_int(text)
    if n is None:
        return default
    return min(max(n, lo), hi)


def year_ok(year: int) -> bool:
    """Whether ``year`` is within :data:`YEAR_MIN`..:data:`YEAR_MAX`."""
    return YEAR_MIN <= year <= YEAR_MAX


def parse_date(text: Any) -> dt.date | None:
    """``YYYY-MM-DD`` in ASCII digits with a year in range, as a date; else ``None``."""
    s = _text(text)
    match = _DATE.match(s) if s else None
    if not match or not year_ok(int(match[1])):
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_month(text: Any) -> dt.date | None:
    """``YYYY-MM`` in ASCII digits with a year in range, as the month's
    first day; else ``None`` (``0001-01``, ``9999-13``, ``2026-00``, ``٢٠٢٦-٠١``)."""
    s = _text(text)
    match = _MONTH.match(s) if s else None
    if not match or not year_ok(int(match[1])) or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def is_ascii_number_text(text: Any) -> bool:
    """Whether a number or date typed into a form uses only ASCII characters
    (an empty value counts as ASCII: whether it is required is checked elsewhere)."""
    return text is None or not isinstance(text, str) or text.isascii()


def strip_controls(text: Any) -> Any:
    """``text`` without C0 control characters (tab, line feed and carriage
    return are kept) and DEL; PostgreSQL refuses NUL, exports and XML refuse
    the others. Anything that is not a string is returned unchanged."""
    return _CONTROLS.sub("", text) if isinstance(text, str) else text


# --- bounds by column type ---------------------------------------------------------

def _base_type(column_type: Any) -> Any:
    return column_type.impl_instance if isinstance(column_type, satypes.TypeDecorator) else column_type


def int_range(column_type: Any) -> tuple[int, int]:
    """The values an integer column of ``column_type`` can hold (PostgreSQL's
    ranges: ``SmallInteger`` 16, ``Integer`` 32, ``BigInteger`` 64 bits)."""
    ctype = _base_type(column_type)
    if isinstance(ctype, satypes.SmallInteger):
        return -SMALLINT_MAX - 1, SMALLINT_MAX
    if isinstance(ctype, satypes.BigInteger):
        return -BIGINT_MAX - 1, BIGINT_MAX
    return -INT_MAX - 1, INT_MAX


def numeric_limit(column_type: Any) -> decimal.Decimal:
    """The magnitude a numeric column's values must stay below:
    ``10 ** (precision - scale)`` for ``Numeric(precision, scale)``, else
    :data:`UNBOUNDED_NUMERIC_MAX` (floats and numerics without a precision)."""
    ctype = _base_type(column_type)
    precision = getattr(ctype, "precision", None)
    if isinstance(ctype, satypes.Numeric) and not isinstance(ctype, satypes.Float) \
            and isinstance(precision, int) and precision > 0:
        scale = ctype.scale if isinstance(ctype.scale, int) else 0
        return decimal.Decimal(10) ** max(precision - scale, 0)
    return UNBOUNDED_NUMERIC_MAX


def numeric_fits(value: Any, column_type: Any) -> bool:
    """Whether the finite number ``value``, rounded to the column's scale as
    the database rounds it, stays below :func:`numeric_limit` in magnitude
    (``9999.999`` does not fit ``Numeric(6, 2)``: it is stored as 10000.00)."""
    try:
        number = abs(decimal.Decimal(value))
    except (ValueError, TypeError, decimal.InvalidOperation):
        return False
    if not number.is_finite():
        return False
    limit = numeric_limit(column_type)
    if number >= limit:
        return False
    scale = getattr(_base_type(column_type), "scale", None)
    if isinstance(scale, int) and scale >= 0 and limit != UNBOUNDED_NUMERIC_MAX:
        number = number.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)
    return number < limit


def value_error(value: Any, column_type: Any) -> str | None:
    """Why ``value`` cannot be stored in a column of ``column_type``, in
    English for logs and tests (``None``: it can). Forms use the translated
    messages of :func:`admin.views.ScopedModelConverter`'s validators; this
    is the same rule, usable anywhere (imports, services)."""
    if value is None:
        return None
    ctype = _base_type(column_type)
    if isinstance(value, (dt.date, dt.datetime)):
        return None if year_ok(value.year) else f"year outside {YEAR_MIN}-{YEAR_MAX}"
    if isinstance(value, bool):
        return None
    if isinstance(ctype, satypes.Integer) and isinstance(value, int):
        lo, hi = int_range(ctype)
        return None if lo <= value <= hi else f"outside {lo}..{hi}"
    if isinstance(value, (int, float, decimal.Decimal)) and isinstance(ctype, satypes.Numeric):
        if isinstance(value, float) and not math.isfinite(value):
            return "not a finite number"
        if isinstance(value, decimal.Decimal) and not value.is_finite():
            return "not a finite number"
        return None if numeric_fits(value, ctype) else f"not below {numeric_limit(ctype)} in magnitude"
    return None


__all__ = ["YEAR_MIN", "YEAR_MAX", "INT_MAX", "PAGE_MAX", "LOOKUP_LIMIT_MAX", "OFFSET_MAX", "SEARCH_MAX", "parse_int", "parse_id",
           "parse_ids", "bounded_int", "year_ok", "parse_date", "parse_month", "is_ascii_number_text",
           "strip_controls", "int_range", "numeric_limit", "numeric_fits", "value_error"]
