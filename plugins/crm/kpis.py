"""KPIs the CRM publishes for other plugins (appraisal, reports)."""
from core.kpis import Kpi


def kpis() -> list[Kpi]:
    from .services import csi_between, overdue_rate, visit_completion_rate
    return [
        Kpi("crm.contact_overdue_rate", "来电来函逾期答复率", "Contacts answered late",
            compute=overdue_rate, unit="%", better="down"),
        Kpi("crm.csi", "顾客满意度指数", "Customer satisfaction index", compute=csi_between, unit="分"),
        Kpi("crm.visit_completion_rate", "回访完成率", "Return visits done", compute=visit_completion_rate,
            unit="%"),
    ]
