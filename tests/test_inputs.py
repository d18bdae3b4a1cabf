"""core.records.inputs: the one set of rules for numbers, ids, dates and months
from URLs and forms, and the field bounds the admin shell derives from them."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest
from sqlalchemy import BigInteger, Date, Float, Integer, Numeric, SmallInteger

from core.records import inputs
from tests.fixtures import make_note

NOT_IDS = ["", " ", "abc", "-1", "0", "00", "²", "٣", "١٢", "1e3", "0x1F", "1.5", "+1", "9" * 20,
           str(2**31), str(2**63), "1" * 1000, None, True, 1.0, b"\xff", "1\x00"]


@pytest.mark.parametrize("text", NOT_IDS, ids=repr)
def test_parse_id_refuses_what_is_not_an_id(text):
    assert inputs.parse_id(text) is None


def test_parse_id_accepts_ascii_ids_in_the_column_range():
    assert inputs.parse_id("7") == 7
    assert inputs.parse_id(" 42 ") == 42
    assert inputs.parse_id(12) == 12
    assert inputs.parse_id(str(2**31 - 1)) == 2**31 - 1
    assert inputs.parse_id(str(2**31), hi=inputs.BIGINT_MAX) == 2**31


def test_parse_ids_keeps_valid_ids_once_in_order():
    assert inputs.parse_ids(["3", "²", "1", "3", "9" * 20, "٣", "2"]) == [3, 1, 2]
    assert inputs.parse_ids(None) == []


def test_parse_int_is_ascii_only_and_bounded():
    assert inputs.parse_int("-5") == -5
    assert inputs.parse_int("٣") is None
    assert inputs.parse_int("²") is None
    assert inputs.parse_int("1e400") is None
    assert inputs.parse_int("5", lo=6) is None
    assert inputs.parse_int("5", hi=4) is None


@pytest.mark.parametrize("text, expected", [
    (None, 0), ("", 0), ("abc", 0), ("²", 0), ("٣", 0), ("3", 3), ("-1", 0),
    ("99999999999999999999", inputs.PAGE_MAX), (str(-2**63), 0), (10**40, inputs.PAGE_MAX),
])
def test_bounded_int_clamps_pages(text, expected):
    assert inputs.bounded_int(text, 0, 0, inputs.PAGE_MAX) == expected


def test_bounded_int_keeps_a_none_default():
    assert inputs.bounded_int("x", None, 1, 10) is None


@pytest.mark.parametrize("text", ["0001-01", "1899-12", "2200-01", "9999-13", "2026-00", "2026-13", "٢٠٢٦-٠١",
                                  "2026-1", "99999-01", "2026-01-01", "", None, "x" * 100])
def test_parse_month_refuses_odd_months(text):
    assert inputs.parse_month(text) is None


def test_parse_month_and_date():
    assert inputs.parse_month("2026-02") == dt.date(2026, 2, 1)
    assert inputs.parse_month("1900-01") == dt.date(1900, 1, 1)
    assert inputs.parse_month("2199-12") == dt.date(2199, 12, 1)
    assert inputs.parse_date("2024-02-29") == dt.date(2024, 2, 29)
    for text in ("2023-02-29", "0001-01-01", "9999-12-31", "10000-01-01", "٢٠٢٤-٠١-٠١"):
        assert inputs.parse_date(text) is None


def test_int_ranges_by_column_type():
    assert inputs.int_range(Integer()) == (-2**31, 2**31 - 1)
    assert inputs.int_range(SmallInteger()) == (-2**15, 2**15 - 1)
    assert inputs.int_range(BigInteger()) == (-2**63, 2**63 - 1)


def test_numeric_bounds_follow_precision_and_scale():
    weight = Numeric(6, 2)
    assert inputs.numeric_limit(weight) == 10_000
    assert inputs.numeric_fits(decimal.Decimal("9999.99"), weight)
    assert not inputs.numeric_fits(decimal.Decimal("9999.995"), weight)  # rounds to 10000.00
    assert not inputs.numeric_fits(decimal.Decimal("1e400"), weight)
    assert not inputs.numeric_fits(decimal.Decimal("NaN"), weight)
    assert not inputs.numeric_fits(float("inf"), Float())
    assert inputs.numeric_fits(decimal.Decimal("-0.5"), weight)
    assert inputs.numeric_fits(1e14, Float()) and not inputs.numeric_fits(1e300, Float())


def test_value_error_names_the_problem():
    assert inputs.value_error(dt.date(1, 1, 1), Date()) == "year outside 1900-2199"
    assert inputs.value_error(dt.date(2026, 1, 1), Date()) is None
    assert inputs.value_error(10**40, Integer()) is not None
    assert inputs.value_error(decimal.Decimal("Infinity"), Numeric(6, 2)) == "not a finite number"
    assert inputs.value_error(None, Integer()) is None


def test_strip_controls_keeps_tabs_and_newlines():
    assert inputs.strip_controls("a\x00b\x1b[31m\x7f\tc\r\nd\x0b") == "ab[31m\tc\r\nd"
    assert inputs.strip_controls(5) == 5


def test_is_ascii_number_text():
    assert inputs.is_ascii_number_text("12.5")
    assert inputs.is_ascii_number_text(None) and inputs.is_ascii_number_text("")
    assert not inputs.is_ascii_number_text("٣") and not inputs.is_ascii_number_text("²")


# --- the admin shell uses them ------------------------------------------------------

def test_form_fields_get_bounds_by_column_type(app, world, client_for):
    """A field error, nothing saved: a priority (Integer) beyond 32 bits or
    in Arabic-Indic digits; texts lose control characters."""
    from core.extensions import db
    from tests.plugins.notes.models import Note
    c = client_for("admin@a.test")
    for value in (str(10**40), "٣", "1e400"):
        response = c.post("/admin/notes/note/new/", {"title": "q-bounded", "priority": value})
        assert response.status_code == 200, value  # the form again, with the error
        page = response.get_data(as_text=True)
        assert "Enter a whole number from -2147483648 to 2147483647." in page \
            or "Write it with the digits 0-9." in page or "Not a valid integer value." in page, value
    response = c.post("/admin/notes/note/new/", {"title": "q-\x00ctl\x1b", "priority": "3"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Note).filter(Note.title.like("q-bounded%")).count() == 0
        assert db.session.query(Note.title).filter(Note.title.like("q-%ctl%")).scalar() == "q-ctl"


def test_ids_that_are_not_ids_are_not_found(app, world, client_for):
    pk = make_note(app, "A")
    c = client_for("admin@a.test")
    assert c.get(f"/admin/notes/note/details/?id={pk}").status_code == 200
    for value in ("²", "٣", "9" * 20, str(2**31), "-1"):
        assert c.get(f"/admin/notes/note/details/?id={value}").status_code == 404, value
        assert c.get(f"/print/notes.note/{value}.pdf").status_code == 404, value


def test_huge_page_numbers_show_an_empty_page(app, world, client_for):
    make_note(app, "A")
    c = client_for("admin@a.test")
    for value in ("99999999999999999999", str(2**63), "-5", "²"):
        assert c.get("/admin/notes/note/", query_string={"page": value}).status_code == 200, value


def test_calendar_month_out_of_range_shows_this_month(app, world, client_for):
    c = client_for("admin@a.test")
    response = c.get("/admin/core/calendar_day/month/", query_string={"month": "0001-01"})
    assert response.status_code == 200
    assert "is not a month between 1900-01 and 2199-12" in response.get_data(as_text=True)
    assert c.get("/admin/core/calendar_day/month/", query_string={"month": "2026-02"}).status_code == 200
