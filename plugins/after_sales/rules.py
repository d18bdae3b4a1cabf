"""Checks a unit sold, a service agreement, a work order, a service report
and a 三包 decision must pass, whatever saves them (the screens'
``on_model_change`` and the import schemas): one sentence per refusal,
translated, naming its field."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext

from core import db
from core.calendar.timezone import local_today
from core.records import tenancy
from core.workflow import field_label


def date_order_error(sale: dt.date | None, delivery: dt.date | None,
                     installation: dt.date | None) -> tuple[str, str] | None:
    """``(field, message)`` when a unit's dates are out of order (delivered
    before it was sold, installed before it was delivered), else None."""
    if sale and delivery and delivery < sale:
        return "delivery_date", gettext("The delivery date cannot be before the sale date.")
    if installation and (delivery or sale) and installation < (delivery or sale):
        return "installation_date", gettext("The installation date cannot be before the delivery (or sale) date.")
    return None


def target_error(record) -> tuple[str, str] | None:
    """``(field, message)`` for the first response or resolution target of
    ``record`` (a service agreement or a work-order category: fields
    ``<name>_amount`` and ``<name>_unit``) that core cannot count: an amount
    without its unit or the other way round, nothing or less, a fraction of
    a day. None when both are empty (the next rule applies) or countable."""
    from core.deadlines import DeadlineRule
    for name in ("response", "resolution"):
        amount, unit = getattr(record, f"{name}_amount"), getattr(record, f"{name}_unit") or None
        if (amount is None) != (unit is None):
            return f"{name}_amount", gettext("Give both the amount and the unit of the target, or neither.")
        if amount is not None:
            try:
                DeadlineRule(int(amount) if amount == int(amount) else amount, unit)
                if amount <= 0:
                    raise ValueError("a target must be more than 0")
            except (TypeError, ValueError) as exc:
                return f"{name}_amount", gettext("This target cannot be counted: %(reason)s", reason=str(exc))
    return None


def agreement_error(agreement) -> tuple[str, str] | None:
    """``(field, message)`` for the first thing wrong with a service
    agreement (period, fee, targets, an overlapping agreement), else None."""
    if agreement.valid_from and agreement.valid_to and agreement.valid_to < agreement.valid_from:
        return "valid_to", gettext("The agreement cannot end before it starts.")
    if agreement.fee is not None and agreement.fee < 0:
        return "fee", gettext("The service fee cannot be negative.")
    problem = target_error(agreement)
    if problem:
        return problem
    from .targets import overlapping
    other = overlapping(agreement)
    if other is not None:
        return "valid_from", gettext(
            "%(customer)s already has agreement %(number)s for this project from %(start)s to %(end)s; "
            "agreements of one customer and project may not overlap.",
            customer=other.customer.name, number=other.number or "—", start=other.valid_from.isoformat(),
            end=other.valid_to.isoformat())
    return None


def work_order_error(order) -> tuple[str, str] | None:
    """``(field, message)`` when a work order's contact person or unit sold
    belongs to another customer than the order's, else None."""
    customer_id = order.customer.id if order.customer is not None else order.customer_id
    contact = order.contact
    if contact is not None and customer_id is not None and contact.customer_id != customer_id:
        return "contact", gettext("%(contact)s is a contact person of another customer.", contact=contact.name)
    unit = order.unit
    if unit is not None and customer_id is not None and unit.customer_id != customer_id:
        return "unit", gettext("The unit %(serial)s was sold to another customer.", serial=unit.serial)
    if not (order.subject or "").strip():
        return "subject", gettext("Give the order a subject: what the customer asks for.")
    return None


#: The report's times in the order they happen on a job.
_TIMES = ("departed_at", "arrived_at", "finished_at", "returned_at")


def report_error(report) -> tuple[str, str] | None:
    """``(field, message)`` when the job's times are out of order
    (arrived before departing, back before finishing...), else None."""
    seen = [(n, getattr(report, n)) for n in _TIMES if getattr(report, n) is not None]
    for (before, first), (after, second) in zip(seen, seen[1:]):
        if second < first:
            return after, gettext("%(later)s cannot be before %(earlier)s.", later=field_label(type(report), after),
                                  earlier=field_label(type(report), before))
    if report.paid_amount is not None and report.paid_amount < 0:
        return "paid_amount", gettext("The paid amount cannot be negative.")
    return None


def decision_error(decision) -> tuple[str, str] | None:
    """``(field, message)`` for a decision that cannot be saved: a second
    decision of the same work order, another unit than the one the order
    is about, a fault in the future, an "override" that is the computed
    outcome; else None."""
    from .models import WarrantyDecision
    from .warranty import decide_for_unit
    order, unit = decision.work_order, decision.unit
    if decision.fault_date is not None and decision.fault_date > local_today(decision.owner_company):
        return "fault_date", gettext("The fault date cannot be in the future.")
    if decision.override_outcome and unit is not None and decision.fault_date and decision.cause:
        computed = decide_for_unit(unit, decision.fault_date, decision.cause, decision.owner_company).outcome
        if decision.override_outcome == computed:
            return "override_outcome", gettext("The override is the computed outcome already: leave it empty, "
                                               "or choose the other outcome.")
    if order is not None:
        with db.session.no_autoflush:
            other = (tenancy.scoped_query(WarrantyDecision)
                     .filter(WarrantyDecision.work_order_id == order.id,
                             WarrantyDecision.id != (decision.id or 0)).first())
        if other is not None:
            return "work_order", gettext("Work order %(order)s already has its 三包 decision: open that one.",
                                         order=order.number or order.subject)
        # The order names the unit it is about (its customer's): the decision is for that one.
        if order.unit is not None and unit is not None and unit.id != order.unit.id:
            return "unit", gettext("Work order %(order)s is about unit %(unit)s: decide for that unit, or correct "
                                   "the work order first.", order=order.number or order.subject, unit=str(order.unit))
    return None
