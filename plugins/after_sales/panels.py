"""The after-sales panel on the CRM customer page (hook ``details_panels``):
the customer's units sold, each with its 三包 last day and whether it is
still under warranty today (company-local date). Core calls the hook only
where after_sales is enabled, and hides the panel from users without
after_sales.unit.read."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from core.calendar.timezone import local_today
from core.links import Cell, Panel, record_url
from core.records import access
from core.records.tenancy import scoped_query

from .models import UnitSold

#: Most units the panel lists, newest sale first (the list screen has them all).
LIMIT = 50


def panels(company: Any, record: Any, user: Any) -> list[Panel]:
    if not isinstance(record, access.resolve("crm.customer").model):  # crm's entity, through core
        return []
    units = (scoped_query(UnitSold, company)
             .options(joinedload(UnitSold.product))
             .filter(UnitSold.customer_id == record.id, UnitSold.archived_at.is_(None))
             .order_by(UnitSold.sale_date.desc(), UnitSold.id.desc()).limit(LIMIT).all())
    today = local_today(company)
    rows = []
    for unit in units:
        terms = unit.terms(company)
        state = ("在保", "In warranty") if terms.covers(today) else ("已过三包期", "Expired")
        rows.append((Cell(str(unit), record_url(unit)), unit.product.name, str(unit.quantity),
                     unit.sale_date.isoformat(), terms.last_day.isoformat(), state))
    return [Panel(title=("销售台账（三包）", "Units sold (warranty)"), permission="after_sales.unit.read",
                  columns=(("型号 / 出厂编号", "Model / serial"), ("产品", "Product"), ("数量", "Qty"),
                           ("销售日期", "Sold"), ("三包期至", "Warranty until"), ("状态", "Status")),
                  table=rows, empty=("没有销售记录", "No units sold"))]
