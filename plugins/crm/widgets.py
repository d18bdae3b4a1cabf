"""Home-page widgets of the CRM: return visits this month, CSI per
quarter. (The overdue-contacts tile comes from core, with the reply
deadline: plugins/crm/deadlines.py.)"""
from core.dashboard import Chart, Tile

from .models import local_now
from .periods import parse_period
from .services import csi_trend, visits_summary


def widgets(company, user) -> list:
    now = local_now(company)
    today = now.date()
    done, planned = visits_summary(company, *parse_period(f"{today:%Y-%m}"))
    trend = csi_trend(company, "quarter", 6, today)
    return [
        Tile(label=("本月回访 已完成/计划", "Return visits this month, done/planned"), value=done,
             unit=(f"/ {planned} 次", f"/ {planned}"), link="/admin/crm/visit/", permission="crm.visit.read"),
        Chart(title=("顾客满意度指数（按季度）", "Customer satisfaction index per quarter"), kind="line",
              labels=[label for label, _csi, _n in trend],
              series=[{"name": ("CSI", "CSI"), "data": [csi for _label, csi, _n in trend]}],
              permission="crm.survey.read"),
    ]
