"""Official holiday years (core/holidays.py): entered once by a system
administrator for all companies, used by every company calendar before
``chinesecalendar``; files refused whole with line numbers; the CLI; the
System screen (system administrators only); the dashboard tile for a missing
next year from 1 November.

The 2027 schedule below is **test data made up for these tests**, not the
State Council's notice (not announced when this was written): 2027-01-01 is
a Friday.

    2027-01-01 Fri  holiday 元旦
    2027-02-06 Sat  workday 春节调休
    2027-02-08 Mon … 2027-02-12 Fri  holiday 春节
    2027-02-20 Sat  workday 春节调休
    2027-10-01 Fri … 2027-10-07 Thu  holiday 国庆节
    2027-10-09 Sat  workday 国庆节调休
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.records import tenancy
from core.calendar import holidays
from core.calendar import company_calendar
from core.extensions import db
from core.calendar.holidays import HolidayDay, HolidayFileError, HolidayYear, YearExists
from core.calendar.days import CompanyCalendarDay
from core.calendar.workcal import CalendarDataWarning
from tests.fixtures import set_user

D = dt.datetime
SHANGHAI = ZoneInfo("Asia/Shanghai")

ROWS_2027 = [
    ("2027-01-01", "holiday", "元旦"),
    ("2027-02-06", "workday", "春节调休"),
    *[(f"2027-02-{d:02d}", "holiday", "春节") for d in range(8, 13)],
    ("2027-02-20", "workday", "春节调休"),
    *[(f"2027-10-{d:02d}", "holiday", "国庆节") for d in range(1, 8)],
    ("2027-10-09", "workday", "国庆节调休"),
]


def csv_file(rows, header=("date", "kind", "name")) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


FILE_2027 = csv_file(ROWS_2027)


def enter(app, rows=ROWS_2027, replace=False, filename="2027.csv"):
    with app.app_context():
        return holidays.import_file(filename, csv_file(rows), replace=replace).year


def stored(app):
    """Every entered day as (date, kind, name), by date."""
    with app.app_context():
        return [(d.day.isoformat(), d.kind, d.name or "")
                for d in db.session.query(HolidayDay).order_by(HolidayDay.day)]


# --- the company calendar --------------------------------------------------------

def test_importing_2027_makes_its_holidays_and_makeup_days_count(app, world):
    with app.app_context():
        plain = company_calendar(world.company("A"), years=[2027])
        # No data for 2027 yet: plain weekends. Fri 02-05 + 1 → Mon 02-08, + 2 → Tue 02-09.
        assert plain.add_working_days(D(2027, 2, 5, 10), 1) == D(2027, 2, 8, 10)
        assert plain.add_working_days(D(2027, 2, 5, 10), 2) == D(2027, 2, 9, 10)
    assert enter(app) == 2027
    with app.app_context():
        for code in ("A", "B"):  # once, for every company
            cal = company_calendar(world.company(code), years=[2027])
            # Fri 02-05 + 1 → Sat 02-06 (make-up day); + 2 → skips Sun 02-07, the
            # holidays Mon 02-08 … Fri 02-12 and the weekend 02-13/14 → Mon 02-15.
            assert cal.add_working_days(D(2027, 2, 5, 10), 1) == D(2027, 2, 6, 10)
            assert cal.add_working_days(D(2027, 2, 5, 10), 2) == D(2027, 2, 15, 10)
            # Thu 09-30 + 1 → 10-01 … 10-07 are holidays, Fri 10-08 → Fri 10-08;
            # + 2 → Sat 10-09 (make-up day); + 3 → Mon 10-11.
            assert cal.add_working_days(D(2027, 9, 30, 10), 1) == D(2027, 10, 8, 10)
            assert cal.add_working_days(D(2027, 9, 30, 10), 2) == D(2027, 10, 9, 10)
            assert cal.add_working_days(D(2027, 9, 30, 10), 3) == D(2027, 10, 11, 10)
            assert not cal.is_working_day(dt.date(2027, 1, 1))
            assert cal.is_working_day(dt.date(2027, 2, 20))
            # February 2027: 20 weekdays − 5 holidays + 2 make-up Saturdays = 17.
            assert cal.count_working_days(dt.date(2027, 2, 1), dt.date(2027, 3, 1)) == 17
        # The default years (last year to two ahead) include 2027 today too.
        assert not company_calendar(world.company("A"), years=[2026, 2027]).is_working_day(dt.date(2027, 2, 8))


def test_chinesecalendar_years_still_work_beside_an_entered_year(app, world):
    enter(app)
    with app.app_context():
        cal = company_calendar(world.company("A"), years=[2026, 2027])
        # 2026 from chinesecalendar 1.11: Wed 09-30 + 1 skips National Day → Thu 10-08.
        assert cal.add_working_days(D(2026, 9, 30, 10), 1) == D(2026, 10, 8, 10)
        assert cal.is_working_day(dt.date(2026, 9, 20))  # a Sunday make-up day
        assert holidays.year_source(2026) == "chinesecalendar"
        assert holidays.year_source(2027) == "entered"
        assert holidays.year_source(2028) == "missing"


def test_entered_year_wins_over_chinesecalendar(app, world):
    with app.app_context():
        library = company_calendar(world.company("A"), years=[2025])
        assert not library.is_working_day(dt.date(2025, 10, 2))   # National Day in the package
        assert library.is_working_day(dt.date(2025, 9, 28))       # a Sunday make-up day there
    # An entered 2025 (made up) replaces the package's whole year: only 10-01 off.
    enter(app, [("2025-10-01", "holiday", "国庆节"), ("2025-10-11", "workday", "调休")], filename="2025.csv")
    with app.app_context():
        cal = company_calendar(world.company("A"), years=[2025])
        assert not cal.is_working_day(dt.date(2025, 10, 1))
        assert cal.is_working_day(dt.date(2025, 10, 2))
        assert not cal.is_working_day(dt.date(2025, 9, 28))
        assert cal.is_working_day(dt.date(2025, 10, 11))
        assert holidays.year_source(2025) == "entered"
        # Removing the entered year gives the package's data back.
        assert holidays.delete_year(2025) == 2
        assert not company_calendar(world.company("A"), years=[2025]).is_working_day(dt.date(2025, 10, 2))


def test_company_days_still_win_and_the_holiday_switch_still_applies(app, world):
    from core.settings import set_settings
    enter(app)
    with app.app_context():
        company, admin = world.company("A"), world.user("admin@a.test")
        with tenancy.acting_as(company, admin):
            db.session.add(CompanyCalendarDay(day=dt.date(2027, 2, 8), kind="work"))
            db.session.add(CompanyCalendarDay(day=dt.date(2027, 2, 6), kind="off"))
            db.session.commit()
        cal = company_calendar(company, years=[2027])
        assert cal.is_working_day(dt.date(2027, 2, 8)) and not cal.is_working_day(dt.date(2027, 2, 6))
        b = world.company("B")
        set_settings({"core.calendar.china_holidays": "false"}, b)
        off = company_calendar(b, years=[2027])
        assert off.is_working_day(dt.date(2027, 1, 1)) and not off.is_working_day(dt.date(2027, 2, 6))


def test_a_year_missing_from_both_is_warned_about_and_counts_weekends(app, world, caplog):
    with app.app_context(), caplog.at_level(logging.WARNING, logger="core.calendar.workcal"):
        with pytest.warns(CalendarDataWarning, match="2150"):
            cal = company_calendar(world.company("A"), years=[2150])
        assert "no Chinese holiday data for 2150" in caplog.text and "Holiday years" in caplog.text
        assert cal.is_working_day(dt.date(2150, 1, 1))  # a Thursday, no data
    enter(app, [("2150-01-01", "holiday", "元旦")], filename="2150.csv")
    with app.app_context(), warnings.catch_warnings():
        warnings.simplefilter("error", CalendarDataWarning)  # entered: no warning any more
        assert not company_calendar(world.company("A"), years=[2150]).is_working_day(dt.date(2150, 1, 1))


# --- files -------------------------------------------------------------------------

def test_chinese_kinds_and_headers_and_slashes_are_accepted(app):
    data = csv_file([("2027/1/1", "放假", "元旦"), ("2027-02-06", "上班", ""), ("2027-02-08", "Holiday", "春节")],
                    header=("日期", "类型", "名称"))
    with app.app_context():
        schedule = holidays.parse_file("2027.csv", data)
        assert schedule.year == 2027
        assert schedule.days == ((dt.date(2027, 1, 1), "holiday", "元旦"), (dt.date(2027, 2, 6), "workday", ""),
                                 (dt.date(2027, 2, 8), "holiday", "春节"))


def test_xlsx_file_is_imported(app, world):
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "kind", "name"])
    for day, kind, name in ROWS_2027:
        sheet.append([dt.date.fromisoformat(day), kind, name])  # real date cells
    out = io.BytesIO()
    book.save(out)
    with app.app_context():
        year = holidays.import_file("2027.xlsx", out.getvalue())
        assert year.year == 2027 and len(year.days) == len(ROWS_2027)
    assert stored(app) == [(d, k, n) for d, k, n in sorted(ROWS_2027)]


def test_an_entered_year_is_replaced_only_when_asked(app):
    enter(app)
    with app.app_context():
        with pytest.raises(YearExists, match="2027 is entered already"):
            holidays.import_file("2027.csv", csv_file([("2027-01-01", "holiday", "元旦")]))
    assert len(stored(app)) == len(ROWS_2027)
    enter(app, [("2027-01-01", "holiday", "元旦"), ("2027-02-08", "holiday", "春节")], replace=True)
    assert stored(app) == [("2027-01-01", "holiday", "元旦"), ("2027-02-08", "holiday", "春节")]
    with app.app_context():
        assert db.session.query(HolidayYear).count() == 1


MALFORMED = {
    # case: (rows or raw bytes, header, expected message part with its line)
    "bad date": ([("2027-01-01", "holiday", "元旦"), ("2027-02-30", "holiday", "春节")], None,
                 "Line 3: '2027-02-30' is not a date"),
    "not a date": ([("2027-01-01", "holiday", "元旦"), ("next monday", "holiday", "春节")], None,
                   "Line 3: 'next monday' is not a date"),
    "unknown kind": ([("2027-01-01", "holiday", "元旦"), ("2027-02-08", "vacation", "春节")], None,
                     "Line 3: 'vacation' is not a kind of day"),
    "a date twice": ([("2027-01-01", "holiday", "元旦"), ("2027-02-08", "holiday", "春节"),
                      ("2027-01-01", "holiday", "元旦")], None, "Line 4: 2027-01-01 is already on line 2"),
    "two years mixed": ([("2027-01-01", "holiday", "元旦"), ("2028-01-01", "holiday", "元旦")], None,
                        "Line 3: 2028-01-01 is in 2028 but the file's first date (line 2) is in 2027"),
    "workday on a weekday": ([("2027-01-01", "holiday", "元旦"), ("2027-02-10", "workday", "调休")], None,
                             "Line 3: 2027-02-10 is a weekday"),
    "unknown column": ([("2027-01-01", "holiday", "元旦")], ("date", "kind", "name", "colour"),
                       "Line 1: unknown column 'colour'"),
    "missing kind column": ([("2027-01-01", "元旦")], ("date", "name"), "Line 1: the column kind is missing"),
    "no holiday": ([("2027-02-06", "workday", "调休")], None, "The file has no holiday"),
    "name too long": ([("2027-01-01", "holiday", "元" * 51)], None, "Line 2: the name is longer than 50"),
    "more cells than columns": ([("2027-01-01", "holiday", "元旦", "extra")], None,
                                "Line 2: more cells than columns"),
    "year out of range": ([("1999-01-01", "holiday", "元旦")], None, "Line 2: 1999-01-01 is not between"),
    "empty file": (b"", None, "The file is empty"),
    "header only": (b"date,kind,name\n", None, "no data rows"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_file_is_refused_with_its_line_and_nothing_changes(app, case):
    enter(app)  # a good 2027 first: the refused file must leave it as it is
    before = stored(app)
    rows, header, expected = MALFORMED[case]
    data = rows if isinstance(rows, bytes) else csv_file(rows, header or ("date", "kind", "name"))
    with app.app_context():
        with pytest.raises(HolidayFileError) as refused:
            holidays.import_file("2027.csv", data, replace=True)
        assert any(expected in e for e in refused.value.errors), refused.value.errors
    assert stored(app) == before


def test_every_bad_line_is_listed(app):
    data = csv_file([("2027-01-01", "holiday", "元旦"), ("2027-13-01", "holiday", "x"), ("2027-02-08", "?", "y")])
    with app.app_context():
        with pytest.raises(HolidayFileError) as refused:
            holidays.parse_file("2027.csv", data)
    assert [e.split(":")[0] for e in refused.value.errors] == ["Line 3", "Line 4"]


def test_a_file_for_a_given_year_holds_only_that_year(app):
    with app.app_context():
        with pytest.raises(HolidayFileError, match="Line 2: 2027-01-01 is not in 2028"):
            holidays.parse_file("x.csv", FILE_2027, year=2028)
        with pytest.raises(HolidayFileError, match="Wrong file type"):
            holidays.parse_file("2027.txt", FILE_2027)


# --- command line ------------------------------------------------------------------

@pytest.fixture
def qdesk(app):
    from core.cli import main
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(main, list(args))


def test_cli_import_and_years(app, qdesk, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_bytes(FILE_2027)
    result = qdesk("calendar", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "2027 entered: 13 holidays, 3 make-up working days" in result.output
    years = qdesk("calendar", "years")
    assert years.exit_code == 0, years.output
    lines = {line.split()[0]: line for line in years.output.splitlines() if line.strip()}
    assert "entered" in lines["2027"] and "13 holidays" in lines["2027"] and "3 make-up days" in lines["2027"]
    assert "chinesecalendar" in lines["2026"]
    assert "missing" in lines["2028"]
    # Again without --replace: refused; with it: replaced.
    again = qdesk("calendar", "import", str(path))
    assert again.exit_code == 1 and "entered already" in again.output and "--replace" in again.output
    path.write_bytes(csv_file([("2027-01-01", "holiday", "元旦")]))
    assert qdesk("calendar", "import", str(path), "--replace").exit_code == 0
    assert stored(app) == [("2027-01-01", "holiday", "元旦")]


def test_cli_refuses_a_malformed_file_with_the_line(app, qdesk, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([("2027-01-01", "holiday", "元旦"), ("2027-01-01", "holiday", "元旦")]))
    result = qdesk("calendar", "import", str(path))
    assert result.exit_code == 1
    assert "nothing changed" in result.output and "Line 3: 2027-01-01 is already on line 2" in result.output
    assert stored(app) == []
    assert qdesk("calendar", "import", str(tmp_path / "none.csv")).exit_code == 2  # no such file


# --- the System screen ---------------------------------------------------------------

URL = "/admin/system/holidays/"


def day_id(app, day):
    with app.app_context():
        return db.session.query(HolidayDay).filter_by(day=dt.date.fromisoformat(day)).one().id


@pytest.mark.parametrize("email", ["admin@a.test", "manager@a.test", "staff@a.test", "readonly@a.test"])
def test_system_screen_refuses_company_users(app, world, client_for, email):
    enter(app)
    pk = day_id(app, "2027-01-01")
    client = client_for(email)
    for url in (URL, f"{URL}?year=2027", f"{URL}new/", f"{URL}edit/?id={pk}", f"{URL}details/?id={pk}",
                f"{URL}upload/"):
        assert client.get(url).status_code == 403, url
    posts = [(f"{URL}new/", {"day": "2027-03-06", "kind": "workday", "name": "x"}),
             (f"{URL}edit/?id={pk}", {"day": "2027-01-01", "kind": "holiday", "name": "changed"}),
             (f"{URL}delete/", {"id": pk}),
             (f"{URL}action/", {"action": "delete", "rowid": pk}),
             (f"{URL}delete-year/", {"year": "2027"})]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    upload = client.post(f"{URL}upload/", {"file": (io.BytesIO(csv_file([("2027-01-01", "holiday", "x")])),
                                                     "2027.csv"), "replace": "1"},
                         content_type="multipart/form-data")
    assert upload.status_code == 403
    assert stored(app) == [(d, k, n) for d, k, n in sorted(ROWS_2027)]
    assert "Holiday years" not in client.get("/admin/").get_data(as_text=True)  # no menu entry


def test_system_screen_sends_anonymous_users_to_login(app, world):
    response = app.test_client().get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def sysadmin(app, world, client_for):
    set_user(app, "admin@a.test", is_system_admin=True)
    return client_for("admin@a.test")


def test_system_screen_lists_years_with_their_source(app, sysadmin):
    enter(app)
    page = sysadmin.get(URL).get_data(as_text=True)
    assert 'data-year="2027" data-source="entered"' in page
    assert 'data-year="2026" data-source="chinesecalendar"' in page
    assert 'data-year="2028" data-source="missing"' in page
    assert "Holiday years" in sysadmin.get("/admin/").get_data(as_text=True)  # menu entry under System
    year = sysadmin.get(f"{URL}?year=2027").get_data(as_text=True)
    assert "Days of 2027" in year and "2027-02-06" in year and "春节调休" in year and "Saturday" in year
    library = sysadmin.get(f"{URL}?year=2026").get_data(as_text=True)
    assert 'id="holiday-library-days"' in library and "2026-10-01" in library
    assert "2027-02-06" not in library  # the days of the chosen year only


def test_system_screen_adds_edits_and_deletes_days(app, sysadmin):
    response = sysadmin.post(f"{URL}new/", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert stored(app) == [("2027-01-01", "holiday", "元旦")]
    with app.app_context():
        assert holidays.year_source(2027) == "entered"
        assert db.session.query(HolidayYear).one().updated_by.email == "admin@a.test"
    # The same date twice, a make-up day on a weekday: a sentence, nothing stored.
    twice = sysadmin.post(f"{URL}new/", {"day": "2027-01-01", "kind": "holiday", "name": "x"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Already exists." in twice  # the form's own check of the unique date
    weekday = sysadmin.post(f"{URL}new/", {"day": "2027-02-10", "kind": "workday", "name": "x"},
                            follow_redirects=True).get_data(as_text=True)
    assert "2027-02-10 is a weekday" in weekday
    assert stored(app) == [("2027-01-01", "holiday", "元旦")]
    pk = day_id(app, "2027-01-01")
    edit = sysadmin.post(f"{URL}edit/?id={pk}", {"day": "2027-01-01", "kind": "holiday", "name": "New Year"})
    assert edit.status_code == 302
    assert stored(app) == [("2027-01-01", "holiday", "New Year")]
    # Moved to another year: the emptied year goes.
    sysadmin.post(f"{URL}edit/?id={pk}", {"day": "2028-01-01", "kind": "holiday", "name": "元旦"})
    with app.app_context():
        assert [y.year for y in db.session.query(HolidayYear)] == [2028]
    assert sysadmin.post(f"{URL}delete/", {"id": pk}).status_code == 302
    assert stored(app) == []
    with app.app_context():
        assert db.session.query(HolidayYear).count() == 0
        assert holidays.year_source(2028) == "missing"


def upload(client, data, filename="2027.csv", **fields):
    return client.post(f"{URL}upload/", {"file": (io.BytesIO(data), filename), **fields},
                       content_type="multipart/form-data")


def test_system_screen_uploads_a_year(app, world, sysadmin):
    assert sysadmin.get(f"{URL}upload/?year=2027").status_code == 200
    response = upload(sysadmin, FILE_2027, year="2027")
    assert response.status_code == 302 and response.headers["Location"].endswith("?year=2027")
    assert len(stored(app)) == len(ROWS_2027)
    page = sysadmin.get(response.headers["Location"]).get_data(as_text=True)
    assert "2027 entered: 13 holidays and 3 make-up working days" in page
    with app.app_context():
        assert not company_calendar(world.company("B"), years=[2027]).is_working_day(dt.date(2027, 2, 8))
    # Again without replace: refused, 400; with replace: the new file.
    again = upload(sysadmin, csv_file([("2027-01-01", "holiday", "元旦")]))
    assert again.status_code == 400 and "2027 is entered already" in again.get_data(as_text=True)
    assert len(stored(app)) == len(ROWS_2027)
    assert upload(sysadmin, csv_file([("2027-01-01", "holiday", "元旦")]), replace="1").status_code == 302
    assert stored(app) == [("2027-01-01", "holiday", "元旦")]


def test_system_screen_refuses_a_malformed_upload_and_changes_nothing(app, sysadmin):
    enter(app)
    before = stored(app)
    bad = csv_file([("2027-01-01", "holiday", "元旦"), ("2027-02-08", "vacation", "春节"),
                    ("2028-01-01", "holiday", "元旦")])
    response = upload(sysadmin, bad, replace="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nothing was changed" in page
    assert "Line 3: &#39;vacation&#39; is not a kind of day" in page
    assert "Line 4: 2028-01-01 is in 2028" in page
    assert upload(sysadmin, FILE_2027, year="2028", replace="1").status_code == 400  # not the year asked
    assert upload(sysadmin, FILE_2027, year="２０２７").status_code == 400  # not ASCII digits
    assert sysadmin.post(f"{URL}upload/", {}, content_type="multipart/form-data").status_code == 400  # no file
    assert stored(app) == before


def test_system_screen_removes_an_entered_year(app, sysadmin):
    enter(app)
    response = sysadmin.post(f"{URL}delete-year/", {"year": "2027"}, follow_redirects=True)
    assert "2027 removed (16 days)" in response.get_data(as_text=True)
    assert stored(app) == []
    assert "That year is not entered" in sysadmin.post(f"{URL}delete-year/", {"year": "x" * 99},
                                                       follow_redirects=True).get_data(as_text=True)


def test_system_screen_year_pages_survive_hostile_input(app, world, sysadmin):
    """The screen's own year pages (its model pages are in tests/test_fuzz.py)."""
    from tests.test_fuzz import Fuzzer
    enter(app)
    fz = Fuzzer(sysadmin, "core_holidays")
    for year in ("2027", "99999999999999999999", "-1", "²", "1899", "", "\x00"):
        fz.get("page", URL, {"year": year})
        fz.get("page", f"{URL}upload/", {"year": year})
        fz.post("page-post", f"{URL}delete-year/", {"year": year}, f"year={year!r}")
    fz.check()


# --- the dashboard tile ----------------------------------------------------------------

TILE = "No public holidays for 2027 yet"


def at(year, month, day, hour=12):
    """Freeze the clock at a moment of Shanghai time (the server runs UTC)."""
    return time_machine.travel(D(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


def test_dashboard_warns_admins_from_1_november_when_next_year_is_missing(app, world, client_for):
    with at(2026, 10, 31):
        assert TILE not in client_for("admin@a.test").get("/admin/").get_data(as_text=True)
    with at(2026, 11, 1, 10):
        for code in ("a", "b"):
            page = client_for(f"admin@{code}.test").get("/admin/").get_data(as_text=True)
            assert TILE in page and "System → Holiday years" in page and "2027 missing" in page
            assert f'href="{URL}"' in page
        # Company admins only: the people who keep the company calendar.
        assert TILE not in client_for("staff@a.test").get("/admin/").get_data(as_text=True)
        assert TILE not in client_for("manager@a.test").get("/admin/").get_data(as_text=True)
    with at(2026, 12, 31, 23):
        assert TILE in client_for("admin@a.test").get("/admin/").get_data(as_text=True)
    enter(app)  # entered: the warning is gone
    with at(2026, 11, 1, 10):
        assert TILE not in client_for("admin@a.test").get("/admin/").get_data(as_text=True)


def test_dashboard_is_quiet_when_chinesecalendar_knows_next_year(app, world, client_for):
    with at(2025, 11, 15):  # 2026 is in chinesecalendar 1.11
        page = client_for("admin@a.test").get("/admin/").get_data(as_text=True)
        assert "No public holidays for 2026" not in page


def test_missing_next_year_by_date(app):
    with app.app_context():
        assert holidays.missing_next_year(dt.date(2026, 10, 31)) is None
        assert holidays.missing_next_year(dt.date(2026, 11, 1)) == 2027
        assert holidays.missing_next_year(dt.date(2025, 12, 1)) is None  # 2026 in chinesecalendar
    enter(app)
    with app.app_context():
        assert holidays.missing_next_year(dt.date(2026, 11, 1)) is None
        assert holidays.missing_next_year(dt.date(2027, 11, 1)) == 2028
