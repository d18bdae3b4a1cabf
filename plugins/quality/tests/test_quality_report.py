"""The quarterly 服务质量报告 (report quality.service_report), with figures
worked out by hand. It reads KPIs only through core.kpis, by the keys of
the setting quality.report_kpis (unknown keys are left out), and the open
and overdue records of entities by key through core's access layer and
deadline clocks (tested here on the after-sales work orders and the
tracking records, which exist in this branch)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core import db
from core.records import tenancy
from core.settings import set_settings
from plugins.after_sales.tests.report_helpers import job

from ..models.tracking import QualityTracking
from ..service_report import kpi_lines, open_lines, sampling_lines
from ..tracking_rules import parse_report_kpis
from .tracking_helpers import add_customer, add_tracking, fire, make_people, pdf_text, squeezed

Q4 = (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
KPIS = ("quality.tracked_customers:2, quality.tracking_count, quality.tracking.solve.on_time:90, "
        "quality.no_such_kpi:50, after_sales.resolution_rate:95, after_sales.average_response_hours:24")


def _quarter(app, world, client_for):
    """Q4 2024: customers X and Y tracked three times (X twice). Two
    problems went to 质管部:
    R1 received Fri 2024-09-27 → due 2024-10-23 (15 working days across
    National Day), solved 2024-10-15: on time;
    R2 received Fri 2024-11-01 → working days 11-04…11-08, 11-11…11-15,
    11-18…11-22: due 2024-11-22, never solved: late.
    So: 2 customers tracked, 3 trackings, solved on time 1 of 2 = 50.00 %.
    A work order received 2024-03-05 (Q1), never answered: overdue twice."""
    make_people(world)
    x = add_customer(app, world, "AKH31", name="甲客户")
    y = add_customer(app, world, "AKH32", name="乙客户")
    r1 = add_tracking(app, world, x, dt.date(2024, 10, 8), unsolved_problems="噪音",
                      qm_received_at=dt.datetime(2024, 9, 27, 10, 0), solved_at=dt.datetime(2024, 10, 15, 16, 0),
                      cause_analysis="风扇", handling_opinion="更换")
    r2 = add_tracking(app, world, y, dt.date(2024, 11, 1), unsolved_problems="死机",
                      qm_received_at=dt.datetime(2024, 11, 1, 9, 0))
    add_tracking(app, world, x, dt.date(2024, 12, 20))   # nothing for 质管部: draft, no deadline
    add_tracking(app, world, y, dt.date(2025, 1, 2))     # the next quarter
    head, qm = client_for("manager@a.test"), client_for("admin@a.test")
    for pk in (r1, r2):
        fire(head, pk, "sign")
        fire(qm, pk, "receive")
    fire(qm, r1, "solve")
    with app.app_context():
        assert db.session.get(QualityTracking, r1).state == "solved"
        assert db.session.get(QualityTracking, r2).solve_due == dt.datetime(2024, 11, 22, 23, 59, 59)
    order = job(app, world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        set_settings({"quality.report_kpis": KPIS}, world.company("A"), world.user("admin@a.test"))
        db.session.commit()
    return dict(r1=r1, r2=r2, order=order)


def test_kpis_with_target_actual_and_met_unknown_keys_left_out(app, world, client_for):
    _quarter(app, world, client_for)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        lines = {line.key: line for line in kpi_lines(world.company("A"), *Q4, parse_report_kpis(KPIS))}
        assert "quality.no_such_kpi" not in lines
        assert list(lines) == ["quality.tracked_customers", "quality.tracking_count",
                               "quality.tracking.solve.on_time", "after_sales.resolution_rate",
                               "after_sales.average_response_hours"]
        got = {k: (v.target, v.actual, v.met) for k, v in lines.items()}
        assert got["quality.tracked_customers"] == (Decimal(2), 2, True)
        assert got["quality.tracking_count"] == (None, 3, None)              # no target: shown, not judged
        assert got["quality.tracking.solve.on_time"] == (Decimal(90), Decimal("50.00"), False)
        assert got["after_sales.resolution_rate"] == (Decimal(95), None, None)  # no order received in Q4
        # Q1 2024: one order received, none solved → 0.00 % against ≥ 95: not met; no response yet: no data.
        q1 = {line.key: line for line in kpi_lines(world.company("A"), dt.date(2024, 1, 1), dt.date(2024, 3, 31),
                                                   parse_report_kpis(KPIS))}
        assert (q1["after_sales.resolution_rate"].actual, q1["after_sales.resolution_rate"].met) == (Decimal("0.00"), False)
        assert q1["after_sales.average_response_hours"].actual is None
        # The sampling section: the callback chain's KPIs, whichever are published.
        sampled = [line.key for line in sampling_lines(world.company("A"), *Q4, {})]
        assert sampled == ["quality.callback_rate", "quality.sample_satisfaction_rate",
                           "quality.resample_agreement_rate", "quality.fake_records"]
        assert [line.key for line in sampling_lines(world.company("A"), *Q4, {}, keys=("quality.tracking_count",
                                                                                    "quality.nothing"))] == [
            "quality.tracking_count"]


def test_open_and_overdue_records_by_entity_key(app, world, client_for):
    made = _quarter(app, world, client_for)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("staff@a.test")):
        lines = open_lines(world.company("A"), ("quality.complaint", "after_sales.workorder", "quality.tracking"))
        got = [(line.entity, line.deadline_zh, line.open, line.overdue) for line in lines]
        # No complaint in this quarter's data: its deadline is listed with nothing open.
        assert got == [("quality.complaint", "投诉办结", 0, 0), ("after_sales.workorder", "工单响应", 1, 1),
                       ("after_sales.workorder", "工单解决", 1, 1), ("quality.tracking", "质量跟踪问题解决", 1, 1)]
        assert [r.id for r, _ in lines[3].overdue_records] == [made["r2"]]
        # A key no module declares is left out, with no error.
        assert open_lines(world.company("A"), ("quality.no_such_entity",)) == []
    with app.app_context(), tenancy.acting_as(world.company("B"), world.user("staff@b.test")):
        # B's complaints, CAPA actions and tracking problems: none open.
        assert [(line.entity, line.open, line.overdue) for line in open_lines(world.company("B"))] == [
            ("quality.complaint", 0, 0), ("quality.capaaction", 0, 0), ("quality.tracking", 0, 0)]


def test_the_printed_report_in_chinese(app, world, client_for, tmp_path):
    _quarter(app, world, client_for)
    staff = client_for("staff@a.test")
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    response = staff.get("/admin/reports/quality.service_report/?print=1&period=2024-Q4")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (tmp_path.parent / "service_report.pdf").write_bytes(response.data)
    page = squeezed(pdf_text(response.data, tmp_path, "report.pdf", layout=True))
    assert "服务质量报告" in page and "2024-10-01至2024-12-31" in page
    assert "质量跟踪顾客数≥22☑达标" in page
    assert "质量跟踪问题解决按时率≥9050.00☒未达标" in page
    assert "问题解决率≥95无数据—" in page
    assert "no_such" not in page
    assert "质量跟踪问题解决11" in page                      # open 1, overdue 1
    # 二、回访与抽访结果: the callback chain's KPIs, no run in that quarter.
    assert "本期无回访抽访指标" not in page
    assert "回访率" in page and "抽访满意率" in page and "复抽一致率" in page and "假单数" in page
    # A period longer than a quarter is refused.
    assert staff.get("/admin/reports/quality.service_report/?print=1&period=2024").status_code != 200 or \
        b"%PDF" not in staff.get("/admin/reports/quality.service_report/?print=1&period=2024").data


def test_the_kpi_list_setting_refuses_a_target_that_is_not_a_number(app, world):
    import pytest
    from core.settings import SettingsError, get_setting
    assert parse_report_kpis("a.b:95, c.d，e.f: 2.5") == [("a.b", Decimal(95)), ("c.d", None), ("e.f", Decimal("2.5"))]
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        before = get_setting("quality.report_kpis", world.company("A"))
        with pytest.raises(SettingsError) as refused:
            set_settings({"quality.report_kpis": "after_sales.resolution_rate:ninety"}, world.company("A"))
        assert "ninety" in str(refused.value)
        db.session.rollback()
        assert get_setting("quality.report_kpis", world.company("A")) == before   # nothing changed
        set_settings({"quality.report_kpis": "quality.tracked_customers:5"}, world.company("A"))  # positive control
        db.session.commit()
        assert get_setting("quality.report_kpis", world.company("A")) == "quality.tracked_customers:5"
