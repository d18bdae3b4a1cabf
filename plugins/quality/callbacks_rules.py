"""The rules of the callback and sampling chain (002-A, AS-42 … AS-44, D-8).

* :func:`fill_run` is the effect of a run's "generate" transition (open →
  in progress): level 1 gets one line per work order closed or called back
  in the period (its service centre's, or the company's), level 2 a 5 %
  sample of the completed level-1 run's qualified lines, level 3 a
  re-sample of the completed level-2 run's lines; the population and, for
  a sample, the seed are stored on the run.
* :func:`require_outcomes` is the effect of "complete": every line has an
  outcome, or the transition is refused naming how many are missing.
* :func:`apply_outcome` routes a line when its outcome is saved: a fake
  record (假单/不合格单) is reported to the 财务科 responsibility for 扣罚;
  a dissatisfied user opens a follow-up, at level 1 for the outlet and
  engineer of the work order (its service centre and responsible engineer),
  at levels 2 and 3 for the service centre (服务管理中心: the run's
  department, else the order's).
* :func:`verify_draw` redraws a stored sample from its seed and population.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func

from core import db
from core.calendar.periods import Period
from core.errors import Invalid
from core.i18n import translate as _gettext
from core.records import tenancy
from core.settings import get_setting

from .callbacks_sampling import count_size, draw, new_seed, ordered, sample_size

#: The states of a work order whose callback is due (after_sales' workflow).
CALLED_STATES = ("callback_done", "closed")
#: The responsibility fake records go to (分公司财务科, AS-42).
FINANCE = "quality.finance"


def sample_rate(company: Any = None) -> Decimal:
    """The level-2 rate as a fraction (the setting is in per cent: 5 → 0.05)."""
    return Decimal(str(get_setting("quality.callback_sample_percent", company))) / 100


def period_of(run: Any) -> Period:
    """The run's period (``2026-11``, a quarter, a range), or ``Invalid``."""
    try:
        return Period.parse(run.period or "", max_days=366)
    except ValueError:
        raise Invalid(_gettext("Write the period as a month (2026-11), a quarter (2026-Q4) or a range "
                        "(2026-11-01..2026-11-15)."), field="period") from None


def prepare(run: Any) -> None:
    """On save: the period read into its days; a sample takes its period
    and service centre from the run it is drawn from, which must be of the
    level below (refused otherwise). A 100 % callback is drawn from no run:
    choosing a run to draw from makes it a sample of that run (the level
    above the run's)."""
    from .models.callbacks import SOURCE_LEVEL
    source = run.source
    if run.level == "centre" and source is not None:
        above = {below: level for level, below in SOURCE_LEVEL.items()}
        if source.level not in above:
            raise Invalid(_gettext("Nothing is drawn from a re-sample: choose a full callback (100%) or a sample (5%)."),
                          field="source")
        run.level = above[source.level]
    wanted = SOURCE_LEVEL.get(run.level)
    if wanted is not None:
        if source is None:
            raise Invalid(_gettext("A sample is drawn from a run of the level below: choose it."), field="source")
        if source.level != wanted:
            raise Invalid(_gettext("A %(level)s is drawn from a %(source)s run.", level=run.label("level"),
                            source=_level_label(wanted)), field="source")
        run.period, run.department = source.period, source.department
    period = period_of(run)
    run.period, run.period_start, run.period_end = period.label, period.start, period.end


def _level_label(code: str) -> str:
    from core.records.choices import current_label
    from .models.callbacks import LEVELS
    return current_label(LEVELS[code])


def fill_run(run: Any) -> None:
    """The effect of "generate": the lines, the population, the seed."""
    prepare(run)
    if run.lines:
        raise Invalid(_gettext("This run has its lines already."))
    if run.level == "centre":
        _generate(run)
    else:
        _draw(run)


def _due_orders(run: Any) -> list[Any]:
    """The work orders of the run's service centre (and the centres under
    it; none: the company's) closed or called back in the period: the
    callback day, else the closing day, falls in it (company-local)."""
    from core.org import subject_clause
    from core.records import access
    WorkOrder = access.resolve("after_sales.workorder").model
    day = func.coalesce(WorkOrder.callback_at, WorkOrder.closed_at)
    query = tenancy.scoped_query(WorkOrder, run.owner_company).filter(
        WorkOrder.archived_at.is_(None), WorkOrder.state.in_(CALLED_STATES),
        period_of(run).contains(day, run.owner_company))
    if run.department is not None:
        query = query.filter(subject_clause(WorkOrder, run.department))
    return query.order_by(WorkOrder.id).all()


def _twin(run: Any) -> Any:
    """Another level-1 run of the same period and centre already generated."""
    from .models.callbacks import CallbackRun
    query = tenancy.scoped_query(CallbackRun, run.owner_company).filter(
        CallbackRun.archived_at.is_(None), CallbackRun.level == run.level, CallbackRun.state != "open",
        CallbackRun.period_start == run.period_start, CallbackRun.period_end == run.period_end,
        CallbackRun.department_id == run.department_id if run.department is not None
        else CallbackRun.department_id.is_(None))
    if run.id is not None:
        query = query.filter(CallbackRun.id != run.id)
    return query.first()


def _generate(run: Any) -> None:
    from .models.callbacks import Callback
    twin = _twin(run)
    if twin is not None:
        raise Invalid(_gettext("The callbacks of %(period)s are in run %(run)s already.", period=run.period,
                               run=str(twin)))
    orders = _due_orders(run)
    if not orders:
        raise Invalid(_gettext("No work order was closed or called back in %(period)s: there is nothing to call back.",
                        period=run.period))
    for seq, order in enumerate(orders, start=1):
        db.session.add(Callback(run=run, seq=seq, **snapshot(order)))
    run.population = [[o.id, o.number] for o in orders]
    run.population_size = run.sample_size = len(orders)
    run.rate, run.seed = Decimal(1), None


def snapshot(order: Any) -> dict:
    """The printed columns of a work order as they are now."""
    customer, contact = order.customer, order.contact
    done = order.resolved_at or order.closed_at
    return dict(work_order=order, order_number=order.number,
                customer_name=(contact.name if contact is not None and contact.name else None)
                or (customer.name if customer is not None else None),
                phone=(contact.phone if contact is not None else None)
                or (customer.phone if customer is not None else None),
                service=order.subject, service_date=done.date() if done is not None else None)


def _population(run: Any) -> list[Any]:
    """The lines of the source run a sample is drawn from: level 2 the
    qualified ones (not fake, D-8), level 3 every line of the 5 % sample."""
    source = run.source
    if source.state != "completed":
        raise Invalid(_gettext("Run %(run)s is not completed yet: a sample is drawn from a completed run.",
                        run=str(source)), field="source")
    lines = list(source.lines)
    if run.level == "sample":
        lines = [line for line in lines if line.outcome != "fake"]
    return lines


def _size(run: Any, n: int) -> int:
    if run.level == "sample":
        run.rate = sample_rate(run.owner_company)
        return sample_size(n, run.rate)
    company = run.owner_company
    value = Decimal(str(get_setting("quality.callback_resample_value", company)))
    if get_setting("quality.callback_resample_mode", company) == "count":
        run.rate = None
        return count_size(n, int(value))
    run.rate = value / 100
    return sample_size(n, run.rate)


def _draw(run: Any) -> None:
    from .models.callbacks import Callback
    pool = {line.work_order_id: line for line in _population(run)}
    ids = ordered(pool)
    if not ids:
        raise Invalid(_gettext("Run %(run)s has no qualified record: there is nothing to sample (N = 0).",
                        run=str(run.source)))
    size = _size(run, len(ids))
    run.seed = new_seed() if run.seed is None else run.seed
    run.population = [[i, pool[i].order_number] for i in ids]
    run.population_size, run.sample_size = len(ids), size
    for seq, order_id in enumerate(draw(run.seed, ids, size), start=1):
        line = pool[order_id]
        db.session.add(Callback(run=run, seq=seq, work_order_id=order_id, order_number=line.order_number,
                                customer_name=line.customer_name, phone=line.phone, service=line.service,
                                service_date=line.service_date))


def require_outcomes(run: Any) -> None:
    """The effect of "complete": refused while a line has no outcome."""
    missing = sum(1 for line in run.lines if not line.outcome)
    if missing:
        raise Invalid(_gettext("%(n)s of %(total)s callbacks have no outcome yet: record them before completing "
                        "the run.", n=missing, total=len(run.lines)))


@dataclass(frozen=True)
class Verification:
    """A redone draw: the stored sample, the one redrawn, whether they agree."""

    stored: list[int]
    redrawn: list[int]

    @property
    def same(self) -> bool:
        return self.stored == self.redrawn


def verify_draw(run: Any) -> Verification | None:
    """Redraw ``run``'s sample from its stored seed and population (None
    for a level-1 run or a sample not drawn yet)."""
    if run.seed is None or run.population is None or run.sample_size is None:
        return None
    ids = [int(pair[0]) for pair in run.population]
    return Verification([line.work_order_id for line in run.lines], draw(run.seed, ids, run.sample_size))


def apply_outcome(line: Any, before: str | None) -> None:
    """On a line's save: refuse outcome changes outside a run in progress;
    open (or close) the follow-up of a dissatisfied user; report a fake
    record to 财务科. ``before`` is the outcome the line had."""
    run = line.run
    if line.outcome != before and run.state != "in_progress":
        raise Invalid(_gettext("Run %(run)s is %(state)s: its outcomes can no longer be changed.", run=str(run),
                        state=run.label("state")), field="outcome")
    if line.outcome and line.called_on is None:
        from core.calendar.timezone import local_today
        line.called_on = local_today(line.owner_company)
    if line.outcome and line.called_by is None:
        line.called_by = tenancy.current_user()
    if line.outcome == before:
        return
    if line.outcome == "dissatisfied":
        order = line.work_order
        if run.level == "centre":
            _follow_up_by(line, order.department, order.responsible)
        else:
            _follow_up_by(line, run.department or order.department, None)
        _notify_follow_up(line)
    elif line.follow_up_done_on is None:
        _follow_up_by(line, None, None)
    if line.outcome == "fake":
        _notify_finance(line)


def _follow_up_by(line: Any, department: Any, employee: Any) -> None:
    # The ids too: core's recipients (the employee, the department's head)
    # are read from them before the flush.
    line.department, line.responsible = department, employee
    line.department_id = department.id if department is not None else None
    line.responsible_id = employee.id if employee is not None else None


def _notify_follow_up(line: Any) -> None:
    from core.notify import notify
    from core.org import responsible_users
    notify("quality.callback_follow_up", responsible_users(line), record=line,
           context={"order": line.order_number or "", "remarks": line.remarks or ""},
           key=f"quality.callback_follow_up:{line.id}")


def _notify_finance(line: Any) -> None:
    from core.notify import notify
    from core.org import holder_users
    users = holder_users(FINANCE, line.owner_company)
    notify("quality.callback_fake", users, record=line,
           context={"order": line.order_number or "", "remarks": line.remarks or ""},
           key=f"quality.callback_fake:{line.id}")


def drawn_from(run: Any) -> Any:
    """The (not archived) run drawn from ``run``, if any."""
    from .models.callbacks import CallbackRun
    return (tenancy.scoped_query(CallbackRun, run.owner_company)
            .filter(CallbackRun.source_id == run.id, CallbackRun.archived_at.is_(None)).first())


def new_sample(run: Any, user: Any) -> Any:
    """The record action "draw the sample": a run of the level above drawn
    from the completed ``run`` now (its "generate" transition), through
    core's access layer and workflow; core links the two."""
    from core.records import access
    from core.workflow import transition
    from .models.callbacks import SOURCE_LEVEL

    def fill(sample):
        sample.level = next(level for level, below in SOURCE_LEVEL.items() if below == run.level)
        sample.source = run
        prepare(sample)
    sample = access.create("quality.callbackrun", fill)
    transition(sample, "generate")
    return sample
