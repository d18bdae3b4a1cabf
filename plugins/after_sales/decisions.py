"""The stored 三包 decision (AS-14, AS-16, D-11): computed from its inputs,
whatever saves it (the screen, an import, code), before every flush.

While the decision is open or an override waits for its sign-off, a change
of the unit, the fault date or the cause (or a reopening, or an override
sent back) computes the outcome and both sentences again and re-stamps
``decided_at``; asking to override leaves them as they were. So does a
correction of what the period rests on: the unit's sale, delivery or
installation date or its product, the product's own period or start basis.
Confirming counts once more (the company's ``after_sales.warranty_months``
may have changed since), so what is locked is the rules' answer of the day
it was confirmed. Confirmed or overridden it is locked by its workflow
(core), so the outcome a notice or a report relied on does not move under it."""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core.models import utcnow

from .models import Product, UnitSold, WarrantyDecision
from .warranty import decide_for_unit

_INPUTS = ("unit", "unit_id", "fault_date", "cause")
_COMPUTING = ("open", "override_requested")
#: What a warranty period rests on (warranty.terms_of), on the unit and the product.
_UNIT_TERMS = ("sale_date", "delivery_date", "installation_date", "product", "product_id")
_PRODUCT_TERMS = ("warranty_months", "warranty_basis")


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


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[n].history.has_changes() for n in names)


def _resting_on(session: Session, units: set[int], products: set[int]) -> list[WarrantyDecision]:
    """The open decisions of the units ``units`` or of units of ``products``."""
    if not units and not products:
        return []
    query = session.query(WarrantyDecision).filter(WarrantyDecision.state.in_(_COMPUTING))
    unit_ids = set(units)
    if products:
        unit_ids |= {i for (i,) in session.query(UnitSold.id).filter(UnitSold.product_id.in_(products))}
    return query.filter(WarrantyDecision.unit_id.in_(unit_ids)).all() if unit_ids else []


@event.listens_for(Session, "before_flush")
def _decide(session: Session, flush_context: Any, instances: Any) -> None:
    units = {o.id for o in session.dirty if isinstance(o, UnitSold) and _changed(o, _UNIT_TERMS)}
    products = {o.id for o in session.dirty if isinstance(o, Product) and _changed(o, _PRODUCT_TERMS)}
    with session.no_autoflush:
        stale = set(_resting_on(session, units, products))
    for obj in [*session.new, *session.dirty, *stale]:
        if not isinstance(obj, WarrantyDecision):
            continue
        attrs = inspect(obj).attrs
        state_changed = attrs["state"].history.has_changes()
        if (obj.state or "open") not in _COMPUTING:
            # Confirmed now: counted once more first (a setting may have moved since).
            before = attrs["state"].history.deleted
            if state_changed and obj.state == "confirmed" and before and before[0] in _COMPUTING:
                compute(obj, session)
            continue
        # Reopened ("decide again"): counted afresh, the period may have changed since.
        reopened = state_changed and obj.state == "open"
        if (obj in session.new or obj.outcome is None or reopened or obj in stale
                or any(attrs[n].history.has_changes() for n in _INPUTS)):
            compute(obj, session)
