"""Period labels shared by classification, surveys and KPIs.

A period is written the way clerks write it: ``"2026"`` (a year),
``"2026-Q3"`` (a quarter) or ``"2026-10"`` (a month). These are also the
labels :func:`plugins.crm.surveys.period_label` produces.
"""
from __future__ import annotations

import datetime as dt
import re

_PATTERN = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")


def parse_period(label: str) -> tuple[dt.date, dt.date]:
    """``"2026-Q3"`` → ``(date(2026, 7, 1), date(2026, 9, 30))`` (both inclusive).

    Raises ``ValueError`` with the accepted forms for anything else.
    """
    match = _PATTERN.match((label or "").strip())
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
    after = start.month - 1 + months
    end = dt.date(year + after // 12, after % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def normalise_period(label: str) -> str:
    """The canonical spelling (``" 2026-q3 "`` → ``"2026-Q3"``); ``ValueError`` if unknown."""
    text = (label or "").strip().upper()
    parse_period(text)
    return text
