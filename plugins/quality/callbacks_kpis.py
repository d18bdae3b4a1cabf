"""The KPIs of the callback chain (002-A): each level's results appraise the
level below (T-AS-12: the 5 % sample the service centre, the re-sample 直效
营销科). Computed over the runs whose period **starts** within the KPI's
days (a month's run counts in that month, its quarter and its year), not
archived, for the company, a service centre (the run's department, with
the centres under it: ``core.org.subject_clause``) or an engineer (the
lines about the work orders they were responsible for: their 假单 are
theirs to answer for, 扣罚); one SQL aggregate each.

* 回访率 ``quality.callback_rate``: level-1 lines with an outcome ÷ the
  level-1 lines (the work orders due a callback), %;
* 抽访满意率 ``quality.sample_satisfaction_rate``: level-2 lines satisfied ÷
  level-2 lines called (with an outcome), %;
* 复抽一致率 ``quality.resample_agreement_rate``: level-3 lines whose outcome
  equals the level-2 outcome of the same work order ÷ level-3 lines called, %;
* 假单数 ``quality.fake_records``: level-1 lines found fake (a count; fewer
  is better).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.kpis import count_if
from core.org import of_subject, subject_clause
from core.records import tenancy


def _lines(company: Any, level: str, start: dt.date, end: dt.date, subject: Any = None) -> Any:
    from .models.callbacks import Callback, CallbackRun
    query = (tenancy.scoped_query(Callback, company).join(CallbackRun, Callback.run_id == CallbackRun.id)
             .filter(CallbackRun.level == level, CallbackRun.archived_at.is_(None), Callback.archived_at.is_(None),
                     CallbackRun.period_start >= start, CallbackRun.period_start <= end))
    from core.org import Employee
    if isinstance(subject, Employee):  # the engineer of the order called back, not the caller
        from core.records import access
        orders = access.resolve("after_sales.workorder").model
        return query.filter(Callback.work_order_id.in_(
            select(orders.id).where(subject_clause(orders, subject))))
    return of_subject(query, CallbackRun, subject)


def _percent(part: Any, whole: Any):
    from core.kpis import percent
    return percent(int(part or 0), int(whole or 0))


def callback_rate(company, start, end, subject=None):
    """回访率: the level-1 lines called back (an outcome) ÷ the lines, %."""
    from .models.callbacks import Callback
    called, total = _lines(company, "centre", start, end, subject).with_entities(
        count_if(Callback.outcome.is_not(None)), func.count(Callback.id)).one()
    return _percent(called, total)


def sample_satisfaction_rate(company, start, end, subject=None):
    """抽访满意率: the level-2 lines satisfied ÷ the level-2 lines called, %."""
    from .models.callbacks import Callback
    satisfied, called = _lines(company, "sample", start, end, subject).with_entities(
        count_if(Callback.outcome == "satisfied"), count_if(Callback.outcome.is_not(None))).one()
    return _percent(satisfied, called)


def resample_agreement_rate(company, start, end, subject=None):
    """复抽一致率: the level-3 outcomes equal to the level-2 outcome of the
    same work order (in the sample the re-sample was drawn from) ÷ the
    level-3 lines called, %."""
    from .models.callbacks import Callback, CallbackRun
    earlier = aliased(Callback)
    same, called = (_lines(company, "resample", start, end, subject)
                    .outerjoin(earlier, (earlier.run_id == CallbackRun.source_id)
                               & (earlier.work_order_id == Callback.work_order_id))
                    .with_entities(count_if(Callback.outcome.is_not(None) & (Callback.outcome == earlier.outcome)),
                                   count_if(Callback.outcome.is_not(None))).one())
    return _percent(same, called)


def fake_records(company, start, end, subject=None):
    """假单数: the level-1 lines found fake or non-conforming; None when no
    callback was made in the period (no data, not "no fake record": a
    quarter nobody called back must not meet the target 0)."""
    from .models.callbacks import Callback
    called, fake = _lines(company, "centre", start, end, subject).with_entities(
        count_if(Callback.outcome.is_not(None)), count_if(Callback.outcome == "fake")).one()
    return int(fake or 0) if called else None


def progress(company: Any, start: dt.date, end: dt.date) -> tuple[int, int]:
    """``(done, total)`` of the level-1 callbacks of the runs of the days
    ``start``..``end`` (the widget's "this period")."""
    from .models.callbacks import Callback
    done, total = _lines(company, "centre", start, end).with_entities(
        count_if(Callback.outcome.is_not(None)), func.count(Callback.id)).one()
    return int(done or 0), int(total or 0)


@dataclass(frozen=True)
class RunSummary:
    """The summary of one run's form: 应回访数 (lines), 已回访数 (with an
    outcome), 回访率, 满意数, 满意率 (satisfied ÷ called), 假单数."""

    due: int
    called: int
    rate: Any
    satisfied: int
    satisfied_rate: Any
    fake: int


def run_summary(run: Any) -> RunSummary:
    """The :class:`RunSummary` of ``run`` (its lines are loaded for the form anyway)."""
    from core.kpis import percent
    lines = list(run.lines)
    called = sum(1 for line in lines if line.outcome)
    satisfied = sum(1 for line in lines if line.outcome == "satisfied")
    return RunSummary(len(lines), called, percent(called, len(lines)), satisfied, percent(satisfied, called),
                      sum(1 for line in lines if line.outcome == "fake"))
