""""Create complaint" (建立质量信息反馈单) on a work order of a complaint
category (投诉) and on a service report whose 责任判定 is 产品质量 (the work
order's 三包 decision: cause ``product``): a complaint prefilled from the
order (customer, contact, what the user reported, the unit's product), its
首问负责人 the user's employee. Core checks ``quality.complaint.create``,
runs it in one transaction and links the order or report to the complaint
(core.links): both pages list the other under "Linked records".

One complaint per case (issue 12: "create **or link**"): a record linked
to a complaint already offers nothing more, and a report whose work order
has its complaint offers "Link complaint <number>" (the report joins that
complaint) instead of a second complaint about the same fault."""
from __future__ import annotations

from typing import Any

FROM_ORDER = "quality.complaint_from_order"
FROM_REPORT = "quality.complaint_from_report"
LINK_REPORT = "quality.complaint_link_report"


def complaint_values(order: Any, user: Any) -> dict[str, Any]:
    """What a complaint raised from ``order`` starts with."""
    from core.org import employee_of
    values: dict[str, Any] = {"customer": order.customer, "source": "phone", "category": "product",
                              "description": order.description or order.subject,
                              "received_by": employee_of(user)}
    if order.contact is not None:
        values["complainant"] = order.contact.name
        values["contact"] = order.contact.phone or order.contact.email
    if order.unit is not None:
        product = order.unit.product
        values["product"] = product.name if product is not None else None
        values["spec"] = product.model if product is not None else None
    if order.project:
        values["item"] = order.project
    return values


def is_complaint_order(order: Any) -> bool:
    """A work order of a 投诉 category (the category's ``is_complaint``)."""
    return order.category is not None and bool(order.category.is_complaint) and order.state != "cancelled"


def product_fault(report: Any) -> bool:
    """A service report whose work order's 三包 decision says 产品质量."""
    from plugins.after_sales.decisions import decision_of
    decision = decision_of(report.work_order_id)
    return decision is not None and decision.cause == "product"


def _from_order(order: Any, user: Any) -> Any:
    from core.calendar.timezone import local_now
    values = complaint_values(order, user)
    values["received_at"] = order.received_at or local_now()
    return _create(values)


def _from_report(report: Any, user: Any) -> Any:
    from core.calendar.timezone import local_now
    values = complaint_values(report.work_order, user)
    values["received_at"] = local_now()
    values["description"] = report.verified_fault or report.symptom or values["description"]
    values["source"] = "sales_report"
    return _create(values)


def _create(values: dict[str, Any]) -> Any:
    from core.records import access

    from types import SimpleNamespace

    from .complaint_rules import suggested_severity
    values = {k: v for k, v in values.items() if v is not None}
    values["severity"] = suggested_severity(SimpleNamespace(source=values["source"], compensation_amount=None))
    return access.create("quality.complaint", values)


def _complaints(record: Any) -> list:
    from core.links import linked_records
    return linked_records(record, "quality.complaint")


def _joining(complaint: Any):
    """An action's run that links the report to ``complaint`` (core links
    what run returns) instead of making another."""
    def run(report: Any, user: Any) -> Any:
        return complaint
    return run


def actions(company: Any, record: Any, user: Any) -> list:
    from core.links import RecordAction
    from core.records import access
    if isinstance(record, access.resolve("after_sales.workorder").model) and is_complaint_order(record):
        if _complaints(record):
            return []
        return [RecordAction(FROM_ORDER, "建立质量信息反馈单", "Create complaint",
                             permission="quality.complaint.create", run=_from_order)]
    if isinstance(record, access.resolve("after_sales.report").model) and product_fault(record):
        if _complaints(record):
            return []
        of_order = _complaints(record.work_order) if record.work_order is not None else []
        if of_order:
            complaint = of_order[0]
            return [RecordAction(LINK_REPORT, f"关联质量信息反馈单 {complaint.number}",
                                 f"Link complaint {complaint.number}", permission="quality.complaint.write",
                                 run=_joining(complaint), joins=True)]
        return [RecordAction(FROM_REPORT, "建立质量信息反馈单", "Create complaint",
                             permission="quality.complaint.create", run=_from_report)]
    return []
