"""Deadline arithmetic (core.calendar.workcal): cases worked by hand from the calendar.

Default calendar: Monday-Friday, 08:30-12:00 and 13:30-17:30 (7.5 h a day).

Chinese data (chinesecalendar, State Council announcements):
* 2025 National Day + Mid-Autumn: Wed 1 Oct - Wed 8 Oct off; make-up working
  days Sun 28 Sep and Sat 11 Oct.
* 2026 New Year: Thu 1 Jan - Sat 3 Jan off; make-up working day Sun 4 Jan.
* 2024 National Day: Tue 1 Oct - Mon 7 Oct off; make-up Sun 29 Sep, Sat 12 Oct.
* 2026 Spring Festival: Sun 15 Feb - Mon 23 Feb off; make-up Sat 14 Feb, Sat 28 Feb.
* 2025 has 248 working days (261 weekdays - 18 weekday holidays + 5 make-up days).

March 2025 reference week: Mon 10, Tue 11, Wed 12, Thu 13, Fri 14, Sat 15, Sun 16, Mon 17.
"""
from __future__ import annotations

import warnings
from datetime import date, datetime, time, timedelta, timezone

import pytest

from core.calendar.workcal import CalendarDataWarning, WorkingCalendar

PLAIN = WorkingCalendar()


def dt(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi)


def hours(h):
    return timedelta(hours=h)


@pytest.fixture(scope="module")
def china():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 2024-2026 must be covered by the library
        return WorkingCalendar.china([2024, 2025, 2026])


# ---------------------------------------------------------------- the data

def test_library_covers_2024_to_2026_with_real_dates(china):
    # 2025 National Day
    for day in range(1, 9):
        assert not china.is_working_day(date(2025, 10, day)), f"2025-10-{day:02d} is a holiday"
    assert china.is_working_day(date(2025, 9, 28))  # Sunday, make-up
    assert china.is_working_day(date(2025, 10, 11))  # Saturday, make-up
    assert china.is_working_day(date(2025, 10, 9))
    assert not china.is_working_day(date(2025, 10, 12))  # ordinary Sunday
    assert not china.is_working_day(date(2025, 9, 27))  # ordinary Saturday
    # 2024 National Day
    assert not china.is_working_day(date(2024, 10, 7))
    assert china.is_working_day(date(2024, 9, 29))
    assert china.is_working_day(date(2024, 10, 12))
    # 2026 Spring Festival and New Year
    assert not china.is_working_day(date(2026, 2, 16))
    assert not china.is_working_day(date(2026, 2, 23))
    assert china.is_working_day(date(2026, 2, 14))
    assert china.is_working_day(date(2026, 2, 28))
    assert not china.is_working_day(date(2026, 1, 1))
    assert china.is_working_day(date(2026, 1, 4))


def test_2025_has_248_working_days(china):
    assert china.count_working_days(date(2025, 1, 1), date(2026, 1, 1)) == 248
    assert china.working_time_between(dt(2025, 1, 1), dt(2026, 1, 1)) == hours(248 * 7.5)


# ------------------------------------------------------------ working days

def test_two_working_days_from_thursday_afternoon_is_monday_same_time():
    assert PLAIN.add_working_days(dt(2025, 3, 13, 15), 2) == dt(2025, 3, 17, 15)
    assert PLAIN.add_working_days(dt(2025, 3, 13, 15), 1) == dt(2025, 3, 14, 15)
    assert PLAIN.add_working_days(dt(2025, 3, 13, 15), 10) == dt(2025, 3, 27, 15)


def test_working_days_across_national_day(china):
    # Tuesday 30 Sep before the holiday: next working day is Thursday 9 Oct.
    assert china.add_working_days(dt(2025, 9, 30, 10), 1) == dt(2025, 10, 9, 10)
    assert china.add_working_days(dt(2025, 9, 30, 10), 2) == dt(2025, 10, 10, 10)
    assert china.add_working_days(dt(2025, 9, 30, 10), 3) == dt(2025, 10, 11, 10)  # make-up Sat
    assert china.add_working_days(dt(2025, 9, 30, 10), 4) == dt(2025, 10, 13, 10)
    # Friday 26 Sep + 1 is the make-up Sunday 28 Sep.
    assert china.add_working_days(dt(2025, 9, 26, 10), 1) == dt(2025, 9, 28, 10)
    # Received during the holiday: counting starts Thursday 9 Oct 08:30.
    assert china.add_working_days(dt(2025, 10, 3, 11), 1) == dt(2025, 10, 10, 8, 30)
    # 15 working days (quality tracking) from Mon 22 Sep 09:00:
    # 23,24,25,26,28(Sun),29,30 Sep = 7; 9,10,11(Sat),13,14,15,16,17 Oct = 15.
    assert china.add_working_days(dt(2025, 9, 22, 9), 15) == dt(2025, 10, 17, 9)


def test_make_up_saturday_is_a_working_day(china):
    assert china.add_working_days(dt(2025, 10, 10, 16), 1) == dt(2025, 10, 11, 16)
    assert china.next_working_moment(dt(2025, 10, 11, 7)) == dt(2025, 10, 11, 8, 30)
    assert china.next_working_moment(dt(2025, 10, 11, 9)) == dt(2025, 10, 11, 9)
    assert china.add_working_hours(dt(2025, 10, 10, 17), 1) == dt(2025, 10, 11, 9)
    # The plain calendar knows nothing of it: Friday + 1 is Monday.
    assert PLAIN.add_working_days(dt(2025, 10, 10, 16), 1) == dt(2025, 10, 13, 16)


def test_year_boundary(china):
    # Wed 31 Dec 2025; 1-3 Jan 2026 off; Sun 4 Jan make-up.
    assert china.add_working_days(dt(2025, 12, 31, 10), 1) == dt(2026, 1, 4, 10)
    assert china.add_working_days(dt(2025, 12, 31, 10), 2) == dt(2026, 1, 5, 10)
    assert china.add_working_hours(dt(2025, 12, 31, 17), 1) == dt(2026, 1, 4, 9)
    assert china.working_time_between(dt(2025, 12, 31, 17), dt(2026, 1, 4, 9)) == hours(1)
    # Plain weekends: Wed 31 Dec + 1 = Thu 1 Jan.
    assert PLAIN.add_working_days(dt(2025, 12, 31, 10), 1) == dt(2026, 1, 1, 10)


# ----------------------------------------------------------- working hours

def test_working_hours_across_lunch_and_overnight():
    assert PLAIN.add_working_hours(dt(2025, 3, 10, 11), 2) == dt(2025, 3, 10, 14, 30)  # lunch
    assert PLAIN.add_working_hours(dt(2025, 3, 10, 16, 30), 2) == dt(2025, 3, 11, 9, 30)  # night
    assert PLAIN.add_working_hours(dt(2025, 3, 14, 17), 1) == dt(2025, 3, 17, 9)  # weekend
    assert PLAIN.add_working_hours(dt(2025, 3, 10, 11), timedelta(minutes=90)) == dt(2025, 3, 10, 14)


def test_working_hours_end_at_period_end_not_next_start():
    assert PLAIN.add_working_hours(dt(2025, 3, 10, 8, 30), 3.5) == dt(2025, 3, 10, 12)
    assert PLAIN.add_working_hours(dt(2025, 3, 10, 8, 30), 7.5) == dt(2025, 3, 10, 17, 30)
    assert PLAIN.add_working_hours(dt(2025, 3, 10, 8, 30), 15) == dt(2025, 3, 11, 17, 30)


def test_24_working_hours():
    # Mon 09:00: Mon 7 h, Tue 7.5, Wed 7.5 = 22 h; Thu 08:30 + 2 h.
    assert PLAIN.add_working_hours(dt(2025, 3, 10, 9), 24) == dt(2025, 3, 13, 10, 30)


def test_24_working_hours_across_national_day(china):
    # Tue 30 Sep 09:00: 7 h; Thu 9 Oct 7.5; Fri 10 Oct 7.5 = 22 h; make-up Sat 11 Oct 08:30 + 2 h.
    assert china.add_working_hours(dt(2025, 9, 30, 9), 24) == dt(2025, 10, 11, 10, 30)


def test_custom_single_period_day():
    cal = WorkingCalendar(hours=[(time(9), time(18))])
    assert cal.working_day_length == hours(9)
    assert cal.add_working_hours(dt(2025, 3, 10, 9), 24) == dt(2025, 3, 12, 15)
    assert cal.add_working_hours(dt(2025, 3, 10, 9), 18) == dt(2025, 3, 11, 18)


# ------------------------------------------------------------ elapsed time

def test_working_time_between_spanning_a_weekend():
    # Fri 16:00-17:30 = 1.5 h, Mon 08:30-10:00 = 1.5 h.
    assert PLAIN.working_time_between(dt(2025, 3, 14, 16), dt(2025, 3, 17, 10)) == hours(3)
    assert PLAIN.working_time_between(dt(2025, 3, 17, 10), dt(2025, 3, 14, 16)) == -hours(3)
    assert PLAIN.working_time_between(dt(2025, 3, 15, 9), dt(2025, 3, 16, 18)) == timedelta(0)
    assert PLAIN.working_time_between(dt(2025, 3, 10, 11), dt(2025, 3, 10, 11)) == timedelta(0)


def test_working_time_between_within_a_day_and_over_weeks(china):
    assert PLAIN.working_time_between(dt(2025, 3, 10, 11), dt(2025, 3, 10, 14)) == hours(1.5)
    assert PLAIN.working_time_between(dt(2025, 3, 10, 12), dt(2025, 3, 10, 13, 30)) == timedelta(0)
    assert PLAIN.working_time_between(dt(2025, 3, 10, 8, 30), dt(2025, 3, 17, 8, 30)) == hours(37.5)
    # Tue 30 Sep 09:00 (7 h) .. Thu 9 Oct 09:00 (0.5 h), the holiday in between.
    assert china.working_time_between(dt(2025, 9, 30, 9), dt(2025, 10, 9, 9)) == hours(7.5)


def test_elapsed_time_inverts_added_hours(china):
    starts = [dt(2025, 9, 26, 7), dt(2025, 9, 30, 12, 15), dt(2025, 10, 4, 10), dt(2025, 12, 31, 17, 29)]
    for start in starts:
        for amount in (0.25, 1, 3.5, 7.5, 24, 80):
            end = china.add_working_hours(start, amount)
            assert china.working_time_between(start, end) == hours(amount), (start, amount)


# ----------------------------------------------------- outside hours, n = 0

def test_moment_outside_working_hours():
    sat = dt(2025, 3, 15, 10)
    assert PLAIN.next_working_moment(sat) == dt(2025, 3, 17, 8, 30)
    assert PLAIN.add_working_days(sat, 1) == dt(2025, 3, 18, 8, 30)  # counts from Monday 08:30
    assert PLAIN.next_working_moment(dt(2025, 3, 13, 12, 10)) == dt(2025, 3, 13, 13, 30)
    assert PLAIN.add_working_days(dt(2025, 3, 13, 12, 10), 1) == dt(2025, 3, 14, 13, 30)
    assert PLAIN.add_working_days(dt(2025, 3, 13, 18), 1) == dt(2025, 3, 17, 8, 30)
    assert PLAIN.next_working_moment(dt(2025, 3, 13, 7)) == dt(2025, 3, 13, 8, 30)
    assert PLAIN.next_working_moment(dt(2025, 3, 13, 12)) == dt(2025, 3, 13, 13, 30)
    assert PLAIN.next_working_moment(dt(2025, 3, 14, 17, 30)) == dt(2025, 3, 17, 8, 30)
    assert PLAIN.next_working_moment(dt(2025, 3, 13, 8, 30)) == dt(2025, 3, 13, 8, 30)


def test_zero_returns_next_working_moment():
    assert PLAIN.add_working_days(dt(2025, 3, 13, 15), 0) == dt(2025, 3, 13, 15)
    assert PLAIN.add_working_days(dt(2025, 3, 15, 10), 0) == dt(2025, 3, 17, 8, 30)
    assert PLAIN.add_working_hours(dt(2025, 3, 13, 15), 0) == dt(2025, 3, 13, 15)
    assert PLAIN.add_working_hours(dt(2025, 3, 13, 12, 30), 0) == dt(2025, 3, 13, 13, 30)


# -------------------------------------------------------- custom calendars

def test_six_day_week():
    cal = WorkingCalendar(weekdays={0, 1, 2, 3, 4, 5})
    assert cal.add_working_days(dt(2025, 3, 13, 15), 2) == dt(2025, 3, 15, 15)  # Saturday
    assert cal.add_working_days(dt(2025, 3, 13, 15), 3) == dt(2025, 3, 17, 15)
    assert cal.working_time_between(dt(2025, 3, 10, 8, 30), dt(2025, 3, 17, 8, 30)) == hours(45)


def test_company_day_off_and_extra_working_day():
    off = PLAIN.with_days_off([date(2025, 3, 14)])
    assert off.add_working_days(dt(2025, 3, 13, 15), 2) == dt(2025, 3, 18, 15)
    assert PLAIN.add_working_days(dt(2025, 3, 13, 15), 2) == dt(2025, 3, 17, 15)  # unchanged
    work = off.with_working_days([date(2025, 3, 16)])  # a Sunday
    assert work.add_working_days(dt(2025, 3, 13, 15), 1) == dt(2025, 3, 16, 15)
    assert work.count_working_days(date(2025, 3, 10), date(2025, 3, 17)) == 5


def test_company_adjusts_chinese_calendar(china):
    cal = china.with_working_days([date(2025, 10, 8)]).with_days_off([date(2025, 10, 11)])
    assert cal.add_working_days(dt(2025, 9, 30, 10), 1) == dt(2025, 10, 8, 10)
    assert cal.add_working_days(dt(2025, 10, 10, 10), 1) == dt(2025, 10, 13, 10)
    assert china.is_working_day(date(2025, 10, 11))  # original unchanged


def test_china_with_six_day_week_keeps_weekend_holidays():
    cal = WorkingCalendar.china(2025, weekdays={0, 1, 2, 3, 4, 5})
    assert not cal.is_working_day(date(2025, 10, 4))  # Saturday inside National Day
    assert cal.is_working_day(date(2025, 10, 18))  # ordinary Saturday
    assert cal.is_working_day(date(2025, 9, 28))  # make-up Sunday


# ---------------------------------------------------------- unknown years

def test_unknown_future_year_falls_back_to_weekends():
    with pytest.warns(CalendarDataWarning, match="2099"):
        cal = WorkingCalendar.china([2025, 2099])
    assert cal.is_working_day(date(2099, 10, 1))  # a Thursday, no data: ordinary day
    assert not cal.is_working_day(date(2099, 10, 3))  # Saturday
    assert cal.add_working_days(dt(2099, 10, 1, 10), 2) == dt(2099, 10, 5, 10)
    assert not cal.is_working_day(date(2025, 10, 1))  # known year still applied


# --------------------------------------------------------- input checking

def test_invalid_input_is_refused():
    with pytest.raises(ValueError):
        PLAIN.add_working_days(dt(2025, 3, 13, 15), -1)
    with pytest.raises(ValueError):
        PLAIN.add_working_hours(dt(2025, 3, 13, 15), -1)
    with pytest.raises(ValueError):
        PLAIN.next_working_moment(datetime(2025, 3, 13, 15, tzinfo=timezone.utc))
    with pytest.raises(ValueError):
        WorkingCalendar(weekdays=set())
    with pytest.raises(ValueError):
        WorkingCalendar(holidays={date(2025, 3, 15)}, makeup_days={date(2025, 3, 15)})
    with pytest.raises(ValueError):
        WorkingCalendar(hours=[(time(13), time(17)), (time(8), time(12))])


def test_far_deadlines_are_computed_without_walking_days():
    # 2600 working days of a plain Mon-Fri week are exactly 520 weeks.
    start = dt(2025, 3, 10, 10)
    assert PLAIN.add_working_days(start, 2600) == start + timedelta(weeks=520)
    assert PLAIN.working_time_between(start, start + timedelta(weeks=520)) == hours(2600 * 7.5)


def test_entered_years_replace_the_library_and_silence_the_warning():
    import warnings
    # 2025 entered by hand (made up: only 10-01 off, Sat 10-11 worked) replaces
    # the package's whole 2025; 2099 entered: no CalendarDataWarning for it.
    entered = {2025: ([date(2025, 10, 1)], [date(2025, 10, 11)]), 2099: ([date(2099, 10, 1)], [])}
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalendarDataWarning)
        cal = WorkingCalendar.china([2025, 2099], entered=entered)
    assert not cal.is_working_day(date(2025, 10, 1))
    assert cal.is_working_day(date(2025, 10, 2))       # a holiday in the package, not here
    assert not cal.is_working_day(date(2025, 9, 28))   # a make-up Sunday in the package, not here
    assert cal.is_working_day(date(2025, 10, 11))
    assert not cal.is_working_day(date(2099, 10, 1))
    # Dates outside the entered year are ignored.
    other = WorkingCalendar.china([2024], entered={2024: ([date(2025, 1, 2)], [])})
    assert other.is_working_day(date(2025, 1, 2))
