"""The after-sales panels (hook ``details_panels``). Core calls the hook
only where after_sales is enabled and hides each panel from users without
its permission.

* On the CRM customer page: the customer's units sold, each with its 三包
  last day and whether it is still under warranty today (company-local
  date), and the customer's latest work orders.
* On a work order's page: what hangs on it: its service reports, its 三包
  decision (outcome and sentence) and its spare-part notices."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from core.calendar.timezone import local_today
from core.links import Cell, Panel, record_url
from core.records import access
from core.records.tenancy import scoped_query

from .decisions import decision_of
from .models import PartNotice, ServiceReport, UnitSold, WorkOrder

#: Most units the panel lists, newest sale first (the list screen has them all).
LIMIT = 50


def panels(company: Any, record: Any, user: Any) -> list[Panel]:
    if isinstance(record, WorkOrder):
        return work_order_panels(company, record)
    if not isinstance(record, access.resolve("crm.customer").model):  # crm's entity, through core
        return []
    return [units_panel(company, record), orders_panel(company, record)]


def orders_panel(company: Any, customer: Any) -> Panel:
    """The customer's latest work orders, newest first."""
    orders = (scoped_query(WorkOrder, company)
              .filter(WorkOrder.customer_id == customer.id, WorkOrder.archived_at.is_(None))
              .order_by(WorkOrder.received_at.desc(), WorkOrder.id.desc()).limit(LIMIT).all())
    rows = [(Cell(order.number or "—", record_url(order)),
             order.received_at.strftime("%Y-%m-%d %H:%M") if order.received_at else "", order.subject,
             _pair(order, "state")) for order in orders]
    return Panel(title=("工单", "Work orders"), permission="after_sales.workorder.read",
                 columns=(("工单号", "Order No."), ("接收时间", "Received"), ("事由", "Subject"), ("状态", "State")),
                 table=rows, empty=("没有工单", "No work orders"))


def _pair(record: Any, field: str) -> tuple[str, str]:
    """A coded value's (zh, en) labels, for a panel cell in either language."""
    return record.label(field, "zh"), record.label(field, "en")


def work_order_panels(company: Any, order: WorkOrder) -> list[Panel]:
    reports = (scoped_query(ServiceReport, company).filter(ServiceReport.work_order_id == order.id)
               .order_by(ServiceReport.id).all())
    decision = decision_of(order.id)
    notices = (scoped_query(PartNotice, company).filter(PartNotice.work_order_id == order.id)
               .order_by(PartNotice.id).all())
    report_rows = [(Cell(r.number or "—", record_url(r)),
                    r.returned_at.strftime("%Y-%m-%d") if r.returned_at else "",
                    r.submitted_at.strftime("%Y-%m-%d %H:%M") if r.submitted_at else "", _pair(r, "state"))
                   for r in reports]
    decision_rows = []
    if decision is not None:
        outcome = decision.effective_outcome
        decision_rows = [(Cell(_pair(decision, "state"), record_url(decision)),
                          ((decision.label("outcome", "zh") if outcome == decision.outcome else
                            decision.label("override_outcome", "zh")) if outcome else "",
                           (decision.label("outcome", "en") if outcome == decision.outcome else
                            decision.label("override_outcome", "en")) if outcome else ""),
                          (decision.reason("zh"), decision.reason("en")))]
    notice_rows = [(Cell(n.number or "—", record_url(n)), _pair(n, "charge"), n.receiver, _pair(n, "state"))
                   for n in notices]
    return [
        Panel(title=("售后服务报告单", "Service reports"), permission="after_sales.report.read",
              columns=(("报告单号", "Report No."), ("返厂日期", "Back at the factory"), ("提交时间", "Handed in"),
                       ("状态", "State")), table=report_rows, empty=("尚无服务报告", "No service report yet")),
        Panel(title=("三包判定", "三包 decision"), permission="after_sales.decision.read",
              columns=(("状态", "State"), ("判定", "Outcome"), ("依据", "Grounds")), table=decision_rows,
              empty=("尚未判定", "Not decided yet")),
        Panel(title=("备件补发通知单", "Spare-part notices"), permission="after_sales.notice.read",
              columns=(("通知单号", "Notice No."), ("三包/有偿", "Charge"), ("接收人", "Receiver"), ("状态", "State")),
              table=notice_rows, empty=("没有备件补发", "No spare parts sent")),
    ]


def units_panel(company: Any, record: Any) -> Panel:
    """The customer's units sold with their 三包 last day."""
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
    return Panel(title=("销售台账（三包）", "Units sold (warranty)"), permission="after_sales.unit.read",
                 columns=(("型号 / 出厂编号", "Model / serial"), ("产品", "Product"), ("数量", "Qty"),
                          ("销售日期", "Sold"), ("三包期至", "Warranty until"), ("状态", "Status")),
                 table=rows, empty=("没有销售记录", "No units sold"))
