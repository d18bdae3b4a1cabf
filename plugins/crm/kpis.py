"""KPIs the CRM publishes for other plugins (appraisal, reports)."""
from core.kpis import Kpi


def kpis() -> list[Kpi]:
    from core.deadlines import late_rate

    from .services import csi_between, visit_completion_rate
    return [
        # Counted by core from the reply deadline's clocks: of the entries due in
        # the period and decided (met, or past due), the share met late or not at
        # all. Core also publishes its complement, crm.contactlog.reply.on_time.
        Kpi("crm.contact_overdue_rate", "来电来函逾期答复率", "Contacts answered late",
            compute=lambda company, start, end: late_rate("crm.contactlog.reply", company, start, end),
            unit="%", better="down"),
        Kpi("crm.csi", "顾客满意度指数", "Customer satisfaction index", compute=csi_between, unit="分"),
        # Per department or employee too: the visits assigned to their logins.
        Kpi("crm.visit_completion_rate", "回访完成率", "Return visits done", compute=visit_completion_rate,
            unit="%", subjects=("company", "department", "employee")),
    ]
