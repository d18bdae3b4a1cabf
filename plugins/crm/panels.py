"""The CRM's panels on its own customer page (hook ``details_panels``): the
customer's contact-log entries still open or awaiting closure, each with its
state and reply deadline, and the customer's visits to the company
(顾客来访接待) still to come or recently received, each linked to its page."""
from __future__ import annotations

from typing import Any

from core.links import Cell, Panel, record_url
from core.records.tenancy import scoped_query

from .models import ContactLog, Customer, VisitReception
from .models.customers import STATES
from .models.receptions import RECEPTION_STATES

#: Most entries a panel lists (the list screens have them all).
LIMIT = 20


def panels(company: Any, record: Any, user: Any) -> list[Panel]:
    if not isinstance(record, Customer):
        return []
    return [_open_logs(company, record), _receptions(company, record)]


def _open_logs(company: Any, customer: Customer) -> Panel:
    entries = (scoped_query(ContactLog, company)
               .filter(ContactLog.customer_id == customer.id, ContactLog.state != "closed",
                       ContactLog.archived_at.is_(None))
               .order_by(ContactLog.occurred_at.desc(), ContactLog.id.desc()).limit(LIMIT).all())
    return Panel(title=("未关闭的来电来函", "Open contact-log entries"), permission="crm.contactlog.read",
                 columns=(("登记", "Entry"), ("状态", "State"), ("答复期限", "Reply due")),
                 table=[(Cell(str(e), record_url(e)), STATES[e.state],
                         e.reply_due.strftime("%Y-%m-%d %H:%M") if e.reply_due else "")
                        for e in entries],
                 empty=("没有未关闭的登记", "No open entries"))


def _receptions(company: Any, customer: Customer) -> Panel:
    # Cancelled and refused visits stay on the reception list, not here.
    visits = (scoped_query(VisitReception, company)
              .filter(VisitReception.customer_id == customer.id, VisitReception.archived_at.is_(None),
                      VisitReception.state.in_(("requested", "approved", "received")))
              .order_by(VisitReception.planned_at.desc(), VisitReception.id.desc()).limit(LIMIT).all())
    return Panel(title=("顾客来访接待", "Customer visit receptions"), permission="crm.visitreception.read",
                 columns=(("接待编号", "Reception No."), ("来访时间", "Visit at"), ("来访目的", "Purpose"),
                          ("状态", "State")),
                 table=[(Cell(v.number or "—", record_url(v)), v.planned_at.strftime("%Y-%m-%d %H:%M"),
                         v.purpose, RECEPTION_STATES[v.state]) for v in visits],
                 empty=("没有来访接待记录", "No visits"))
