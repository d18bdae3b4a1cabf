"""Home-page widgets (core.dashboard), one function per concern."""


def widgets(company, user) -> list:
    return [*_complaints(company, user), *_tracking(company, user), *_callbacks(company, user), *_capa(company, user)]


# --- complaints ---------------------------------------------------------------
def _complaints(company, user) -> list:
    """Open complaints by severity (一般 / 重大): one bar each, and a tile of
    the 重大 ones still open. Core adds the overdue tile of the 办结 deadline
    (逾期未办结投诉) by itself."""
    from core.dashboard import Chart, Tile
    from core.links import list_url

    from .models.complaints import SEVERITIES, Complaint
    counts = open_complaints_by_severity(company)
    url = list_url(Complaint)
    return [
        Tile(label=("未办结重大投诉", "Open major complaints"), value=counts.get("major", 0),
             unit=("件", "complaints"), link=url, permission="quality.complaint.read"),
        Chart(title=("未办结投诉（按等级）", "Open complaints by severity"), kind="bar",
              labels=[SEVERITIES[code] for code in SEVERITIES],
              series=[{"name": ("未办结", "Open"), "data": [counts.get(code, 0) for code in SEVERITIES]}],
              permission="quality.complaint.read"),
    ]


def open_complaints_by_severity(company) -> dict[str, int]:
    """``{severity: count}`` of ``company``'s open complaints (not closed,
    informed or rejected; not archived), one grouped query."""
    from sqlalchemy import func

    from core.records import tenancy

    from .models.complaints import OPEN_STATES, Complaint
    rows = (tenancy.scoped_query(Complaint, company)
            .filter(Complaint.archived_at.is_(None), Complaint.state.in_(OPEN_STATES))
            .with_entities(Complaint.severity, func.count()).group_by(Complaint.severity).all())
    return {severity: int(count) for severity, count in rows}


# --- tracking ---------------------------------------------------------------
def _tracking(company, user) -> list:
    # Overdue 质管部 problems: core's tile of the deadline quality.tracking.solve.
    from core.dashboard import Tile
    from core.links import list_url
    from .models.tracking import QualityTracking
    from .tracking_rules import due_count
    screen = list_url(QualityTracking)
    return [Tile(label=("待质量跟踪顾客", "Customers due for tracking"), value=due_count(company),
                 unit=("户", "customers"), link=f"{screen}due/" if screen else None,
                 permission="quality.tracking.read")]


# --- callbacks ---------------------------------------------------------------
def _callbacks(company, user) -> list:
    # This month's 100 % callbacks: done / due (the level-1 runs of the month).
    from core.calendar.periods import parse_period
    from core.calendar.timezone import local_today
    from core.dashboard import Tile
    from core.links import list_url
    from .callbacks_kpis import progress
    from .models.callbacks import CallbackRun
    today = local_today(company)
    done, total = progress(company, *parse_period(f"{today.year}-{today.month:02d}"))
    return [Tile(label=("本月回访进度", "Callbacks this month"), value=f"{done}/{total}",
                 unit=("条", "done"), link=list_url(CallbackRun), permission="quality.callbackrun.read")]


# --- capa ---------------------------------------------------------------
def _capa(company, user) -> list:
    """The open CAPAs (opened, not closed or cancelled) by severity, linking
    to the CAPA list. The overdue CAPA actions are core's tile of the
    deadline quality.capaaction.due ("逾期未完成的纠正预防措施"): not repeated."""
    from sqlalchemy import func
    from core.dashboard import Tile
    from core.links import list_url
    from core.records import tenancy
    from .models.capa import Capa
    counts = dict(tenancy.scoped_query(Capa, company).filter(
        Capa.archived_at.is_(None), Capa.state.in_(("open", "in_progress", "verification")))
        .with_entities(Capa.severity, func.count(Capa.id)).group_by(Capa.severity).all())
    url = list_url(Capa)
    return [Tile(label=("未关闭CAPA（重大）", "Open CAPAs (major)"), value=counts.get("major", 0),
                 unit=("项", "CAPAs"), link=url, permission="quality.capa.read"),
            Tile(label=("未关闭CAPA（一般）", "Open CAPAs (minor)"), value=counts.get("minor", 0),
                 unit=("项", "CAPAs"), link=url, permission="quality.capa.read")]
