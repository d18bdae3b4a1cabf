"""The SQL behind the after-sales KPIs (plugins/after_sales/kpis.py): one
aggregate query over the work orders **received** in the period (the
company-local days ``start``..``end`` of ``received_at``), cancelled and
archived orders left out, for the company, a service centre (the order's
department, with the centres under it) or an engineer (its responsible
employee): ``core.org.subject_clause``. No row reaches Python."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func

from core.calendar import hours_between
from core.calendar.periods import Period
from core.kpis import count_if
from core.org import of_subject
from core.records import tenancy

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderFigures:
    """What the KPIs are made of, for one company (or subject) and period."""

    received: int
    solved: int
    solved_first_time: int
    closed: int
    #: Mean hours received → resolved over the solved orders (None: none solved).
    handling_hours: float | None
    #: Mean hours received → first response over the answered orders.
    response_hours: float | None


def received_in(company: Any, start: dt.date, end: dt.date, subject: Any = None) -> Any:
    """The company's orders a KPI counts (see the module), as a query."""
    from .models import WorkOrder
    query = tenancy.scoped_query(WorkOrder, company).filter(
        WorkOrder.archived_at.is_(None), WorkOrder.state != "cancelled",
        Period(start, end).contains(WorkOrder.received_at, company))
    return of_subject(query, WorkOrder, subject)


def order_figures(company: Any, start: dt.date, end: dt.date, subject: Any = None) -> OrderFigures:
    """The counts and means of :class:`OrderFigures` in one query."""
    from .models import SOLVED_STATES, WorkOrder
    w = WorkOrder
    solved = w.state.in_(SOLVED_STATES)
    row = received_in(company, start, end, subject).with_entities(
        func.count(),
        count_if(solved),
        count_if(solved & w.reopened_at.is_(None)),
        count_if(w.state == "closed"),
        func.avg(case((solved, hours_between(w.received_at, w.resolved_at)))),
        func.avg(hours_between(w.received_at, w.responded_at)),
    ).one()
    return OrderFigures(int(row[0]), int(row[1]), int(row[2]), int(row[3]),
                        None if row[4] is None else float(row[4]), None if row[5] is None else float(row[5]))


def hours(value: float | None) -> Decimal | None:
    """A mean in hours as a Decimal of 2 places (a float's noise rounded off)."""
    return None if value is None else Decimal(repr(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
