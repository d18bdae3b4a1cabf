"""The after-sales deadlines (core.deadlines); core counts, stores and
checks them, and reminds the engineer (the order's responsible employee),
the service centre's head (its department's head) and the customer's
售后服务责任人 (crm's responsible person, AS-28: 为每个客户指定售后服务责任人).

* **Response** 24 hours from receipt (AS-2, calendar hours by A1), a
  company setting; the company may give urgent orders and each channel a
  target of its own (A7: a 30-minute hotline is ``0.5 hours``), counted in
  that order, the first one set: urgent, channel, general. Met when the
  order is classified (``responded_at``).
* **Resolution** 2 days in-province, 4 out-of-province (AS-38, calendar
  days, D-15), from the customer's province against the company's, unless
  the company sets a target for urgent orders; the clock stands still
  while waiting for the customer.
* A service agreement in force for the customer (and project) on the day
  of receipt replaces both (AS-26, AS-78), else the order's category's own
  targets, else the settings.
* A cancelled order (a duplicate, a mistake) leaves both: its clocks stop
  as void, neither met nor late, and count in no rate.
* **Service report** 2 days after the engineer's return to the factory
  (AS-17, calendar days: T-AS-8).

"At risk" (the due-soon badge, filter and reminder): 4 hours before a
response is due, a day before a resolution or a report (A3: a deadline in
days warns from its last day).
"""
import datetime as dt

from core.deadlines import Deadline

from .models import CHANNELS
from .settings import channel_response_key

_RESPONSE = ("after_sales.response_urgent", *(channel_response_key(code) for code in CHANNELS),
             "after_sales.response")
_RESOLUTION = ("after_sales.resolution_urgent", "after_sales.resolution_in_province",
               "after_sales.resolution_out_of_province")
_ANSWERED = ("classified", "dispatched", "in_progress", "waiting", "resolved", "callback_done", "closed")


def _customer(order):
    from core import db
    from core.records import access
    if order.customer is not None:
        return order.customer
    if order.customer_id is None:
        return None
    return db.session.get(access.resolve("crm.customer").model, order.customer_id)


def _category(order):
    from core import db
    from .models import WorkOrderCategory
    if order.category is not None or order.category_id is None:
        return order.category
    return db.session.get(WorkOrderCategory, order.category_id)


def _agreement(order):
    from .targets import targets_for
    customer = _customer(order)
    if customer is None or order.received_at is None:
        return None
    return targets_for(customer, order.received_at.date(), order.project, order.owner_company)


def _promised(order, name: str):
    """The agreement's target, else the category's, else None (the setting)."""
    agreement = _agreement(order)
    rule = getattr(agreement, f"{name}_rule") if agreement is not None else None
    if rule is None:
        category = _category(order)
        rule = getattr(category, f"{name}_rule") if category is not None else None
    return rule


def _urgent(order, key: str) -> tuple[str, ...]:
    return (key,) if order.priority == "urgent" else ()


def _response_settings(order) -> tuple[str, ...]:
    """Urgent, then the order's channel, then the general target: the first set counts."""
    channel = (channel_response_key(order.channel),) if order.channel in CHANNELS else ()
    return (*_urgent(order, "after_sales.response_urgent"), *channel, "after_sales.response")


def _resolution_settings(order) -> tuple[str, ...]:
    customer = _customer(order)
    in_province = customer.in_province if customer is not None else None
    by_province = ("after_sales.resolution_out_of_province" if in_province is False
                   else "after_sales.resolution_in_province")
    return (*_urgent(order, "after_sales.resolution_urgent"), by_province)


def deadlines() -> list[Deadline]:
    from .models import SOLVED_STATES, ServiceReport, WorkOrder
    depends = ("customer", "customer_id", "category", "category_id", "priority", "channel", "project")
    return [
        Deadline("after_sales.workorder.response", WorkOrder, start="received_at", amount=_response_settings,
                 settings=_RESPONSE, override=lambda order: _promised(order, "response"),
                 due_field="response_due", done=_ANSWERED, met_field="responded_at", depends=depends,
                 void_states=("cancelled",), notify=("customer.responsible",),
                 remind_before=dt.timedelta(hours=4),
                 label_zh="工单响应", label_en="Work order response",
                 tile_zh="逾期未响应工单", tile_en="Orders not answered in time"),
        Deadline("after_sales.workorder.resolution", WorkOrder, start="received_at", amount=_resolution_settings,
                 settings=_RESOLUTION, override=lambda order: _promised(order, "resolution"),
                 due_field="resolution_due", done=SOLVED_STATES,
                 void_states=("cancelled",), notify=("customer.responsible",),
                 met_field="resolved_at", pause_states=("waiting",), depends=depends,
                 remind_before=dt.timedelta(days=1),
                 label_zh="工单解决", label_en="Work order resolution",
                 tile_zh="逾期未解决工单", tile_en="Overdue work orders"),
        Deadline("after_sales.report.due", ServiceReport, start="returned_at", amount="after_sales.report_due",
                 due_field="report_due", done=("submitted", "reviewed", "closed"), met_field="submitted_at",
                 notify=("engineer",), remind_before=dt.timedelta(days=1),
                 label_zh="售后服务报告提交", label_en="Service report hand-in",
                 tile_zh="逾期未交服务报告", tile_en="Service reports overdue"),
    ]
