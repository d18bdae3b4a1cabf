"""The KPIs of quality tracking (one SQL aggregate each), over the records
whose 跟踪日期 falls in the period (company-local days), not archived; for
a department (with those under it) or the tracking employee
(``core.org.subject_clause``)."""
from __future__ import annotations

from typing import Any


def _figure(company: Any, start, end, subject, what) -> int:
    from sqlalchemy import func

    from core.org import subject_clause
    from core.records.tenancy import scoped_query

    from .models.tracking import QualityTracking as T
    query = scoped_query(T, company).filter(T.archived_at.is_(None), T.tracked_on >= start, T.tracked_on <= end)
    if subject is not None:
        query = query.filter(subject_clause(T, subject))
    column = func.count(func.distinct(T.customer_id)) if what == "customers" else func.count(T.id)
    return int(query.with_entities(column).scalar() or 0)


def tracked_customers(company, start, end, subject=None) -> int:
    """质量跟踪顾客数: the distinct customers tracked in the period (AS-62)."""
    return _figure(company, start, end, subject, "customers")


def tracking_count(company, start, end, subject=None) -> int:
    """质量跟踪次数: the tracking records of the period."""
    return _figure(company, start, end, subject, "records")
