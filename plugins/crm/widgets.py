"""Home-page widgets of the CRM: overdue contacts, return visits this
month, CSI per quarter."""
import datetime as dt

from core.dashboard import Chart, Tile
from core.tenancy import scoped_query

from .models import ContactLog, local_now
from .periods import parse_period
from .services import csi_trend, visits_summary


def widgets(company, user) -> list:
    now = local_now(company)
    today = now.date()
    open_logs = scoped_query(ContactLog, company).filter(
        ContactLog.archived_at.is_(None), ContactLog.state == "open", ContactLog.reply_due.isnot(None))
    overdue = open_logs.filter(ContactLog.reply_due < now).count()
    # Approximation of last week's figure: those already overdue a week ago.
    week_ago = open_logs.filter(ContactLog.reply_due < now - dt.timedelta(days=7)).count()
    done, planned = visits_summary(company, *parse_period(f"{today:%Y-%m}"))
    trend = csi_trend(company, "quarter", 6, today)
    return [
        Tile(label=("逾期未答复来电来函", "Overdue contacts"), value=overdue, unit=("条", "entries"),
             trend=overdue - week_ago, trend_good="down", period=("较上周", "vs. last week"),
             link="/admin/crm/contactlog/?overdue=1", permission="crm.contactlog.read"),
        Tile(label=("本月回访 已完成/计划", "Return visits this month, done/planned"), value=done,
             unit=(f"/ {planned} 次", f"/ {planned}"), link="/admin/crm/visit/", permission="crm.visit.read"),
        Chart(title=("顾客满意度指数（按季度）", "Customer satisfaction index per quarter"), kind="line",
              labels=[label for label, _csi, _n in trend],
              series=[{"name": ("CSI", "CSI"), "data": [csi for _label, csi, _n in trend]}],
              permission="crm.survey.read"),
    ]
