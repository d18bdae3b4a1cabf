"""The spare-part notice 备件补发通知单 (JL-7.5-02-1, one sheet per
shipment) and the warranty spare-part ledger 三包备件登记台账 (JL-7.5-02-2)
over a period (landscape, totals per part at the foot).

The notice prints the fields of after_sales.md §1.3 and its sign-off
boxes: 供销部经办人 (who wrote it up), 管理者代表 (filled by core from the
sign-off, box ``approved``), 生产部备货人/发货人 (the shipping date once
shipped) and the customer's receipt. The ledger reads only through the
report request (``request.query``: the module gate, the read permission
and the company scope; ``request.period.contains`` on the company-local
登记日期; ``request.rows``: the print cap)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from core import Printable
from core.printing import PeriodParam, RecordParam, Report, ReportRequest


def printables() -> list[Printable]:
    from ..models import PartNotice
    return [
        Printable("after_sales.part_notice", title_zh="备件补发通知单", title_en="Spare-part replacement notice",
                  model=PartNotice, template="print/part_notice.html",
                  filename="part-notice-{record.number}.pdf", form_code="JL-7.5-02-1", edition="A/0"),
    ]


def reports() -> list[Report]:
    return [
        Report("after_sales.warranty_ledger", "三包备件登记台账", "Warranty spare-part ledger",
               template="print/warranty_ledger.html", collect=warranty_ledger,
               permission="after_sales.ledger.read", orientation="landscape", entity="after_sales.ledger",
               parameters=(PeriodParam(), RecordParam("customer", "顾客", "Customer", entity="crm.customer")),
               filename="warranty-ledger-{period}.pdf", form_code="JL-7.5-02-2", edition="A/0",
               description_zh="某一期间登记的三包备件（每发出一件一行），按备件汇总数量。",
               description_en="The warranty parts posted in a period (one line per part shipped), "
                              "with the total quantity per part."),
    ]


def warranty_ledger(request: ReportRequest) -> dict[str, Any]:
    """The ledger lines posted in the period (登记日期, company-local),
    oldest first, and the total quantity per part (name, spec, unit)."""
    from ..models import LedgerLine
    query = request.query(LedgerLine).filter(request.period.contains(LedgerLine.posted_on))
    if request.values.get("customer") is not None:
        query = query.filter(LedgerLine.customer_id == request.values["customer"].id)
    rows = request.rows(query.order_by(LedgerLine.posted_on, LedgerLine.id))
    totals: dict[tuple[str, str, str], Decimal] = {}
    for line in rows:
        key = (line.part_name, line.spec or "", line.unit or "")
        totals[key] = totals.get(key, Decimal(0)) + line.quantity
    return dict(lines=rows, totals=sorted(totals.items()), total_quantity=sum(totals.values(), Decimal(0)),
                handlers=_handlers(rows))


def _handlers(rows: list[Any]) -> dict[int, str]:
    """``{notice id: name}`` of the 供销部 clerk who wrote each notice (经办人)."""
    from core import db
    from core.models import User
    ids = {line.notice.created_by_id for line in rows if line.notice is not None and line.notice.created_by_id}
    users = {u.id: u for u in db.session.query(User).filter(User.id.in_(ids))} if ids else {}
    return {line.notice_id: str(users[line.notice.created_by_id]) for line in rows
            if line.notice is not None and line.notice.created_by_id in users}
