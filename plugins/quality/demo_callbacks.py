"""Demonstration data: callbacks (002-A). Last month's 100 % callback run
over the demo's work orders called back or closed then (the last 30 days
when last month has fewer than three: the after-sales demo covers six
weeks), every line with an outcome (one fake, one dissatisfied: its
follow-up goes to the outlet's engineer), completed; then its 5 % sample,
drawn and in progress with its first callback recorded.

Everything goes through core: the runs are created with the access layer,
moved by their workflow (the "generate" transition draws the sample and
stores its seed), the outcomes saved with the rules of the screens
(plugins/quality/callbacks_rules.py), as the demo's manager."""
from __future__ import annotations

import datetime as dt

from core import db
from core.calendar.timezone import local_today
from core.records import access
from core.records.tenancy import acting_as
from core.workflow import transition

#: What the demo users said (the fake one and the dissatisfied one first).
REMARKS = {"fake": "用户称当月未报修，网点凭证与用户档案不符", "dissatisfied": "维修后仍有异响，希望再上门检查",
           "satisfied": "服务及时，态度好"}


def _periods(today: dt.date) -> list[str]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return [f"{last.year}-{last.month:02d}", f"{(today - dt.timedelta(days=30)).isoformat()}..{today.isoformat()}"]


def _new_run(**values):
    from .callbacks_rules import prepare

    def fill(run):
        for name, value in values.items():
            setattr(run, name, value)
        prepare(run)
    return access.create("quality.callbackrun", fill)


def _record(line, outcome: str) -> None:
    from .callbacks_rules import apply_outcome

    def fill(record):
        record.outcome, record.remarks = outcome, REMARKS[outcome]
        apply_outcome(record, None)
    access.update(line, fill, line.version)


def load(company, users) -> None:
    from .callbacks_rules import _due_orders  # the same population "generate" takes
    manager = users.get("manager")
    if manager is None:
        return
    with acting_as(company, manager):
        today = local_today(company)
        from .models.callbacks import CallbackRun
        # The first period with three orders to call back (a probe, never saved: no number spent).
        label = next((p for p in _periods(today) if len(_due_orders(CallbackRun(level="centre", period=p))) >= 3),
                     None)
        if label is None:  # the after-sales demo changed: no callbacks, never a failed demo
            return
        from core.org import employee_of
        run = _new_run(level="centre", period=label, responsible=employee_of(manager, company),
                       notes="服务管理中心对本期已回访、已关闭工单100%回访。")
        transition(run, "generate")
        db.session.flush()
        for i, line in enumerate(run.lines):
            _record(line, "fake" if i == 0 else "dissatisfied" if i == 1 else "satisfied")
        transition(run, "complete")
        db.session.flush()
        sample = _new_run(level="sample", source=run, notes="直效营销科按5%抽访合格记录。")
        transition(sample, "generate")
        db.session.flush()
        _record(sample.lines[0], "satisfied")
        db.session.commit()
