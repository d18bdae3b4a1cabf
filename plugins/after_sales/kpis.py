"""KPIs of the after-sales procedure QP-7.5-02 (T-AS-14), for the company,
a service centre (the work order's department, with the centres under it)
or an engineer (its responsible employee), over the work orders
**received** in the period (company-local days; cancelled and archived
orders are not counted). Computed in one SQL aggregate each
(plugins/after_sales/kpi_queries.py).

Published by core from the deadlines (plugins/after_sales/deadlines.py),
not declared here:

* 响应及时率 ``after_sales.workorder.response.on_time`` (工单响应按时率):
  of the orders whose 24-hour response was due in the period and is
  decided (answered, or past due), the share answered in time; per
  department and employee too (a work order is org-owned);
* ``after_sales.workorder.resolution.on_time``: the same for the 2/4-day
  resolution;
* 服务报告按时提交率 ``after_sales.report.due.on_time``: the service reports
  due in the period handed in within two days of the return (AS-17), for
  the company, and per service centre and engineer through the report's
  work order (``ServiceReport.__org_owner__``).
"""
from core.kpis import SUBJECTS, Kpi


def resolution_rate(company, start, end, subject=None):
    """问题解决率: the orders received that are solved (resolved, called
    back or closed) ÷ the orders received, %."""
    from core.kpis import percent
    from .kpi_queries import order_figures
    f = order_figures(company, start, end, subject)
    return percent(f.solved, f.received)


def first_contact_resolution_rate(company, start, end, subject=None):
    """一次性解决率 FCR: the orders received that are solved and were never
    reopened (``reopened_at`` empty: solved at the first attempt) ÷ the
    orders received, %."""
    from core.kpis import percent
    from .kpi_queries import order_figures
    f = order_figures(company, start, end, subject)
    return percent(f.solved_first_time, f.received)


def average_handling_hours(company, start, end, subject=None):
    """平均处理时长 AHT: the mean hours from receipt to the (first)
    resolution over the orders received in the period and solved now;
    None when none is."""
    from .kpi_queries import hours, order_figures
    return hours(order_figures(company, start, end, subject).handling_hours)


def average_response_hours(company, start, end, subject=None):
    """平均响应时长: the mean hours from receipt to the first response
    (T-AS-14: received 09:00, answered 15:30 → 6.5 h) over the answered
    orders received in the period; None when none was answered."""
    from .kpi_queries import hours, order_figures
    return hours(order_figures(company, start, end, subject).response_hours)


def feedback_handling_rate(company, start, end, subject=None):
    """顾客反馈信息处理率 (AS-22, the KPI the procedure names): the customer
    feedback received (every work order is one) that is fully handled ÷ the
    feedback received, %. "Handled" is read as **closed**: solved, called
    back and closed, the whole chain of AS-27; an order only resolved or
    called back is still being handled."""
    from core.kpis import percent
    from .kpi_queries import order_figures
    f = order_figures(company, start, end, subject)
    return percent(f.closed, f.received)


def kpis() -> list[Kpi]:
    return [
        Kpi("after_sales.resolution_rate", "问题解决率", "Requests solved", compute=resolution_rate,
            unit="%", subjects=SUBJECTS),
        Kpi("after_sales.first_contact_resolution_rate", "一次性解决率", "First-contact resolution (FCR)",
            compute=first_contact_resolution_rate, unit="%", subjects=SUBJECTS),
        Kpi("after_sales.average_handling_hours", "平均处理时长", "Average handling time (AHT)",
            compute=average_handling_hours, unit="小时", better="down", subjects=SUBJECTS),
        Kpi("after_sales.average_response_hours", "平均响应时长", "Average response time",
            compute=average_response_hours, unit="小时", better="down", subjects=SUBJECTS),
        Kpi("after_sales.feedback_handling_rate", "顾客反馈信息处理率", "Customer feedback handled",
            compute=feedback_handling_rate, unit="%", subjects=SUBJECTS),
    ]
