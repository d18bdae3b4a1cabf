"""Periodic jobs of the CRM (``qdesk jobs run``, daily from cron)."""
from core.jobs import Job


def _plan_visits(company) -> str:
    from .services import plan_key_customer_visits
    planned = plan_key_customer_visits(company)
    return f"{len(planned)} return visit(s) planned"


def jobs() -> list[Job]:
    return [Job("crm.plan_visits", "安排重点客户回访", "Plan key-customer visits", run=_plan_visits)]
