"""Deadline counting (core.deadlines, decisions D-1 and D-2), worked by hand
on mainland China's 2024 calendar: the National Day holiday ran Tue 10-01 to
Mon 10-07, with Sun 09-29 and Sat 10-12 as 调休 make-up working days; working
hours 08:30-12:00 and 13:30-17:30 (7.5 h a day). Expected values come from
the calendar and the rules, never from the code."""
from __future__ import annotations

import datetime as dt

import pytest

from core.deadlines import DeadlineRule, due_at, is_overdue_at, paused_time
from core.calendar.workcal import WorkingCalendar

D = dt.datetime


@pytest.fixture(scope="module")
def china():
    return WorkingCalendar.china(2024)


def test_the_2024_national_day_calendar_is_the_one_the_cases_assume(china):
    assert china.is_working_day(dt.date(2024, 9, 29))  # Sunday, make-up day
    assert not any(china.is_working_day(dt.date(2024, 10, d)) for d in range(1, 8))
    assert china.is_working_day(dt.date(2024, 10, 8)) and china.is_working_day(dt.date(2024, 10, 12))


def test_working_days_the_day_of_receipt_is_not_counted(china):
    # Fri 09-27 15:00 received; counted: Sun 09-29 (1), Mon 09-30 (2), Tue 10-08 (3) → its end.
    assert due_at(D(2024, 9, 27, 15, 0), DeadlineRule(3, "working_days"), china) == D(2024, 10, 8, 23, 59, 59)
    # Sat 09-28: Sun 09-29 (1), Mon 09-30 (2), Tue 10-08 (3), Wed 10-09 (4).
    assert due_at(D(2024, 9, 28, 10, 0), DeadlineRule(4, "working_days"), china) == D(2024, 10, 9, 23, 59, 59)


def test_calendar_days_end_at_the_end_of_the_last_day(china):
    # Sat 09-28 + 4 days = Wed 10-02 (a holiday), at 24:00.
    rule = DeadlineRule(4, "calendar_days")
    assert due_at(D(2024, 9, 28, 10, 0), rule, china) == D(2024, 10, 2, 23, 59, 59)
    # With the roll option: 10-02 … 10-07 are days off, so the end of Tue 10-08.
    rolled = DeadlineRule(4, "calendar_days", roll_to_working_day=True)
    assert due_at(D(2024, 9, 28, 10, 0), rolled, china) == D(2024, 10, 8, 23, 59, 59)
    # A last day that is a working day does not roll: Mon 03-04 + 2 = Wed 03-06.
    assert due_at(D(2024, 3, 4, 9, 0), DeadlineRule(2, "calendar_days", True), china) == D(2024, 3, 6, 23, 59, 59)


def test_crm_reply_days_are_calendar_days(china):
    # D-15: 省内二天 from Fri 2024-03-08 16:00 → end of Sun 03-10; 省外四天 → end of Tue 03-12.
    assert due_at(D(2024, 3, 8, 16, 0), DeadlineRule(2, "calendar_days"), china) == D(2024, 3, 10, 23, 59, 59)
    assert due_at(D(2024, 3, 8, 16, 0), DeadlineRule(4, "calendar_days"), china) == D(2024, 3, 12, 23, 59, 59)


def test_hours_run_from_the_exact_moment(china):
    assert due_at(D(2024, 3, 8, 16, 0), DeadlineRule(24, "hours"), china) == D(2024, 3, 9, 16, 0)
    assert due_at(D(2024, 3, 8, 16, 0), DeadlineRule(1.5, "hours"), china) == D(2024, 3, 8, 17, 30)


def test_working_hours_and_a_weekend_pause_adds_no_working_time(china):
    # Fri 03-08 15:00 + 8 working hours: Fri 15:00-17:30 (2.5 h), Mon 03-11
    # 08:30-12:00 (3.5 h, 6 in all), then 2 h from 13:30 → Mon 15:30.
    rule = DeadlineRule(8, "working_hours")
    start = D(2024, 3, 8, 15, 0)
    assert due_at(start, rule, china) == D(2024, 3, 11, 15, 30)
    weekend = [(D(2024, 3, 9, 0, 0), D(2024, 3, 11, 0, 0))]
    assert paused_time(rule, china, weekend) == dt.timedelta(0)
    assert due_at(start, rule, china, pauses=weekend) == D(2024, 3, 11, 15, 30)
    # A pause of one working hour (Mon 09:00-10:00) moves it to 16:30.
    assert due_at(start, rule, china, pauses=[(D(2024, 3, 11, 9), D(2024, 3, 11, 10))]) == D(2024, 3, 11, 16, 30)


def test_a_pause_in_a_day_deadline_adds_the_days_it_started(china):
    # Mon 03-04 + 2 calendar days = Wed 03-06; a pause of 1 day 3 hours adds 2 days → Fri 03-08.
    pause = [(D(2024, 3, 4, 10, 0), D(2024, 3, 5, 13, 0))]
    assert due_at(D(2024, 3, 4, 9, 0), DeadlineRule(2, "calendar_days"), china, pauses=pause) == \
        D(2024, 3, 8, 23, 59, 59)


def test_overdue_and_met_late():
    due = D(2024, 10, 8, 23, 59, 59)
    assert not is_overdue_at(due, D(2024, 10, 8, 23, 0))
    assert is_overdue_at(due, D(2024, 10, 9, 0, 0))
    assert not is_overdue_at(due, D(2024, 10, 12), done_at=D(2024, 10, 8, 9, 0))
    assert is_overdue_at(due, D(2024, 10, 12), done_at=D(2024, 10, 9, 9, 0))  # met late
    assert not is_overdue_at(None, D(2024, 10, 12))


@pytest.mark.parametrize("args, error", [
    ((2, "days"), ValueError), ((1.5, "working_days"), ValueError), ((-1, "hours"), ValueError),
    ((2, "working_days", True), ValueError), (("2", "hours"), TypeError), ((True, "hours"), TypeError),
    ((4000, "calendar_days"), ValueError),
])
def test_a_rule_that_cannot_be_counted_is_refused(args, error):
    with pytest.raises(error):
        DeadlineRule(*args)


def test_deadlines_count_in_naive_local_time(china):
    with pytest.raises(ValueError):
        due_at(D(2024, 3, 8, 16, 0, tzinfo=dt.timezone.utc), DeadlineRule(24, "hours"), china)
