"""The stored 三包 decision (AS-14, AS-16, D-11): computed from its inputs,
whatever saves it (the screen, an import, code), before every flush.

While the decision is open or an override waits for its sign-off, a change
of the unit, the fault date or the cause (or a reopening, or an override
sent back) computes the outcome and both sentences again and re-stamps
``decided_at``; asking to override leaves them as they were. Confirmed or
overridden it is locked by its workflow (core), so the outcome a notice or
a report relied on does not move under it."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core.models import utcnow

from .models import UnitSold, WarrantyDecision
from .warranty import decide_for_unit

_INPUTS = ("unit", "unit_id", "fault_date", "cause")
_COMPUTING = ("open", "override_requested")


def decision_of(work_order_id: int | None, readable: bool = False) -> WarrantyDecision | None:
    """The 三包 decision of the work order ``work_order_id`` (one per
    order) in the current company, or None. ``readable``: only when the
    user may read decisions (core.records.access: module gate, permission),
    for what a page shows; without it, for the rules (a notice's 三包/有偿)."""
    if work_order_id is None:
        return None
    from core.errors import DomainError
    from core.records import access
    from core.records.tenancy import scoped_query
    try:
        query = access.query("after_sales.decision") if readable else scoped_query(WarrantyDecision)
    except DomainError:
        return None
    return query.filter(WarrantyDecision.work_order_id == work_order_id).first()


def compute(decision: WarrantyDecision, session: Session | None = None) -> None:
    """Fill ``decision``'s outcome, sentences, inputs and ``decided_at`` from its inputs."""
    unit = decision.unit
    if unit is None and decision.unit_id is not None and session is not None:
        with session.no_autoflush:
            unit = session.get(UnitSold, decision.unit_id)
    if unit is None or decision.fault_date is None or decision.cause is None:
        return
    made = decide_for_unit(unit, decision.fault_date, decision.cause, decision.owner_company)
    decision.outcome, decision.reason_zh, decision.reason_en = made.outcome, made.reason_zh, made.reason_en
    decision.inputs = made.as_dict()
    decision.decided_at = utcnow()


@event.listens_for(Session, "before_flush")
def _decide(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, WarrantyDecision) or (obj.state or "open") not in _COMPUTING:
            continue
        attrs = inspect(obj).attrs
        # Reopened ("decide again"): counted afresh, the period may have changed since.
        reopened = attrs["state"].history.has_changes() and obj.state == "open"
        if (obj in session.new or obj.outcome is None or reopened
                or any(attrs[n].history.has_changes() for n in _INPUTS)):
            compute(obj, session)
