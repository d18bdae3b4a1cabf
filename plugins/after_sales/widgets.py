"""Home-page widgets of the after-sales module: the open work orders (the
company's, and the user's service centre's), the on-time response trend
over the last six months, the warranty parts shipped this month.

Core adds the overdue tiles by itself, one per deadline
(plugins/after_sales/deadlines.py: 逾期未响应工单, 逾期未解决工单, 逾期未交服务
报告), linking to the overdue lists: not repeated here. Core also calls
this only for companies with the module enabled and shows each widget only
to users holding its ``permission``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func

from core.calendar.periods import parse_period, recent_labels
from core.calendar.timezone import local_today
from core.dashboard import Chart, Tile
from core.links import list_url
from core.records import tenancy

#: How many months the response trend shows.
TREND_MONTHS = 6


def open_orders(company, where=None) -> int:
    """How many of ``company``'s work orders are open (not solved, not
    cancelled, not archived)."""
    from .models import OPEN_STATES
    from .models import WorkOrder
    query = tenancy.scoped_query(WorkOrder, company).filter(WorkOrder.archived_at.is_(None),
                                                             WorkOrder.state.in_(OPEN_STATES))
    if where is not None:
        query = query.filter(where)
    return query.with_entities(func.count(WorkOrder.id)).scalar()


def parts_shipped(company, start: dt.date, end: dt.date):
    """The quantity of warranty parts shipped from ``start`` to ``end``
    (the ledger's ship date, else its posting day), one sum."""
    from .models import LedgerLine
    day = func.coalesce(LedgerLine.shipped_on, LedgerLine.posted_on)
    return tenancy.scoped_query(LedgerLine, company).filter(
        LedgerLine.archived_at.is_(None), day >= start, day <= end).with_entities(
        func.coalesce(func.sum(LedgerLine.quantity), 0)).scalar()


def response_trend(company, today: dt.date, months: int = TREND_MONTHS) -> list[tuple[str, object]]:
    """``[(month label, on-time %), ...]``, oldest first, of the response
    deadline (core.deadlines.on_time_rate; None for a month with nothing due)."""
    from core.deadlines import on_time_rate
    labels = list(reversed(recent_labels(today, months=months, quarters=0, years=0)))
    return [(label, on_time_rate("after_sales.workorder.response", company, *parse_period(label)))
            for label in labels]


def _number(value):
    # 5.00 parts are "5"; 2.5 metres of cable stay 2.5.
    return int(value) if value == int(value) else value


def widgets(company, user) -> list:
    from core.org import employee_of, my_department_clause

    from .models import LedgerLine, WorkOrder
    today = local_today(company)
    orders_url = list_url(WorkOrder)
    tiles = [Tile(label=("未结工单", "Open work orders"), value=open_orders(company), unit=("条", "orders"),
                  link=orders_url, permission="after_sales.workorder.read")]
    if employee_of(user, company) is not None:  # an engineer or a service centre's clerk
        tiles.append(Tile(label=("本部门及本人未结工单", "Open orders of my department and mine"),
                          value=open_orders(company, my_department_clause(WorkOrder, user)),
                          unit=("条", "orders"), link=f"{orders_url}?mine=department" if orders_url else None,
                          permission="after_sales.workorder.read"))
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    shipped = parts_shipped(company, first, today)
    earlier = parts_shipped(company, last_month_end.replace(day=1), last_month_end)
    # More warranty parts shipped means more faults: a rise is bad news.
    tiles.append(Tile(label=("本月三包备件发货", "Warranty parts shipped this month"), value=_number(shipped),
                      unit=("件", "parts"), trend=_number(shipped - earlier), trend_good="down",
                      period=("较上月", "vs. last month"), link=list_url(LedgerLine),
                      permission="after_sales.ledger.read"))
    trend = response_trend(company, today)
    chart = Chart(title=("工单响应及时率（近6个月，%）", "Work orders answered on time, last 6 months (%)"),
                  kind="line", labels=[label for label, _ in trend],
                  series=[{"name": ("响应及时率", "On time"), "data": [rate for _, rate in trend]}],
                  permission="after_sales.workorder.read")
    return [*tiles, chart]
