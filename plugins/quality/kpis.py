"""KPIs of the quality procedures (core.kpis), one function per concern."""


def kpis() -> list:
    return [*_complaints(), *_tracking(), *_callbacks(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    """客户投诉率 (T-AS-14: 6 complaints / 200 requests = 3.0 %): the
    complaints **received** in the period (company-local days of
    ``received_at``; archived ones and those not accepted left out) ÷ the
    work orders received in it (after_sales' own count,
    ``plugins.after_sales.kpi_queries.received_in``: cancelled and archived
    orders left out), %. Per department or employee: the complaints it was
    found liable for (责任部门/责任人, ``Complaint.__org_columns__``) ÷ the
    orders its service centre received or the engineer was given.

    投诉按期办结率 is not declared here: core publishes it from the deadline
    (plugins/quality/deadlines.py) as ``quality.complaint.close.on_time``
    (投诉办结按时率), the complaints whose 办结 was due in the period and is
    decided (the customer informed, or past due) that were closed in time,
    as after_sales gets ``after_sales.workorder.response.on_time``; per
    liable department and person too (``__org_columns__``)."""
    from core.kpis import SUBJECTS, Kpi
    return [Kpi("quality.complaint_rate", "客户投诉率", "Customer complaint rate", compute=complaint_rate,
                unit="%", better="down", subjects=SUBJECTS)]


def complaint_rate(company, start, end, subject=None):
    """客户投诉率: complaints received ÷ work orders received, % (2 places); None without orders."""
    from sqlalchemy import func

    from core.calendar.periods import Period
    from core.org import of_subject
    from core.records import tenancy
    from core.kpis import percent
    from plugins.after_sales.kpi_queries import received_in

    from .models.complaints import Complaint
    orders = received_in(company, start, end, subject).with_entities(func.count()).scalar()
    query = tenancy.scoped_query(Complaint, company).filter(
        Complaint.archived_at.is_(None), Complaint.state != "rejected",
        Period(start, end).contains(Complaint.received_at, company))
    query = of_subject(query, Complaint, subject)
    return percent(int(query.with_entities(func.count()).scalar() or 0), int(orders or 0))


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    # The on-time rate of 质管部's 15 working days, quality.tracking.solve.on_time,
    # comes from core (declared deadline), per department and employee too.
    from core.kpis import SUBJECTS, Kpi
    from .tracking_kpis import tracked_customers, tracking_count
    return [Kpi("quality.tracked_customers", "质量跟踪顾客数", "Customers tracked", compute=tracked_customers,
                unit="户", subjects=SUBJECTS),
            Kpi("quality.tracking_count", "质量跟踪次数", "Quality trackings", compute=tracking_count,
                unit="次", subjects=SUBJECTS)]


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    # Per company, service centre (the run's department) and engineer (the
    # orders called back); see plugins/quality/callbacks_kpis.py for what each counts.
    from core.kpis import SUBJECTS, Kpi
    from .callbacks_kpis import callback_rate, fake_records, resample_agreement_rate, sample_satisfaction_rate
    subjects = SUBJECTS
    return [
        Kpi("quality.callback_rate", "回访率", "Callback rate", compute=callback_rate, unit="%", subjects=subjects),
        Kpi("quality.sample_satisfaction_rate", "抽访满意率", "Satisfaction in the sample",
            compute=sample_satisfaction_rate, unit="%", subjects=subjects),
        Kpi("quality.resample_agreement_rate", "复抽一致率", "Re-sample agreement", compute=resample_agreement_rate,
            unit="%", subjects=subjects),
        Kpi("quality.fake_records", "假单数", "Fake records", compute=fake_records, unit="条", better="down",
            subjects=subjects),
    ]


# --- capa ---------------------------------------------------------------
def open_capas(company, start, end, subject=None):
    """未关闭的纠正和预防措施: the CAPAs opened by the end of the period and
    not closed by then (cancelled and archived ones left out), for the
    company, a department (the CAPA's 责任部门, with those under it) or an
    employee (its 责任人); one SQL count."""
    import datetime as dt
    from sqlalchemy import func, or_
    from core.org import of_subject
    from core.records import tenancy
    from .models.capa import Capa
    last = dt.datetime.combine(end, dt.time.max)
    query = tenancy.scoped_query(Capa, company).filter(
        Capa.archived_at.is_(None), Capa.state != "cancelled", Capa.opened_at.isnot(None), Capa.opened_at <= last,
        or_(Capa.closed_at.is_(None), Capa.closed_at > last))
    query = of_subject(query, Capa, subject)
    return query.with_entities(func.count(Capa.id)).scalar()


def capa_closed_on_time(company, start, end, subject=None):
    """CAPA 按期关闭率: of the CAPAs whose 关闭期限 falls in the period and is
    decided, the share closed (verified) by it, %. A CAPA's 关闭期限 is the
    latest 整改期限 of its actions (cancelled and archived ones left out;
    a CAPA without one is not counted). Decided: closed, or still open
    after that day (late); one still running before it counts nowhere yet.
    Cancelled, draft and archived CAPAs are left out. Per company, the
    CAPA's 责任部门 (with those under it) or 责任人; one SQL aggregate."""
    from sqlalchemy import func, or_
    from core.calendar.timezone import local_today
    from core.kpis import count_if, percent
    from core.org import of_subject
    from core.records import tenancy
    from .models.capa import Capa, CapaAction
    due = (tenancy.scoped_query(CapaAction, company)
           .filter(CapaAction.state != "cancelled", CapaAction.archived_at.is_(None), CapaAction.due_on.is_not(None))
           .with_entities(CapaAction.capa_id, func.max(CapaAction.due_on).label("due_on"))
           .group_by(CapaAction.capa_id).subquery())
    closed_by_then = Capa.closed_at.is_not(None) & (func.date(Capa.closed_at) <= due.c.due_on)
    decided = or_(Capa.closed_at.is_not(None), due.c.due_on < local_today(company))
    query = (tenancy.scoped_query(Capa, company).join(due, due.c.capa_id == Capa.id)
             .filter(Capa.archived_at.is_(None), Capa.state.not_in(("draft", "cancelled")),
                     due.c.due_on >= start, due.c.due_on <= end))
    query = of_subject(query, Capa, subject)
    met, counted = query.with_entities(count_if(closed_by_then), count_if(decided)).one()
    return percent(int(met or 0), int(counted or 0))


def _capa() -> list:
    """Open CAPAs at the end of a period, and the CAPA 按期关闭率 (closed by
    the latest 整改期限 of their actions). Each action's own on-time rate
    (按期完成率) is core's ``quality.capaaction.due.on_time``, published from
    the deadline (plugins/quality/deadlines.py)."""
    from core.kpis import SUBJECTS, Kpi
    return [Kpi("quality.capa_open", "未关闭纠正预防措施数", "Open CAPAs", compute=open_capas, unit="项",
                better="down", subjects=SUBJECTS),
            Kpi("quality.capa_closed_on_time", "纠正预防措施按期关闭率", "CAPAs closed on time",
                compute=capa_closed_on_time, unit="%", subjects=SUBJECTS)]
