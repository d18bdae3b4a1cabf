"""Buttons on a work order's page (hook ``record_actions``, core.links):
"填写售后服务报告单" makes a draft service report of the order (its engineer
and the fault the user reported preset) and opens it; "三包判定" opens the
order's 三包 decision, or makes it first (the order's unit preset). Core
checks the permissions, runs them in one transaction and links the order
to what they made; the service report screen reads the helpers here too.

Everything is read and made through core's access layer, so another
company's order, or a decision the user may not read, is simply not there."""
from __future__ import annotations

from typing import Any

from core.errors import DomainError, Invalid
from core.i18n import translate as _gettext

from .decisions import decision_of

REPORT_ACTION = "after_sales.write_report"
DECISION_ACTION = "after_sales.decide_warranty"


def order_from_args(raw_id: Any):
    """The work order ``raw_id`` names (a query argument), if the user may
    read it in this company; else None (nothing preset)."""
    from core.records import access
    if not raw_id:
        return None
    try:
        return access.get("after_sales.workorder", raw_id)
    except (DomainError, Invalid):
        return None


def report_defaults(raw_id: Any) -> dict[str, Any]:
    """What a new report of the order ``raw_id`` starts with: its engineer
    (the order's responsible employee) and the fault the user reported."""
    order = order_from_args(raw_id)
    if order is None:
        return {}
    return {"work_order": order, "engineer": order.responsible,
            "symptom": order.description or order.subject}


def _write_report(order, user):
    """A draft 售后服务报告单 of ``order`` (core numbers it and links it)."""
    from core.records import access
    values = report_defaults(order.id)
    if not values:  # the order was read by core already: this is a race with its deletion
        raise Invalid(_gettext("This work order cannot be read."))
    return access.create("after_sales.report", values)


def _decide(order, user):
    """The order's 三包 decision: the one it has, or a new one from its unit
    sold, the day it was received and a cause still unclear (the clerk
    corrects them; core computes the outcome)."""
    from core.records import access
    existing = decision_of(order.id, readable=True)
    if existing is not None:
        return existing
    if order.unit is None:
        raise Invalid(_gettext("Record the unit sold on the work order first: the 三包 decision counts from "
                               "its sale date."))
    from core.calendar.timezone import local_today
    fault = order.received_at.date() if order.received_at else local_today()
    return access.create("after_sales.decision", {"work_order": order, "unit": order.unit, "fault_date": fault,
                                                  "cause": "unclear"})


def actions(company, record, user) -> list:
    from core.links import RecordAction
    from .models import WorkOrder
    if not isinstance(record, WorkOrder) or record.state == "cancelled":
        return []
    return [
        RecordAction(REPORT_ACTION, "填写售后服务报告单", "Write the service report",
                     permission="after_sales.report.create", run=_write_report),
        RecordAction(DECISION_ACTION, "三包判定", "三包 decision",
                     permission="after_sales.decision.create", run=_decide),
    ]
