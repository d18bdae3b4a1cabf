"""Period labels shared by classification, surveys and KPIs.

A period is written the way clerks write it: ``"2026"`` (a year),
``"2026-Q3"`` (a quarter) or ``"2026-10"`` (a month). The rules are core's
(:mod:`core.calendar.periods`, also used by period reports); these are also
the labels :func:`plugins.crm.surveys.period_label` produces.
"""
from core.calendar.periods import normalise_period, parse_period

__all__ = ["normalise_period", "parse_period"]
