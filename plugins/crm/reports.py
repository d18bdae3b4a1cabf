"""Period reports: 来电来函来访登记表 over a period (JL-8.2-01-2), with the
统计、汇总 the procedure asks of the quality department (seed 002 5.2.1:
"对复函单进行统计、汇总、分析"): how many calls, letters and visits per
channel, how many answered, still open, and past their reply deadline
(answered late, or still open after it)."""
from __future__ import annotations

from typing import Any

from core.deadlines import record_badges
from core.printing import ChoiceParam, PeriodParam, RecordParam, Report, ReportRequest


def reports() -> list[Report]:
    from .models.customers import CHANNELS
    return [
        Report("crm.contact_log_period", "来电来函来访登记表", "Register of calls, letters and visits",
               template="print/contact_log_period.html", collect=contact_log_period,
               permission="crm.contactlog.read", orientation="landscape", entity="crm.contactlog",
               parameters=(PeriodParam(),
                           ChoiceParam("channel", "渠道", "Channel", choices=CHANNELS),
                           RecordParam("customer", "客户", "Customer", entity="crm.customer")),
               filename="contact-log-{period}.pdf", form_code="JL-8.2-01-2", edition="A/0",
               description_zh="某一期间的来电、来函、来访登记及按渠道的统计汇总（答复、未答复、超期）。",
               description_en="The calls, letters and visits of a period, with counts per channel "
                              "(replied, open, past the reply deadline)."),
    ]


def contact_log_period(request: ReportRequest) -> dict[str, Any]:
    """The entries that occurred in the period (``occurred_at`` is the
    clerk's local time), oldest first, and their counts per channel."""
    from .models import ContactLog
    from .models.customers import CHANNELS
    query = request.query(ContactLog).filter(request.period.contains(ContactLog.occurred_at))
    if request.values.get("channel"):
        query = query.filter(ContactLog.channel == request.values["channel"])
    if request.values.get("customer") is not None:
        query = query.filter(ContactLog.customer_id == request.values["customer"].id)
    rows = request.rows(query.order_by(ContactLog.occurred_at, ContactLog.id))
    summary: dict[str, dict[str, int]] = {}
    for log in rows:
        counts = summary.setdefault(log.channel, dict(total=0, replied=0, open=0, overdue=0))
        counts["total"] += 1
        counts["replied" if log.replied_at is not None else "open"] += 1
        # past the deadline: still open after it, or answered after it
        counts["overdue"] += bool({"overdue", "late"} & set(record_badges(log).values()))
    totals = {key: sum(c[key] for c in summary.values()) for key in ("total", "replied", "open", "overdue")}
    return dict(records=rows, summary=summary, totals=totals, channels=CHANNELS)
