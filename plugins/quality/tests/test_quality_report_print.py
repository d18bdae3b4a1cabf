"""The quarterly 服务质量报告 (report ``quality.service_report``) as printed:
an English user gets it in English, a Chinese user in Chinese, from the
same figures, with the fonts embedded so that any printer shows it.

Q2 2024 (2024-04-01 … 2024-06-30) of company A, worked out by hand:

* 200 work orders received, 188 solved (120 closed, 50 called back, 18
  resolved), 12 in progress → 问题解决率 188 / 200 = 94.00 % against ≥ 95:
  not met (T-AS-14's 94.0 %);
* 6 complaints received, none closed → 客户投诉率 6 / 200 = 3.00 % against
  ≤ 3 (fewer is better): met, at the target itself (T-AS-14's 3.0 %);
  their 办结 (3 working days after the day of receipt, 2024 has no holiday
  in those weeks) fell due on 05-16, 05-17, 05-23, 06-06, 06-07 and 06-20
  and none was met → 投诉办结按时率 0 / 6 = 0.00 % against ≥ 95: not met;
  all 6 are open and overdue as of the print, listed by due day;
* customers tracked: 甲客户 twice and 乙客户 once in Q2 (丙客户 on 03-29,
  in Q1) → 2 against ≥ 2: met; 甲客户's problem of 06-03 went to 质管部,
  received Mon 2024-06-03 10:00 → 15 working days: 06-04…06-07 (4),
  06-11…06-14 (8; Mon 06-10 is 端午节), 06-17…06-21 (13), 06-24, 06-25 →
  due 2024-06-25, never solved → 质量跟踪问题解决按时率 0 / 1 = 0.00 % against
  ≥ 90: not met; open and overdue, listed with its customer;
* no callback run → 回访率 against ≥ 100: no data, neither met nor not met;
* no CAPA action: its line shows 0 open, 0 overdue.

The template prints each label in the print's language (its ``t(zh, en)``
macro, the KPIs' ``label_zh``/``label_en``, the entities' and deadlines'
labels); what it prints as stored in both languages is the data (the
customers' names, the record numbers) and a KPI's ``unit`` (one text per
KPI: 户 for the customers tracked).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from sqlalchemy import insert

from core import db
from core.records import tenancy
from core.settings import set_settings
from plugins.after_sales.models import WorkOrder
from tests.fixtures import set_user

from ..models.complaints import Complaint
from ..models.tracking import QualityTracking
from .tracking_helpers import add_customer, add_tracking, fire, make_people, pdf_text

T = dt.datetime
REPORT = "/admin/reports/quality.service_report/?print=1&period=2024-Q2"
KPIS = ("quality.complaint_rate:3, after_sales.resolution_rate:95, quality.complaint.close.on_time:95, "
        "quality.tracked_customers:2, quality.tracking.solve.on_time:90, quality.callback_rate:100")
#: The 6 complaints' receipt and their 办结 due day (3 working days, the day of receipt not counted).
COMPLAINTS = ((T(2024, 5, 13, 10, 0), "2024-05-16"), (T(2024, 5, 14, 9, 30), "2024-05-17"),
              (T(2024, 5, 20, 15, 0), "2024-05-23"), (T(2024, 6, 3, 11, 0), "2024-06-06"),
              (T(2024, 6, 4, 8, 45), "2024-06-07"), (T(2024, 6, 17, 16, 20), "2024-06-20"))


def _orders(company, customer_id, state, n, received):
    rows = [{"company_id": company.id, "version": 1, "customer_id": customer_id, "subject": f"报修{i}",
             "received_at": received + dt.timedelta(hours=7 * i), "state": state,
             "resolved_at": received + dt.timedelta(hours=7 * i + 8) if state != "in_progress" else None}
            for i in range(n)]
    db.session.execute(insert(WorkOrder.__table__), rows)


@pytest.fixture
def quarter(app, world, client_for):
    """The data of the module docstring; the numbers printed."""
    make_people(world)
    x = add_customer(app, world, "AKH41", name="甲客户")
    y = add_customer(app, world, "AKH42", name="乙客户")
    z = add_customer(app, world, "AKH43", name="丙客户")
    with app.app_context():
        a = world.company("A")
        with tenancy.acting_as(a, world.user("admin@a.test")):
            _orders(a, x, "closed", 120, T(2024, 4, 1, 9, 0))
            _orders(a, x, "callback_done", 50, T(2024, 5, 2, 9, 0))
            _orders(a, y, "resolved", 18, T(2024, 6, 1, 9, 0))
            _orders(a, y, "in_progress", 12, T(2024, 6, 10, 9, 0))
            db.session.commit()
        with tenancy.acting_as(a, world.user("staff@a.test")):
            complaints = []
            for received, _due in COMPLAINTS:
                complaint = Complaint(received_at=received, source="phone", category="service", evidence="none",
                                      compensation="none", severity="general", description="维修人员未按约定时间上门")
                db.session.add(complaint)
                complaints.append(complaint)
            db.session.commit()
            numbers = [c.number for c in complaints]
            assert [c.close_due.date().isoformat() for c in complaints] == [due for _, due in COMPLAINTS]
    problem = add_tracking(app, world, x, dt.date(2024, 6, 3), unsolved_problems="外机噪音偏大",
                           qm_received_at=T(2024, 6, 3, 10, 0))
    add_tracking(app, world, x, dt.date(2024, 5, 8))
    add_tracking(app, world, y, dt.date(2024, 6, 12))
    add_tracking(app, world, z, dt.date(2024, 3, 29))
    fire(client_for("manager@a.test"), problem, "sign")
    fire(client_for("admin@a.test"), problem, "receive")
    with app.app_context():
        tracked = db.session.get(QualityTracking, problem)
        assert (tracked.state, tracked.solve_due) == ("received", T(2024, 6, 25, 23, 59, 59))
        tracking_number = tracked.number
        with tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
            set_settings({"quality.report_kpis": KPIS}, world.company("A"), world.user("admin@a.test"))
            db.session.commit()
    return {"complaints": numbers, "tracking": tracking_number}


def _print(client, tmp_path, name):
    response = client.get(REPORT)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    return response.data, pdf_text(response.data, tmp_path, name, layout=True)


def _rows(layout: str) -> list[str]:
    """The printed lines, each with its runs of spaces made one."""
    return [re.sub(r"\s+", " ", line).strip() for line in layout.splitlines() if line.strip()]


def _squeezed(value: str) -> str:
    return re.sub(r"\s+", "", value)


def _printed(line: str, rows: list[str]) -> bool:
    """Whether ``line`` is one printed line, spaces aside (pdftotext sets
    "≤ 3" in a narrow cell as "≤3")."""
    return _squeezed(line) in {_squeezed(row) for row in rows}


def _fonts(pdf: bytes, tmp_path) -> list[tuple[str, bool]]:
    """(name, embedded) of every font of the PDF (pdffonts' table)."""
    if shutil.which("pdffonts") is None:  # poppler-utils: a system dependency (scripts/system-deps.sh)
        pytest.fail("pdffonts is missing: install poppler-utils")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    header = next(i for i, line in enumerate(out) if line.startswith("name"))
    emb = out[header].index("emb")
    return [(line.split()[0], line[emb:emb + 3] == "yes") for line in out[header + 2:] if line.strip()]


def _embedded(pdf: bytes, tmp_path):
    fonts = _fonts(pdf, tmp_path)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    cjk = re.compile(r"CJK|Hei|Song|Kai|Ming|Noto.*(SC|CN)|WenQuanYi", re.IGNORECASE)
    assert any(cjk.search(name) for name, _ in fonts), fonts  # a CJK font, for the Chinese data and labels


#: Every label the template, the frame and the declarations print in Chinese
#: that has an English counterpart (none of them is data).
CHINESE_LABELS = (
    "服务质量报告", "服务质量指标", "回访与抽访结果", "未结及逾期事项", "截至打印时", "指标", "目标值", "实际值",
    "是否达标", "单位", "达标", "无数据", "事项", "时限", "未结", "逾期", "期限", "期间", "至",
    "客户投诉率", "问题解决率", "投诉办结", "按时率", "质量跟踪顾客数", "质量跟踪问题解决", "回访率", "抽访满意率",
    "复抽一致率", "假单数", "质量信息反馈单", "纠正/预防措施项", "质量跟踪记录", "表单编号", "版本", "日期", "经办人",
    "审核", "批准", "打印人", "打印时间")


def test_an_english_user_gets_the_report_in_english(app, world, client_for, tmp_path, quarter):
    set_user(app, "staff@a.test", locale="en")  # the user's own language…
    staff = client_for("staff@a.test")
    staff.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"  # …whatever the browser asks for
    pdf, layout = _print(staff, tmp_path, "report-en.pdf")
    rows = _rows(layout)
    flat = " ".join(rows)
    assert "Service quality report" in flat and "Company A" in flat
    assert "Period: 2024-04-01 to 2024-06-30" in flat
    assert "JL-8.2-02-2" in flat and "A/0" in flat
    # 1. the KPIs: target, actual and whether it was met.
    for line in ("1. Service quality KPIs", "KPI Target Actual Met Unit",
                 "Customer complaint rate ≤ 3 3.00 ☑ met %",
                 "Requests solved ≥ 95 94.00 ☒ not met %",
                 "Complaint closing: on time ≥ 95 0.00 ☒ not met %",
                 "Customers tracked ≥ 2 2 ☑ met 户",
                 "Tracked problem solved: on time ≥ 90 0.00 ☒ not met %"):
        assert _printed(line, rows), (line, rows)
    # 2. the callback chain: no run in the quarter.
    assert _printed("2. Callback and sampling results", rows)
    assert _printed("Callback rate ≥ 100 no data — %", rows)
    # 3. open and overdue, English entity and deadline names, the overdue ones by due day.
    assert _printed("3. Open and overdue records", rows) and _printed("As of the time of printing.", rows)
    assert _printed("Records Deadline Open Overdue", rows)
    assert _printed("Quality complaint Complaint closing 6 6", rows)
    assert _printed("CAPA action CAPA action due 0 0", rows)
    assert _printed("Quality tracking record Tracked problem solved 1 1", rows)
    listed = [(number, due) for number, (_, due) in zip(quarter["complaints"], COMPLAINTS)]
    for number, due in listed:
        assert _printed(f"{number} due {due}", rows), (number, rows)
    positions = [flat.index(f"{number} due {due}") for number, due in listed]
    assert positions == sorted(positions)  # longest overdue first
    assert _printed(f"{quarter['tracking']} · 甲客户 due 2024-06-25", rows)  # the customer's name as entered
    # The frame in English too.
    for label in ("Form No.", "Edition", "Prepared by", "Checked by", "Approved by", "Printed by: staff A"):
        assert label in flat, label
    # No Chinese label where an English one exists.
    assert [label for label in CHINESE_LABELS if label in flat] == []
    _embedded(pdf, tmp_path)


def test_a_chinese_user_gets_the_same_report_in_chinese(app, world, client_for, tmp_path, quarter):
    manager = client_for("manager@a.test")  # the test client's browser asks for English…
    manager.post("/set-language", {"locale": "zh_Hans_CN"})  # …the user chose Chinese
    pdf, layout = _print(manager, tmp_path, "report-zh.pdf")
    page = re.sub(r"\s+", "", layout)
    assert "服务质量报告" in page and "期间:2024-04-01至2024-06-30" in page
    for line in ("一、服务质量指标", "指标目标值实际值是否达标单位",
                 "客户投诉率≤33.00☑达标%", "问题解决率≥9594.00☒未达标%", "投诉办结按时率≥950.00☒未达标%",
                 "质量跟踪顾客数≥22☑达标户", "质量跟踪问题解决按时率≥900.00☒未达标%",
                 "二、回访与抽访结果", "回访率≥100无数据—%",
                 "三、未结及逾期事项", "截至打印时。", "事项时限未结逾期",
                 "质量信息反馈单投诉办结66", "纠正/预防措施项纠正预防措施整改00", "质量跟踪记录质量跟踪问题解决11",
                 f"{quarter['tracking']}·甲客户期限2024-06-25"):
        assert line in page, line
    for number, (_, due) in zip(quarter["complaints"], COMPLAINTS):
        assert f"{number}期限{due}" in page, number
    # The English labels are not printed.
    for english in ("Service quality report", "Customer complaint rate", "met", "no data", "Open and overdue",
                    "Quality complaint", "Complaint closing", "Period", "due 2024"):
        assert re.sub(r"\s+", "", english) not in page, english
    assert "打印人:managerA" in page.replace("：", ":")
    _embedded(pdf, tmp_path)
