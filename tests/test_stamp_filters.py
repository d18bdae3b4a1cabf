"""Filtering the audit and print logs by "When" (a stamp, naive UTC) with
dates and times typed in the company's zone (admin.stamp_filters).

The entries' UTC stamps and their wall-clock times in Asia/Shanghai (UTC+8,
no summer time) and Europe/Berlin (UTC+1 in winter), worked out by hand:

=========  ======================  ====================  ====================
marker     at (UTC)                Asia/Shanghai         Europe/Berlin
=========  ======================  ====================  ====================
before     2026-11-30 15:59:59     2026-11-30 23:59:59   2026-11-30 16:59:59
midnight   2026-11-30 16:00:00     2026-12-01 00:00:00   2026-11-30 17:00:00
first      2026-11-30 17:00:00     2026-12-01 01:00:00   2026-11-30 18:00:00
late       2026-12-01 15:59:59.5   2026-12-01 23:59:59   2026-12-01 16:59:59
second     2026-12-01 17:00:00     2026-12-02 01:00:00   2026-12-01 18:00:00
=========  ======================  ====================  ====================

Every case runs with the server's own zone set to UTC and to
America/New_York (tests.test_timezone's ``server_zone``): same answers.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from core.extensions import db
from core.models import AuditEntry, PrintJob
from tests.test_timezone import server_zone, set_zone  # noqa: F401  (fixture)

STAMPS = {
    "before": dt.datetime(2026, 11, 30, 15, 59, 59),
    "midnight": dt.datetime(2026, 11, 30, 16, 0, 0),
    "first": dt.datetime(2026, 11, 30, 17, 0, 0),
    "late": dt.datetime(2026, 12, 1, 15, 59, 59, 500000),
    "second": dt.datetime(2026, 12, 1, 17, 0, 0),
}
MARKERS = list(STAMPS)
SCREENS = {  # endpoint: list URL (the marker shows as the table name / the printable)
    "core_audit": "/admin/core/audit/",
    "core_printjob": "/admin/core/printjob/",
}


def marker_text(marker: str) -> str:
    return f"stampcase-{marker}"


def add_entries(app, world, code: str = "A") -> None:
    """One audit entry and one print job per marker, in company ``code``."""
    with app.app_context():
        company_id = world.company(code).id
        for marker, at in STAMPS.items():
            # table_name / printable are shown as they are (no screen has them).
            db.session.add(AuditEntry(company_id=company_id, table_name=marker_text(marker), record_id=1,
                                      action="update", changes={}, at=at))
            db.session.add(PrintJob(company_id=company_id, printable=marker_text(marker), record_ids=[1],
                                    pages=1, at=at))
        db.session.commit()


def view_of(app, endpoint: str):
    for admin in app.extensions["admin"]:
        for view in admin._views:
            if getattr(view, "endpoint", None) == endpoint:
                return view
    raise LookupError(endpoint)


def filter_arg(app, endpoint: str, operation: str, data_type: str) -> str:
    """The URL argument (``flt0_<arg>``) of the view's "When" filter with
    ``operation`` (English) and widget ``data_type``, from its ``_filter_args``."""
    view = view_of(app, endpoint)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        found = [arg for arg, (_, flt) in view._filter_args.items()
                 if str(flt.name) == "When" and str(flt.operation()) == operation
                 and flt.data_type == data_type]
    assert len(found) == 1, (operation, data_type, found)
    return f"flt0_{found[0]}"


def shown(client, endpoint: str, arg: str, value: str) -> list[str]:
    """The markers listed by the screen filtered with ``arg=value``."""
    response = client.get(f"{SCREENS[endpoint]}?{urlencode({arg: value})}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Invalid Filter Value" not in page
    return [m for m in MARKERS if marker_text(m) in page]


@pytest.mark.parametrize("endpoint", list(SCREENS))
def test_a_local_date_is_the_whole_local_day(app, world, client_for, server_zone, endpoint):
    add_entries(app, world)
    client = client_for("admin@a.test")  # company A: Asia/Shanghai (the default)
    arg = filter_arg(app, endpoint, "equals", "datepicker")
    # 2026-12-01 in Shanghai is [2026-11-30 16:00, 2026-12-01 16:00) UTC.
    assert shown(client, endpoint, arg, "2026-12-01") == ["midnight", "first", "late"]
    assert shown(client, endpoint, arg, "2026-11-30") == ["before"]
    assert shown(client, endpoint, arg, "2026-12-02") == ["second"]


@pytest.mark.parametrize("endpoint", list(SCREENS))
def test_a_local_date_time_range(app, world, client_for, server_zone, endpoint):
    add_entries(app, world)
    client = client_for("admin@a.test")
    arg = filter_arg(app, endpoint, "between", "datetimerangepicker")
    # Local 00:30 on 1 December to 01:00:00 on 2 December, both ends included:
    # "first" (01:00), "late" (23:59:59) and "second" (01:00:00 exactly).
    assert shown(client, endpoint, arg, "2026-12-01 00:30:00 to 2026-12-02 01:00:00") == [
        "first", "late", "second"]
    # Local 23:59:59 on 30 November to 00:59:59 on 1 December.
    assert shown(client, endpoint, arg, "2026-11-30 23:59:59 to 2026-12-01 00:59:59") == [
        "before", "midnight"]


@pytest.mark.parametrize("operation, data_type, value, expected", [
    ("not equal", "datepicker", "2026-12-01", ["before", "second"]),
    ("greater than", "datepicker", "2026-11-30", ["midnight", "first", "late", "second"]),
    ("greater than", "datepicker", "2026-12-01", ["second"]),
    ("smaller than", "datepicker", "2026-12-01", ["before"]),
    ("between", "daterangepicker", "2026-11-29 to 2026-12-01", ["before", "midnight", "first", "late"]),
    ("not between", "daterangepicker", "2026-12-01 to 2026-12-01", ["before", "second"]),
    # A date-time is the local second it names (lists show stamps to the second).
    ("equals", "datetimepicker", "2026-12-01 01:00:00", ["first"]),
    ("equals", "datetimepicker", "2026-12-01 23:59:59", ["late"]),
    ("not equal", "datetimepicker", "2026-12-01 01:00:00", ["before", "midnight", "late", "second"]),
    ("greater than", "datetimepicker", "2026-12-01 00:00:00", ["first", "late", "second"]),
    ("smaller than", "datetimepicker", "2026-12-01 01:00:00", ["before", "midnight"]),
    ("not between", "datetimerangepicker", "2026-12-01 00:00:00 to 2026-12-01 23:59:59",
     ["before", "second"]),
])
def test_every_operation_reads_local_time(app, world, client_for, server_zone,
                                          operation, data_type, value, expected):
    add_entries(app, world)
    client = client_for("admin@a.test")
    assert shown(client, "core_audit", filter_arg(app, "core_audit", operation, data_type), value) == expected


def test_the_day_follows_the_company_zone(app, world, client_for, server_zone):
    with app.app_context():
        set_zone(world, "B", "Europe/Berlin")
    add_entries(app, world, "B")
    client = client_for("admin@b.test")
    arg = filter_arg(app, "core_audit", "equals", "datepicker")
    # 2026-12-01 in Berlin is [2026-11-30 23:00, 2026-12-01 23:00) UTC.
    assert shown(client, "core_audit", arg, "2026-12-01") == ["late", "second"]
    assert shown(client, "core_audit", arg, "2026-11-30") == ["before", "midnight", "first"]


def test_company_screens_keep_flask_admin_filters_for_other_columns(app):
    """Only stamp columns get the local-time filters; the labels are
    Flask-Admin's own (its catalog translates them)."""
    from flask_admin.contrib.sqla import filters as sqla

    from admin.stamp_filters import StampFilterConverter, is_stamp_column
    view = view_of(app, "core_audit")
    assert isinstance(view.filter_converter, StampFilterConverter)
    by_column = {}
    for flt in view._filters:
        by_column.setdefault(flt.column.key, []).append(flt)
    assert all(is_stamp_column(f.column) for f in by_column["at"])
    assert not any(isinstance(f, sqla.FilterEmpty) for f in by_column["at"])  # "at" is never empty
    assert [type(f) for f in by_column["table_name"]] == list(sqla.FilterConverter.strings)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        from flask_babel import refresh
        refresh()
        operations = {str(f.operation()) for f in by_column["at"]}
    assert {"等于", "不等于", "大于", "小于"} <= operations
