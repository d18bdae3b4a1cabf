"""The CRM's panel on its own customer page (hook ``details_panels``): the
customer's contact-log entries still open or awaiting closure, each with its
state and reply deadline, linked to the entry's page."""
from __future__ import annotations

from typing import Any

from core.links import Cell, Panel, record_url
from core.records.tenancy import scoped_query

from .models import ContactLog, Customer
from .models.customers import STATES

#: Most entries the panel lists (the list screen has them all).
LIMIT = 20


def panels(company: Any, record: Any, user: Any) -> list[Panel]:
    if not isinstance(record, Customer):
        return []
    entries = (scoped_query(ContactLog, company)
               .filter(ContactLog.customer_id == record.id, ContactLog.state != "closed",
                       ContactLog.archived_at.is_(None))
               .order_by(ContactLog.occurred_at.desc(), ContactLog.id.desc()).limit(LIMIT).all())
    return [Panel(title=("未关闭的来电来函", "Open contact-log entries"), permission="crm.contactlog.read",
                  columns=(("登记", "Entry"), ("状态", "State"), ("答复期限", "Reply due")),
                  table=[(Cell(str(e), record_url(e)), STATES[e.state],
                          e.reply_due.strftime("%Y-%m-%d %H:%M") if e.reply_due else "")
                         for e in entries],
                  empty=("没有未关闭的登记", "No open entries"))]
