"""Period reports (core.printing.Report): periods in the company's zone, the
print dialog, the module gate, the permission, the company scope, the cap
and the print log; checked on the example report ``tasks.by_department``
and, as a matrix, on every registered report.

Company A is in Asia/Shanghai (UTC+8): October 2026 there is
2026-09-30 16:00 UTC up to 2026-10-31 16:00 UTC."""
from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
import time_machine

from core.calendar.periods import Period, recent_labels
from core.errors import Invalid
from core.extensions import db
from core.models import PrintJob
from core.org import Department
from core.plugin.modules import disable_module
from core.printing import (ChoiceParam, PeriodParam, Report, ReportInvalid, ReportRegistry, ReportTooLarge,
                           print_report)
from core.records import tenancy
from tests.factories import disable_with_dependents, registered_reports
from tests.plugins.tasks.models import Task

UTC = dt.timezone.utc
REPORTS = [r.key for r in registered_reports()]


def pdf_text(pdf: bytes, tmp_path, name="report.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- periods ----------------------------------------------------------------------

@pytest.mark.parametrize("text, start, end, label", [
    ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026-10"),
    ("2026-q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026-Q1"),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-02"),  # a leap year
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "2026"),
    ("2026-10-08..2026-11-20", dt.date(2026, 10, 8), dt.date(2026, 11, 20), "2026-10-08..2026-11-20"),
    ("2026-10-08 至 2026-10-08", dt.date(2026, 10, 8), dt.date(2026, 10, 8), "2026-10-08..2026-10-08"),
])
def test_a_period_is_read_as_clerks_write_it(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "10/2026", "2026-02-30..2026-03-01", "0001-01", "2200",
                                  "2026-11-01..2026-10-01", "2025-01-01..2026-12-31", ""])
def test_a_bad_or_too_long_period_is_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text, max_days=366)


def test_a_period_becomes_the_utc_bounds_of_the_company_days(ctx, world):
    company = world.company("A")  # Asia/Shanghai
    low, high = Period.parse("2026-10").utc_bounds(company)
    assert (low, high) == (dt.datetime(2026, 9, 30, 16, 0), dt.datetime(2026, 10, 31, 16, 0))


def test_the_dialog_offers_recent_months_quarters_and_years():
    labels = recent_labels(dt.date(2026, 1, 15), months=3, quarters=2, years=2)
    assert labels == ["2026-01", "2025-12", "2025-11", "2026-Q1", "2025-Q4", "2026", "2025"]


def test_between_names_a_whole_quarter_by_its_label():
    assert Period.between(dt.date(2026, 7, 1), dt.date(2026, 9, 30)).label == "2026-Q3"
    assert Period.between(dt.date(2026, 7, 2), dt.date(2026, 9, 30)).label == "2026-07-02..2026-09-30"


# --- declaring reports ---------------------------------------------------------------

def _collect(request):
    return {}


def test_a_report_is_declared_in_its_plugins_namespace_with_distinct_parameters():
    registry = ReportRegistry()
    report = Report("tasks.x", "报表", "Report", "x.html", _collect, "tasks.task.read")
    with pytest.raises(ValueError, match="outside its namespace"):
        registry.add("notes", [report])
    with pytest.raises(ValueError, match="named alike"):
        Report("tasks.x", "报表", "Report", "x.html", _collect, "tasks.task.read",
               parameters=(PeriodParam(), PeriodParam()))
    with pytest.raises(ValueError, match="needs choices"):
        ChoiceParam("state", "状态", "State")
    with pytest.raises(TypeError, match="collect"):
        Report("tasks.x", "报表", "Report", "x.html", None, "tasks.task.read")


# --- the example report through the screens ---------------------------------------------

@pytest.fixture
def october(app, world):
    """Company A: 售后服务中心 (SH) with 维修组 (WX) under it, 技质部 (JZ) apart;
    tasks stamped at chosen UTC moments; one task of B in the same days."""
    with app.app_context():
        a, b = world.company("A"), world.company("B")
        with tenancy.acting_as(a, world.user("admin@a.test")):
            service = Department(code="SH", name="售后服务中心")
            repair = Department(code="WX", name="维修组", parent=service)
            quality = Department(code="JZ", name="技质部")
            db.session.add_all([service, repair, quality])
            db.session.commit()
            ids = dict(service=service.id, repair=repair.id, quality=quality.id)
        for when, title, dept in [
            (dt.datetime(2026, 9, 30, 15, 30, tzinfo=UTC), "九月最后一晚", repair),     # 09-30 23:30 local
            (dt.datetime(2026, 9, 30, 16, 30, tzinfo=UTC), "十月第一单", repair),       # 10-01 00:30 local
            (dt.datetime(2026, 10, 15, 2, 0, tzinfo=UTC), "中心自己的任务", service),
            (dt.datetime(2026, 10, 20, 2, 0, tzinfo=UTC), "技质部的任务", quality),
            (dt.datetime(2026, 10, 31, 15, 59, tzinfo=UTC), "十月最后一分钟", service),  # 23:59 local
            (dt.datetime(2026, 10, 31, 16, 0, tzinfo=UTC), "十一月第一单", service),     # 11-01 00:00 local
        ]:
            with time_machine.travel(when, tick=False), tenancy.acting_as(a, world.user("admin@a.test")):
                db.session.add(Task(title=title, department_id=dept.id if dept else None))
                db.session.commit()
        with tenancy.acting_as(b, world.user("admin@b.test")):
            other = Department(code="SH", name="B的售后")
            db.session.add(other)
            db.session.commit()
            with time_machine.travel(dt.datetime(2026, 10, 15, 2, tzinfo=UTC), tick=False):
                db.session.add(Task(title="B公司的任务", department_id=other.id))
                db.session.commit()
            ids["b_department"] = other.id
        return ids


def report_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/admin/reports/tasks.by_department/?print=1&{query}"


def test_the_reports_page_lists_what_the_user_may_print_here(app, world, client_for):
    staff = client_for("staff@a.test")
    page = staff.get("/admin/reports/").get_data(as_text=True)
    assert 'data-report="tasks.by_department"' in page and "Tasks by department" in page
    # read-only users hold no tasks.task.read: the report is not offered, its dialog is 403
    readonly = client_for("readonly@a.test")
    assert 'data-report="tasks.by_department"' not in readonly.get("/admin/reports/").get_data(as_text=True)
    assert readonly.get("/admin/reports/tasks.by_department/").status_code == 403
    assert readonly.get(report_url(period="2026-10")).status_code == 403


def test_the_list_screen_of_the_reports_entity_links_to_its_dialog(app, world, client_for):
    # Report(entity="tasks.task"): the tasks list offers it beside its filters.
    staff = client_for("staff@a.test")
    page = staff.get("/admin/tasks/task/").get_data(as_text=True)
    link = re.search(r'data-report="tasks.by_department" href="([^"]+)"', page)
    assert link and "Report: Tasks by department" in page
    assert staff.get(link.group(1)).status_code == 200
    assert 'data-report="tasks.by_department"' not in staff.get("/admin/notes/note/").get_data(as_text=True)


def test_the_dialog_presets_this_month_in_the_company_zone(app, world, client_for):
    # 2026-10-31 17:00 UTC is already 11-01 in Shanghai
    with time_machine.travel(dt.datetime(2026, 10, 31, 17, 0, tzinfo=UTC), tick=False):
        staff = client_for("staff@a.test")
        page = staff.get("/admin/reports/tasks.by_department/").get_data(as_text=True)
    assert '<option value="2026-11" selected>' in page
    assert '<option value="2026-Q4"' in page and 'name="period_from"' in page


def test_a_report_prints_the_periods_local_days_and_the_department_subtree(app, world, client_for, october,
                                                                          tmp_path):
    staff = client_for("staff@a.test")
    response = staff.get(report_url(period="2026-10", department=october["service"]))
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert f"tasks-2026-10-{october['service']}.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data, tmp_path)
    flat = squeezed(text)
    # October 1st 00:30 and October 31st 23:59 (local) are in; September 30th 23:30 and
    # November 1st 00:00 are not; 维修组 is under 售后服务中心, 技质部 is not; B is never.
    assert "十月第一单" in flat and "中心自己的任务" in flat and "十月最后一分钟" in flat
    for absent in ("九月最后一晚", "十一月第一单", "技质部的任务", "B公司的任务"):
        assert absent not in flat
    assert "Period:2026-10-01to2026-10-31" in flat and "Department:售后服务中心" in flat and "State:All" in flat
    # the summary: 维修组 1, 售后服务中心 2
    assert re.search(r"售后服务中心\s+2", text) and re.search(r"维修组\s+1", text)
    with app.app_context():
        job = db.session.query(PrintJob).filter_by(printable="tasks.by_department").one()
        assert job.company_id == world.company("A").id and job.user_id == world.user("staff@a.test").id
        assert job.record_ids == [] and job.pages >= 1
        assert job.parameters == {"period": "2026-10", "department": str(october["service"]), "state": ""}


def test_a_custom_range_and_a_choice_narrow_the_report(app, world, client_for, october, tmp_path):
    staff = client_for("staff@a.test")
    response = staff.get(report_url(period_from="2026-10-15", period_to="2026-10-20", state="new"))
    assert response.status_code == 200
    flat = squeezed(pdf_text(response.data, tmp_path))
    assert "中心自己的任务" in flat and "技质部的任务" in flat and "十月第一单" not in flat
    assert "Period:2026-10-15to2026-10-20" in flat and "State:New" in flat
    assert staff.get(report_url(period="2026-10", state="done")).status_code == 200  # none done: an empty list


def test_the_printed_header_follows_the_interface_language(app, world, client_for, october, tmp_path):
    staff = client_for("staff@a.test")
    staff.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    flat = squeezed(pdf_text(staff.get(report_url(period="2026-Q4")).data, tmp_path))
    assert "部门任务汇总表" in flat and "期间:2026-10-01至2026-12-31" in flat and "部门:全部" in flat


@pytest.mark.parametrize("params, field, message", [
    (dict(period="2026-13"), "period", "write a month (2026-10)"),
    (dict(period="2025-01-01..2026-12-31"), "period", "at most 366 days"),
    (dict(period_from="2026-10-01"), "period", "give both dates"),
    (dict(period="2026-10", state="lost"), "state", "not one of the choices"),
    (dict(period="2026-10", department="nonsense"), "department", "there is no such record"),
])
def test_bad_parameters_show_the_form_again_and_print_nothing(app, world, client_for, october, params, field,
                                                             message):
    staff = client_for("staff@a.test")
    response = staff.get(report_url(**params))
    assert response.status_code == 400 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert f'data-error="{field}"' in page and message in page
    with app.app_context():
        assert db.session.query(PrintJob).count() == 0


def test_another_companys_department_is_refused_like_one_that_does_not_exist(app, world, client_for, october):
    staff = client_for("staff@a.test")
    response = staff.get(report_url(period="2026-10", department=october["b_department"]))
    assert response.status_code == 400 and "there is no such record" in response.get_data(as_text=True)
    # the dialog never offers B's departments
    page = staff.get("/admin/reports/tasks.by_department/").get_data(as_text=True)
    assert "B的售后" not in page and "售后服务中心" in page


def test_a_report_too_long_to_print_asks_for_a_shorter_period(app, world, client_for, october):
    staff = client_for("staff@a.test")
    app.config["PRINT_MAX_RECORDS"] = 2
    try:
        response = staff.get(report_url(period="2026-10"))
    finally:
        app.config.pop("PRINT_MAX_RECORDS")
    assert response.status_code == 400
    assert "more than 2 rows: choose a shorter period" in response.get_data(as_text=True)
    assert staff.get(report_url(period="2026-10-15..2026-10-15")).status_code == 200  # one row: fine


def test_the_module_gate_hides_a_disabled_plugins_reports(app, world, client_for):
    with app.app_context():
        disable_module(world.company("A"), "tasks")
    staff_a, staff_b = client_for("staff@a.test"), client_for("staff@b.test")
    assert staff_a.get("/admin/reports/tasks.by_department/").status_code == 404
    assert staff_a.get(report_url(period="2026-10")).status_code == 404
    assert 'data-report="tasks.by_department"' not in staff_a.get("/admin/reports/").get_data(as_text=True)
    assert staff_b.get(report_url(period="2026-10")).status_code == 200  # B is untouched


def test_print_report_refuses_unknown_parameters(app, world):
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        with pytest.raises(ReportInvalid) as refused:
            print_report("tasks.by_department", {"period": "2026-10", "colour": "red"})
        assert "no parameter colour" in refused.value.errors[""]
        with pytest.raises(ReportInvalid) as refused:
            print_report("tasks.by_department", {})
        assert "this is required" in refused.value.errors["period"]
        assert isinstance(refused.value, Invalid) and not issubclass(ReportTooLarge, ReportInvalid)


def test_qdesk_report_prints_as_the_company(app, world, october, tmp_path):
    from core.cli import main
    runner = app.test_cli_runner()
    out = tmp_path / "tasks.pdf"
    result = runner.invoke(main, ["report", "tasks.by_department", "--company", "A", "--param", "period=2026-10",
                                  "--param", f"department={october['repair']}", "-o", str(out)])
    assert result.exit_code == 0, result.output
    flat = squeezed(pdf_text(out.read_bytes(), tmp_path, "cli.pdf"))
    assert "十月第一单" in flat and "中心自己的任务" not in flat
    bad = runner.invoke(main, ["report", "tasks.by_department", "--company", "A", "--param", "period=2026-13",
                               "-o", str(tmp_path / "bad.pdf")])
    assert bad.exit_code != 0 and "write a month" in bad.output and not (tmp_path / "bad.pdf").exists()
    unknown = runner.invoke(main, ["report", "tasks.nothing", "--company", "A", "-o", str(tmp_path / "x.pdf")])
    assert unknown.exit_code != 0 and "tasks.by_department" in unknown.output  # says what exists
    with app.app_context():
        job = db.session.query(PrintJob).one()
        assert job.user_id is None and job.parameters["period"] == "2026-10"


# --- every registered report: the gate, the permission, the scope ------------------------

def _first_allowed_and_denied(app, report):
    """A role holding the report's permission by default and one that does not (or None)."""
    grants = app.extensions["qdesk.permissions"].by_key[report.permission].grants
    allowed = next(r for r in ("staff", "manager", "admin") if r in grants)
    denied = next((r for r in ("readonly", "staff", "manager") if r not in grants), None)
    return allowed, denied


def _minimal(report):
    return "&".join(f"{p.name}=2026-10" for p in report.parameters if p.required and isinstance(p, PeriodParam))


@pytest.mark.parametrize("key", REPORTS)
def test_matrix_every_report_is_gated_permitted_and_scoped(app, world, client_for, key):
    report = app.extensions["qdesk.reports"].get(key)
    allowed, denied = _first_allowed_and_denied(app, report)
    url = f"/admin/reports/{key}/?print=1&{_minimal(report)}"
    client = client_for(f"{allowed}@a.test")
    assert client.get(f"/admin/reports/{key}/").status_code == 200
    assert client.get(url).status_code == 200, client.get(url).get_data(as_text=True)[:300]
    if denied is not None:
        assert client_for(f"{denied}@a.test").get(url).status_code == 403
    # another company's record as a record parameter reads as none
    for param in report.parameters:
        if hasattr(param, "model") and callable(param.model):
            with app.app_context(), tenancy.acting_as(world.company("B"), world.user("admin@b.test")):
                model = param.model()
            foreign = _record_of(app, world, model)
            response = client.get(f"{url}&{param.name}={foreign}")
            assert response.status_code == 400, f"{key}: B's {param.name} was accepted"
    with app.app_context():
        disable_with_dependents(world.company("A"), report.module)
    assert client.get(url).status_code == 404 and client.get(f"/admin/reports/{key}/").status_code == 404


def _record_of(app, world, model):
    """The id of a record of ``model`` in company B (made for the test)."""
    from tests.factories import make
    with app.app_context():
        return make(model, world.company("B"), world.user("admin@b.test")).id


@pytest.mark.parametrize("start, months, end", [
    (dt.date(2023, 3, 15), 12, dt.date(2024, 3, 15)),   # T-AS-9: sold 2023-03-15, 1 year → last day 2024-03-15
    (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),   # no 2025-02-29: that month's last day (D-2)
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2023, 8, 31), 18, dt.date(2025, 2, 28)),
    (dt.date(2023, 12, 15), 1, dt.date(2024, 1, 15)),
])
def test_a_period_in_months_ends_on_the_corresponding_date(start, months, end):
    from core.calendar.periods import add_months
    assert add_months(start, months) == end
