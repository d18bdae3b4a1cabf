"""The warranty spare-part ledger 三包备件登记台账 (JL-7.5-02-2) is posted,
never typed: :func:`post_ledger` is the effect of a notice's "ship"
transition (core.workflow ``Transition(effect=...)``), so its lines are
saved with the transition in one transaction, or not at all.

A 三包 notice writes one ledger line per notice line (part, spec,
quantity, unit, the unit sold it is for), with the notice's customer,
service report and receiver, 登记日期 = the company's today and 发货日期 =
the notice's 发送日期 (else today). A paid (有偿) notice posts nothing: the
ledger lists warranty parts only. Posting twice writes nothing new (one
ledger line per notice line, also unique in the database)."""
from __future__ import annotations

from typing import Any

from core.calendar.timezone import local_today
from core.records import tenancy

__all__ = ["post_ledger"]


def post_ledger(notice: Any) -> list[Any]:
    """Post the ledger lines of a shipped 三包 ``notice``; the new lines
    (added to the session, saved by the caller's commit)."""
    from core import db
    from .models import LedgerLine
    if notice.charge != "sanbao":
        return []
    company = notice.owner_company
    today = local_today(company)
    posted = set()
    if notice.id is not None:
        posted = {line_id for (line_id,) in tenancy.scoped_query(LedgerLine, company)
                  .with_entities(LedgerLine.notice_line_id).filter(LedgerLine.notice_id == notice.id)}
    new = []
    for line in notice.lines:
        if line.id is not None and line.id in posted:
            continue
        new.append(LedgerLine(
            posted_on=today, notice=notice, notice_line=line, report_id=notice.report_id,
            customer_id=notice.customer_id, unit_sold_id=line.unit_sold_id, part_name=line.part_name,
            spec=line.spec, quantity=line.quantity, unit=line.unit,
            shipped_on=notice.ship_date or today, receiver=notice.receiver))
    db.session.add_all(new)
    return new
