"""The rules of quality tracking 质量跟踪 (002-S) that are not core's:

* **filing** a record with nothing left to solve (a problem that cannot
  be solved at once goes to 质管部 instead: transition ``receive``);
* **due for tracking** (AS-62 定期访问): the customers whose last tracking
  day is at least ``quality.tracking_interval_months`` months ago (the
  corresponding date, :func:`core.calendar.periods.due_by`), or who were
  never tracked; one SQL query for all customers, and the reminder job
  ``quality.tracking_due`` that tells each customer's responsible person
  once per due date (core.notify);
* the **report KPI list** setting ``quality.report_kpis`` (``key:target``).
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass
from typing import Any

from core.i18n import translate as _gettext

# A KPI key (any dotted name: one nobody declares is skipped by the report,
# not refused here) and an optional numeric target.
_ITEM = re.compile(r"^([A-Za-z0-9_.]+)\s*(?::\s*(-?\d+(?:\.\d+)?))?$")


# --- the workflow ---------------------------------------------------------------

def check_nothing_open(record: Any) -> None:
    """Effect of ``file``: a record with a problem that cannot be solved at
    once is not filed; it goes to 质管部 (``receive``, AS-66/67)."""
    from core.errors import Invalid
    if (record.unsolved_problems or "").strip():
        raise Invalid(_gettext("This record has problems that cannot be solved at once: hand it over to "
                               "质管部 (Receive) instead of filing it."), field="unsolved_problems")


# --- due for tracking -----------------------------------------------------------

@dataclass(frozen=True)
class DueCustomer:
    """A customer due for tracking: ``last`` tracking day (``None``: never)
    and the day it became due (``None``: never tracked, due now)."""

    customer: Any
    last: dt.date | None
    due_on: dt.date | None


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])  # SQLite may hand back max() of a DATE as text


def _due_query(company: Any, today: dt.date | None) -> tuple[Any, int]:
    """The query of the due customers with their last tracking day, and the interval in months."""
    from sqlalchemy import func, or_

    from core.calendar.periods import due_by
    from core.calendar.timezone import local_today
    from core.records import access
    from core.records.tenancy import scoped_query
    from core.settings import get_setting

    from .models.tracking import QualityTracking as T
    Customer = access.resolve("crm.customer").model
    months = get_setting("quality.tracking_interval_months", company)
    today = today or local_today(company)
    last = (scoped_query(T, company).filter(T.archived_at.is_(None))
            .with_entities(T.customer_id.label("customer_id"), func.max(T.tracked_on).label("last"))
            .group_by(T.customer_id).subquery())
    query = (scoped_query(Customer, company).filter(Customer.archived_at.is_(None))
             .outerjoin(last, last.c.customer_id == Customer.id)
             .filter(or_(last.c.last.is_(None), last.c.last <= due_by(today, months))))
    return query.with_entities(Customer, last.c.last).order_by(last.c.last.is_not(None), last.c.last,
                                                               Customer.id), months


def due_customers(company: Any, today: dt.date | None = None, limit: int | None = None) -> list[DueCustomer]:
    """The company's customers (not archived) due for quality tracking on
    ``today`` (company-local; default the company's today): never tracked
    first, then the longest untracked. One query: the last tracking day
    per customer (``max(tracked_on)`` over the records not archived),
    joined to the customers, filtered ``last <= due_by(today, months)``
    (:func:`core.calendar.periods.due_by`: due when ``add_months(last,
    months) <= today``)."""
    from core.calendar.periods import add_months
    query, months = _due_query(company, today)
    if limit is not None:
        query = query.limit(limit)
    found = []
    for customer, last_day in query.all():
        last_day = _as_date(last_day)
        found.append(DueCustomer(customer, last_day, add_months(last_day, months) if last_day else None))
    return found


def due_count(company: Any, today: dt.date | None = None) -> int:
    """How many customers :func:`due_customers` lists (one COUNT query, for the tile)."""
    query, _ = _due_query(company, today)
    return query.order_by(None).count()


def customer_trackings(company: Any, customer: Any, limit: int = 10) -> tuple[list[Any], dt.date | None,
                                                                               dt.date | None]:
    """The customer's latest trackings (newest first, at most ``limit``),
    its last tracking day and the day the next one is due (``None``: never
    tracked, due now)."""
    from core.calendar.periods import add_months
    from core.records.tenancy import scoped_query
    from core.settings import get_setting

    from .models.tracking import QualityTracking as T
    rows = (scoped_query(T, company).filter(T.customer_id == customer.id, T.archived_at.is_(None))
            .order_by(T.tracked_on.desc(), T.id.desc()).limit(limit).all())
    last = rows[0].tracked_on if rows else None
    months = get_setting("quality.tracking_interval_months", company)
    return rows, last, (add_months(last, months) if last else None)


def remind_due_customers(company: Any) -> str:
    """Job ``quality.tracking_due``: tell each due customer's responsible
    person (the customer's 负责人 login) once per due date
    (key ``quality.tracking_due:<customer id>:<due date or never>``).
    Customers without a responsible person are counted, not told."""
    from core import db
    from core.notify import notify
    from core.settings import get_setting
    months = get_setting("quality.tracking_interval_months", company)
    told = unassigned = 0
    for row in due_customers(company):
        user = row.customer.responsible
        if user is None:
            unassigned += 1
            continue
        when = row.due_on.isoformat() if row.due_on else "never"
        sent = notify("quality.tracking_due", [user], record=row.customer,
                      context={"last": row.last.isoformat() if row.last else "—", "months": months},
                      key=f"quality.tracking_due:{row.customer.id}:{when}")
        told += len(sent)
    db.session.commit()
    return f"{told} reminded, {unassigned} due without a responsible person"


# --- the report's KPI list ------------------------------------------------------

def parse_report_kpis(text: str) -> list[tuple[str, decimal.Decimal | None]]:
    """``"a.b:95, c.d"`` → ``[("a.b", Decimal("95")), ("c.d", None)]``;
    ``ValueError`` naming the first item that is not ``key`` or ``key:number``."""
    items = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        match = _ITEM.match(part)
        if match is None:
            raise ValueError(part)
        items.append((match[1], decimal.Decimal(match[2]) if match[2] is not None else None))
    return items


def validate_report_kpis(value: str) -> None:
    """Setting validator of ``quality.report_kpis``."""
    from marshmallow import ValidationError
    try:
        parse_report_kpis(value)
    except ValueError as exc:
        raise ValidationError(_gettext("“%(item)s” is not a KPI key with an optional target "
                                       "(after_sales.resolution_rate:95).", item=str(exc))) from None
