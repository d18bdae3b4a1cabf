"""Periodic jobs (core.jobs), one function per concern."""


def jobs() -> list:
    return _tracking()


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    from core.jobs import Job
    from .tracking_rules import remind_due_customers
    return [Job("quality.tracking_due", "质量跟踪到期提醒", "Quality tracking reminders", run=remind_due_customers)]


