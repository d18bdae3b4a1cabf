"""Deadlines: one mechanism for every plugin (``register_deadlines``).

A plugin declares a :class:`Deadline` per time limit of an entity with the
``register_deadlines`` hook::

    Deadline("crm.contactlog.reply", ContactLog, start="occurred_at",
             amount="crm.reply_in_province", due_field="reply_due",
             done=("replied", "closed"), met_field="replied_at",
             label_zh="来电来函答复", label_en="Reply")

and core keeps its clock, whatever creates or changes the record (a screen,
an import, a transition, a job, code):

* on insert the due moment is counted from ``start`` by the company's
  setting ``amount`` (type ``deadline``: amount and unit, D-1) on the
  company's calendar in company-local time (D-2,
  :func:`core.deadlines.due_at`), and written to ``due_field`` (lists sort,
  print and export it) and to the record's :class:`DeadlineClock` (the
  state lists filter on, served by an index). A due moment set by code
  before the insert (data brought over) is kept; nobody changes it later
  (:class:`DueComputed`);
* it is counted again when ``start`` or a ``depends`` field changes, and
  when the record leaves a pause state (the paused time is added back in
  the deadline's own unit: :func:`core.deadlines.paused_time`); a changed
  setting applies to deadlines counted from then on;
* when ``done`` becomes true (a state reached, or a condition) the clock
  stops: met at ``met_field`` (when the record has one and it is filled)
  or now, ``met`` if by the due moment, else ``late``; reopened, it runs
  again;
* :func:`check_breaches` (job ``core.deadlines_check``, ``qdesk deadlines
  check``) marks running clocks past their due moment ``breached``.

What every deadline gets from this: :func:`badge` (overdue, due soon, met
late, ... for list columns), :func:`filter_clause` (the overdue filter),
the dashboard tile (:func:`dashboard_widgets`) and the on-time KPI
``<key>.on_time`` (:func:`on_time_rate`).

All moments here are **company-local** naive date-times (the deadline is a
wall-clock moment: "the end of 2 October in Shanghai"), except
``breached_at``, a UTC stamp.
"""
from core.deadlines.counting import (DAY_UNITS, END_OF_DAY, UNITS, DeadlineRule, due_at, end_of, is_overdue_at,
                                     paused_time)
from core.deadlines.declared import Deadline, DeadlineRegistry, DueComputed, deadlines_for, init_deadlines
from core.deadlines.clocks import (BADGES, STATUSES, DeadlineClock, badge, clock_of, clocks_for, filter_clause,
                                   is_overdue, prefetch, record_badges)
from core.deadlines.reports import (check_breaches, dashboard_widgets, late_rate, on_time_kpis, on_time_rate,
                                    overdue_count)

# The public names say where plugins import them from (messages, docs).
for _cls in (Deadline, DeadlineRegistry, DeadlineRule, DueComputed):
    _cls.__module__ = "core.deadlines"

__all__ = ["UNITS", "DAY_UNITS", "END_OF_DAY", "DeadlineRule", "due_at", "end_of", "is_overdue_at", "paused_time",
           "Deadline", "DeadlineRegistry", "DueComputed", "deadlines_for", "init_deadlines",
           "BADGES", "STATUSES", "DeadlineClock", "badge", "clocks_for", "filter_clause", "is_overdue",
           "record_badges", "prefetch", "clock_of", "check_breaches", "dashboard_widgets", "late_rate", "on_time_kpis", "on_time_rate",
           "overdue_count"]
