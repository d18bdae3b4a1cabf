"""Core rules added for deadlines that start after their record, and for
"due since the last record" lists:

* a record created in one of its deadline's ``void_states`` with the
  deadline's ``start`` empty keeps it empty and has no due moment; once a
  transition leaves the void states (stamping ``start``) the deadline is
  counted from that moment (the quality tracking's 15 working days from
  质管部's receipt, AS-67);
* ``core.calendar.periods.due_by(today, months)``: the last day whose
  interval of ``months`` months has ended by ``today``."""
from __future__ import annotations

import datetime as dt

from core import db
from core.calendar.periods import add_months, due_by
from core.deadlines import DeadlineClock
from core.records import tenancy
from core.workflow import transition


def test_due_by_is_the_last_day_whose_interval_has_ended():
    # Today 2025-02-28 (month-end), 3 months: 2024-11-30 + 3 → 2025-02-28 is due, 12-01 + 3 → 03-01 is not.
    assert due_by(dt.date(2025, 2, 28), 3) == dt.date(2024, 11, 30)
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    # Not a month-end: the same day three months back; Mar 30 − 1 month → Feb 28 (no Feb 30).
    assert due_by(dt.date(2026, 12, 2), 3) == dt.date(2026, 9, 2)
    assert due_by(dt.date(2025, 3, 30), 1) == dt.date(2025, 2, 28)
    assert due_by(dt.date(2026, 1, 15), 4) == dt.date(2025, 9, 15)
    for today in (dt.date(2025, 2, 28), dt.date(2025, 3, 30), dt.date(2024, 2, 29), dt.date(2026, 12, 31)):
        for months in (1, 3, 6, 12):
            cutoff = due_by(today, months)
            assert add_months(cutoff, months) <= today < add_months(cutoff + dt.timedelta(days=1), months)


def test_a_deadline_starts_when_its_record_leaves_the_void_states(app, world):
    from plugins.after_sales.tests.helpers import add_customer
    from plugins.quality.models.tracking import QualityTracking
    from plugins.quality.tests.tracking_helpers import make_people
    make_people(world)
    customer = add_customer(app, world, "AKH91")
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("manager@a.test")):
        record = QualityTracking(customer_id=customer, tracked_on=dt.date(2024, 9, 20), unsolved_problems="x")
        db.session.add(record)
        db.session.commit()
        # Created void (draft) with no start: nothing stamped, nothing due, the clock void.
        assert record.qm_received_at is None and record.solve_due is None
        clock = db.session.query(DeadlineClock).filter_by(deadline="quality.tracking.solve",
                                                          record_id=record.id).one()
        assert clock.status == "void"
        record.notes = "edited while still void"
        db.session.commit()
        assert record.solve_due is None
        transition(record, "sign")
        db.session.commit()
        assert record.solve_due is None            # still void (signed)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        record = db.session.get(QualityTracking, record.id)
        record.qm_received_at = dt.datetime(2024, 11, 1, 9, 0)  # as if stamped on that day
        transition(record, "receive")
        db.session.commit()
        # Fri 2024-11-01 + 15 working days: 11-04 … 11-22.
        assert record.solve_due == dt.datetime(2024, 11, 22, 23, 59, 59)
        clock = db.session.query(DeadlineClock).filter_by(deadline="quality.tracking.solve",
                                                          record_id=record.id).one()
        assert (clock.started_at, clock.status) == (dt.datetime(2024, 11, 1, 9, 0), "running")
