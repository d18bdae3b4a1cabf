"""Company time (core.timezone, D-3): stamps are stored in UTC and shown,
exported and printed in the company's zone; user-entered times are shown as
written; "now" and the working calendar follow the company's zone.

Every case runs twice, with the server's own zone set to ``UTC`` and to
``America/New_York`` (``TZ`` + ``time.tzset()``), and must give the same
local answers. The clock is frozen with time-machine at a UTC instant (an
aware ``datetime.timezone.utc`` destination: time-machine leaves ``TZ``
alone for it).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import time

import pytest
import time_machine
from babel.dates import format_datetime

from core.records import tenancy
from core.extensions import db
from core.settings import SettingsError, set_settings
from tests.factories import make
from tests.plugins.tasks.models import Task
from tests.test_printing import flat, poppler

UTC = dt.timezone.utc
# 15:55:46 in Hangzhou (the record); and one whose local date is the
# next day (17:05:46 UTC = 01:05:46 on 2 December in Asia/Shanghai).
INSTANTS = {
    "afternoon": (dt.datetime(2026, 12, 1, 7, 55, 46, tzinfo=UTC), dt.datetime(2026, 12, 1, 15, 55, 46)),
    "past-midnight": (dt.datetime(2026, 12, 1, 17, 5, 46, tzinfo=UTC), dt.datetime(2026, 12, 2, 1, 5, 46)),
}


@pytest.fixture(params=["UTC", "America/New_York"])
def server_zone(request):
    """The server process's own zone for one test, restored afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def frozen(instant: dt.datetime):
    return time_machine.travel(instant, tick=False)


def set_zone(world, code: str, zone: str) -> None:
    company = world.company(code)
    with tenancy.acting_as(company, world.user(f"admin@{code.lower()}.test")):
        set_settings({"core.timezone": zone}, company)


@pytest.mark.parametrize("instant", list(INSTANTS), ids=list(INSTANTS))
def test_a_record_shows_the_same_local_time_on_its_page_in_the_export_and_on_paper(
        app, world, client_for, tmp_path, server_zone, instant):
    moment, local = INSTANTS[instant]
    local_text = local.strftime("%Y-%m-%d %H:%M:%S")
    utc_text = moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S")
    with frozen(moment):
        with app.app_context():
            task_id = make(Task, world.company("A"), world.user("staff@a.test"), title="tz task").id
        client = client_for("staff@a.test")

        # Its page: the Created at field in the user's language, in Asia/Shanghai.
        page = client.get(f"/admin/tasks/task/details/?id={task_id}").get_data(as_text=True)
        assert format_datetime(local, "medium", locale="en") in page
        assert format_datetime(moment.replace(tzinfo=None), "medium", locale="en") not in page
        # ... and its history table.
        history = page[page.index('id="audit-log"'):]
        assert local_text in history and utc_text not in history

        # The CSV export.
        csv = client.get("/admin/tasks/task/export/csv/").get_data(as_text=True)
        row = next(line for line in csv.splitlines() if "tz task" in line)
        assert local_text in row and utc_text not in row

        # The printed form: the record's date and the footer's print time,
        # local and named, never "UTC".
        response = client.get(f"/print/tasks.task/{task_id}.pdf")
        assert response.status_code == 200
        text = flat(poppler("pdftotext", response.data, tmp_path))
        footer = flat(f"Printed at: {local:%Y-%m-%d %H:%M} Asia/Shanghai")
        assert footer in text
        assert f"{local:%Y-%m-%d}" in text.replace(footer, "")  # the record's date (Date: …)
        assert "UTC" not in text
        if local.date() != moment.date():
            assert f"{moment:%Y-%m-%d}" not in text


def test_user_entered_times_are_shown_as_written_stamps_in_the_company_zone(
        app, world, client_for, server_zone):
    from plugins.crm.models import ContactLog, Customer
    moment, local = INSTANTS["afternoon"]
    written = dt.datetime(2026, 11, 30, 9, 0)
    with frozen(moment):
        with app.app_context():
            company, user = world.company("A"), world.user("staff@a.test")
            customer = make(Customer, company, user, code="TZ-1", name="时区客户", province="浙江")
            with tenancy.acting_as(company, user):
                log = ContactLog(customer_id=customer.id, subject="tz call", occurred_at=written)
                db.session.add(log)
                db.session.commit()
                log_id = log.id
        page = client_for("staff@a.test").get(f"/admin/crm/contactlog/details/?id={log_id}").get_data(as_text=True)
    assert format_datetime(written, "medium", locale="en") in page  # occurred_at: as the clerk wrote it
    assert format_datetime(local, "medium", locale="en") in page  # created_at: local


def test_a_new_contact_log_entry_is_stamped_with_the_company_local_now(app, world, server_zone):
    from plugins.crm.models import ContactLog, Customer
    moment, local = INSTANTS["afternoon"]
    with frozen(moment), app.app_context():
        company, user = world.company("A"), world.user("staff@a.test")
        customer = make(Customer, company, user, code="TZ-2", name="时区客户二", province="浙江")
        with tenancy.acting_as(company, user):
            log = ContactLog(customer_id=customer.id, subject="no time given")
            db.session.add(log)
            db.session.commit()
            assert log.occurred_at == local  # company-local wall clock, not the server's
            assert log.created_at == moment.replace(tzinfo=None)  # the stamp: UTC
            assert log.reply_due > log.occurred_at


def test_audit_and_print_logs_show_local_time_with_the_offset(app, world, client_for, server_zone):
    moment, local = INSTANTS["afternoon"]
    with app.app_context():
        set_zone(world, "B", "Europe/Berlin")
    with frozen(moment):
        with app.app_context():
            for code in ("A", "B"):
                make(Task, world.company(code), world.user(f"staff@{code.lower()}.test"), title=f"logged {code}")
        a = client_for("admin@a.test").get("/admin/core/audit/").get_data(as_text=True)
        b = client_for("admin@b.test").get("/admin/core/audit/").get_data(as_text=True)
        admin = client_for("admin@a.test")
        task_id = make_task_id(app, world)
        assert admin.get(f"/print/tasks.task/{task_id}.pdf").status_code == 200
        printlog = admin.get("/admin/core/printjob/").get_data(as_text=True)
    assert f"{local:%Y-%m-%d %H:%M:%S} (UTC+08:00)" in a
    assert "2026-12-01 08:55:46 (UTC+01:00)" in b  # the same instant in Berlin
    assert f"{local:%Y-%m-%d %H:%M:%S} (UTC+08:00)" in printlog


def make_task_id(app, world) -> int:
    with app.app_context():
        return make(Task, world.company("A"), world.user("staff@a.test"), title="printed").id


def test_xlsx_export_has_local_stamps_and_a_local_exported_at_line(app, world, client_for, server_zone):
    import openpyxl
    moment, local = INSTANTS["past-midnight"]
    with frozen(moment):
        with app.app_context():
            make(Task, world.company("A"), world.user("staff@a.test"), title="xlsx task")
        response = client_for("staff@a.test").get("/admin/tasks/task/export/xlsx/")
    assert f"tasks_task_{local:%Y-%m-%d}.xlsx" in response.headers["Content-Disposition"]  # the local date
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if "xlsx task" in r)
    assert row[header.index("Created at")] == local
    info = {r[0]: r[1] for r in book["Export info"].iter_rows(values_only=True)}
    assert info["Exported at"] == f"{local:%Y-%m-%d %H:%M} Asia/Shanghai (UTC+08:00)"


def test_local_now_follows_the_company_zone(app, world, server_zone):
    from core import calendar
    from core.calendar import timezone
    moment, local = INSTANTS["afternoon"]
    with app.app_context():
        set_zone(world, "B", "Europe/Berlin")
        a, b = world.company("A"), world.company("B")
        with frozen(moment):
            assert timezone.local_now(a) == local == calendar.local_now(a)
            assert timezone.local_now(b) == dt.datetime(2026, 12, 1, 8, 55, 46) == calendar.local_now(b)
            with tenancy.acting_as(b):
                assert timezone.local_now() == dt.datetime(2026, 12, 1, 8, 55, 46)  # the current company
                assert timezone.company_zone().key == "Europe/Berlin"
            assert timezone.local_now() == local  # no company: the default zone, Asia/Shanghai
        with frozen(INSTANTS["past-midnight"][0]):
            assert timezone.local_today(a) == dt.date(2026, 12, 2)
            assert timezone.local_today(b) == dt.date(2026, 12, 1)
            assert timezone.to_local(dt.datetime(2026, 12, 1, 17, 5, 46), b) == dt.datetime(2026, 12, 1, 18, 5, 46)


def test_conversions_follow_summer_time(app, world, server_zone):
    from core.calendar import timezone
    with app.app_context():
        set_zone(world, "B", "Europe/Berlin")
        b = world.company("B")
        summer, winter = dt.datetime(2026, 7, 1, 10, 0), dt.datetime(2026, 1, 1, 10, 0)
        assert timezone.to_local(summer, b) == dt.datetime(2026, 7, 1, 12, 0)
        assert timezone.to_local(winter, b) == dt.datetime(2026, 1, 1, 11, 0)
        assert timezone.to_utc(dt.datetime(2026, 7, 1, 12, 0), b) == summer
        assert timezone.format_local(summer, b, zone="offset") == "2026-07-01 12:00 (UTC+02:00)"
        assert timezone.format_local(None, b) == ""
        # Local days as UTC bounds, for filtering stamps by a local date.
        assert timezone.utc_range(dt.date(2026, 12, 1), dt.date(2026, 12, 1), world.company("A")) == (
            dt.datetime(2026, 11, 30, 16, 0), dt.datetime(2026, 12, 1, 16, 0))


def test_the_setting_refuses_an_unknown_zone(app, world, client_for, server_zone):
    from core.settings import get_setting
    with app.app_context():
        company = world.company("A")
        assert get_setting("core.timezone", company) == "Asia/Shanghai"  # the default
        for wrong, message in (("Mars/Olympus", "is not a time zone"), ("", "is not a time zone"),
                               ("asia/shanghai", "did you mean Asia/Shanghai"),
                               ("localtime", "is not a time zone"), ("../../etc/passwd", "is not a time zone")):
            with pytest.raises(SettingsError) as refused:
                set_zone(world, "A", wrong)
            assert message in " ".join(refused.value.errors["core.timezone"]), wrong
        assert get_setting("core.timezone", company) == "Asia/Shanghai"  # nothing saved
    admin = client_for("admin@a.test")
    response = admin.post("/admin/settings/", {"core.timezone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Mars/Olympus is not a time zone" in response.get_data(as_text=True)
    assert admin.post("/admin/settings/", {"core.timezone": "Europe/Berlin"}).status_code == 302
    with app.app_context():
        assert get_setting("core.timezone", world.company("A")) == "Europe/Berlin"


def test_working_hours_count_in_company_local_time(app, world, server_zone):
    from core.calendar import company_calendar, local_now
    moment, local = INSTANTS["afternoon"]  # Tue 2026-12-01 15:55:46 in Asia/Shanghai
    with frozen(moment), app.app_context():
        company = world.company("A")
        with tenancy.acting_as(company):
            start = local_now()
            assert start == local
            # 08:30-12:00, 13:30-17:30: 1:34:14 left on Tuesday, 2:25:46 on Wednesday.
            assert company_calendar().add_working_hours(start, 4) == dt.datetime(2026, 12, 2, 10, 55, 46)
            assert company_calendar().add_working_days(start, 1) == dt.datetime(2026, 12, 2, 15, 55, 46)


def test_print_templates_have_a_local_time_filter(app, world, server_zone):
    from flask import current_app
    with app.app_context():
        env = current_app.extensions["qdesk.print_env"]
        with tenancy.acting_as(world.company("A")):
            out = env.from_string("{{ t|local_time }} / {{ t|local_time('%Y-%m-%d') }} / {{ none|local_time }}!")
            assert out.render(t=dt.datetime(2026, 12, 1, 17, 5, 46)) == "2026-12-02 01:05 / 2026-12-02 / !"


def test_no_server_clock_in_the_code():
    """No code of core, the admin shell or a built-in plugin reads the
    server's clock (``datetime.now()`` without a zone, ``date.today()``):
    company time comes from :mod:`core.calendar.timezone`."""
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    server_clock = re.compile(r"(datetime\.now\(\)|date\.today\(\))")
    files = [p for folder in ("core", "admin", "plugins") for p in (root / folder).rglob("*.py")
             if "tests" not in p.relative_to(root).parts]
    assert any(p.name == "company.py" for p in files) and len(files) > 50  # the walk itself works
    for path in files:
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith("#"))
        assert not server_clock.search(code), path.relative_to(root)


def test_the_calendar_month_view_opens_on_the_company_s_month(app, world, client_for, server_zone):
    # 2026-11-30 20:00 UTC is already 2026-12-01 04:00 in Shanghai: December.
    with frozen(dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.timezone.utc)):
        page = client_for("admin@a.test").get("/admin/core/calendar_day/month/").get_data(as_text=True)
    assert '<h2 class="h5 mx-3 mb-0" id="calendar-month">2026-12</h2>' in page


def test_a_users_last_login_shows_in_the_company_zone(app, world, client_for, server_zone):
    from tests.fixtures import set_user
    set_user(app, "admin@a.test", is_system_admin=True)
    client = client_for("admin@a.test")  # logging in stamps last_login_at: set it after
    set_user(app, "admin@a.test", last_login_at=dt.datetime(2026, 12, 1, 7, 55, 46))  # UTC; 15:55:46 local
    page = client.get("/admin/system/users/").get_data(as_text=True)
    assert "3:55:46" in page and "7:55:46" not in page
