"""Checks a unit sold and a service agreement must pass, whatever saves them
(the screens' ``on_model_change`` and the import schemas): one sentence per
refusal, translated, naming its field."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext


def date_order_error(sale: dt.date | None, delivery: dt.date | None,
                     installation: dt.date | None) -> tuple[str, str] | None:
    """``(field, message)`` when a unit's dates are out of order (delivered
    before it was sold, installed before it was delivered), else None."""
    if sale and delivery and delivery < sale:
        return "delivery_date", gettext("The delivery date cannot be before the sale date.")
    if installation and (delivery or sale) and installation < (delivery or sale):
        return "installation_date", gettext("The installation date cannot be before the delivery (or sale) date.")
    return None


def agreement_error(agreement) -> tuple[str, str] | None:
    """``(field, message)`` for the first thing wrong with a service
    agreement (period, fee, targets, an overlapping agreement), else None."""
    from core.deadlines import DeadlineRule
    if agreement.valid_from and agreement.valid_to and agreement.valid_to < agreement.valid_from:
        return "valid_to", gettext("The agreement cannot end before it starts.")
    if agreement.fee is not None and agreement.fee < 0:
        return "fee", gettext("The service fee cannot be negative.")
    for name in ("response", "resolution"):
        amount, unit = getattr(agreement, f"{name}_amount"), getattr(agreement, f"{name}_unit") or None
        if (amount is None) != (unit is None):
            return f"{name}_amount", gettext("Give both the amount and the unit of the target, or neither.")
        if amount is not None:
            try:
                DeadlineRule(int(amount) if amount == int(amount) else amount, unit)
                if amount <= 0:
                    raise ValueError("a target must be more than 0")
            except (TypeError, ValueError) as exc:
                return f"{name}_amount", gettext("This target cannot be counted: %(reason)s", reason=str(exc))
    from .targets import overlapping
    other = overlapping(agreement)
    if other is not None:
        return "valid_from", gettext(
            "%(customer)s already has agreement %(number)s for this project from %(start)s to %(end)s; "
            "agreements of one customer and project may not overlap.",
            customer=other.customer.name, number=other.number or "—", start=other.valid_from.isoformat(),
            end=other.valid_to.isoformat())
    return None
