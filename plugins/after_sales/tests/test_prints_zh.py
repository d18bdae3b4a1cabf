"""The after-sales forms a Chinese clerk prints, in Chinese: the work-order
sheet 售后服务工单（派工单） and the period report of the 三包备件登记台账
JL-7.5-02-2 (landscape). The language is the user's own setting (or, with
none, the browser's), whatever else the request says; every heading is
Chinese, the record's data is on the page, and the fonts are embedded so
that any printer shows the Chinese (checked with poppler-utils: pdftotext,
pdfinfo, pdffonts).

The seeds' dates: the order is received Tue 2024-03-05 09:00 from a customer
in 浙江 (the company's province) → response due Wed 03-06 09:00 (24 h),
resolution due at the end of Thu 03-07 (2 calendar days, the receipt day
not counted); the unit was sold 2023-03-15 → 三包 until 2024-03-15 (1 year,
the corresponding day, T-AS-9). The ledger's unit was sold 2026-03-15 →
三包 until 2027-03-15; its capacitor shipped 2026-10-10 is in October's
ledger, the battery shipped at 00:30 on 11-01 (Shanghai) is not."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from core import db
from core.records import tenancy
from tests.fixtures import set_user

from ..models import PartNotice, WorkOrder
from .report_helpers import job
from .test_ledger import BATTERY, CAPACITOR, shipped_notice
from .test_notices import setup_company

D = dt.datetime


def poppler(tool: str, pdf: bytes, tmp_path, name: str, *args: str) -> str:
    if shutil.which(tool) is None:  # poppler-utils are a system dependency (scripts/system-deps.sh)
        pytest.fail(f"{tool} is missing: install poppler-utils")
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True,
                          text=True, check=True).stdout


def pdf_text(pdf: bytes, tmp_path, name: str) -> str:
    """The PDF's text cell by cell in the order drawn (``pdftotext -raw``):
    a heading that wraps inside its narrow column stays in one piece."""
    return poppler("pdftotext", pdf, tmp_path, name, "-raw")


def squeezed(text: str) -> str:
    """The text without spaces and line breaks (table cells wrap), and with
    full-width brackets read as ASCII ones."""
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def page_size(pdf: bytes, tmp_path) -> tuple[float, float]:
    info = poppler("pdfinfo", pdf, tmp_path, "info.pdf")
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups()
    return float(width), float(height)


def fonts_embedded(pdf: bytes, tmp_path) -> list[tuple[str, bool]]:
    """(font name, embedded) of every font of the PDF (pdffonts' table)."""
    out = poppler("pdffonts", pdf, tmp_path, "fonts.pdf").splitlines()
    header = next(i for i, line in enumerate(out) if line.startswith("name"))
    emb = out[header].index("emb")  # the column of "emb" (yes/no) in the fixed-width table
    return [(line.split()[0], line[emb:emb + 3] == "yes") for line in out[header + 2:] if line.strip()]


def assert_printable_in_chinese(pdf: bytes, tmp_path):
    fonts = fonts_embedded(pdf, tmp_path)
    assert fonts and all(embedded for _name, embedded in fonts), fonts  # every font travels with the file
    assert any(re.search(r"CJK|Hei|Song|Kai|Ming|Noto.*(SC|CN)|WenQuanYi", name, re.I) for name, _ in fonts), fonts


# --- 售后服务工单（派工单） --------------------------------------------------------------

def dispatched_order(app, world):
    """job()'s order (杭州西湖制冷设备有限公司, KT-35 SN-0315, 维修) given to
    刘洋 of 售后服务中心; the ids and number."""
    from core.org import Department, Employee
    j = job(app, world)
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        centre = Department(code="FW", name="售后服务中心")
        engineer = Employee(number="A013", name="刘洋", department=centre, user=world.user("staff@a.test"))
        db.session.add_all([centre, engineer])
        db.session.flush()
        order = db.session.get(WorkOrder, j["order"])
        order.department, order.responsible = centre, engineer
        db.session.commit()
    return j


@pytest.mark.parametrize("how", ["user setting", "browser"])
def test_the_work_order_sheet_prints_in_chinese(app, world, client_for, tmp_path, how):
    j = dispatched_order(app, world)
    staff = client_for("staff@a.test")
    url = f"/print/after_sales.work_order/{j['order']}.pdf"
    if how == "user setting":
        set_user(app, "staff@a.test", locale="zh_Hans_CN")  # the request itself still asks for English
        response = staff.get(url)
    else:  # no setting: a Chinese browser
        response = staff.get(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path, "order.pdf")
    flat = squeezed(text)
    # The header: the company, the title, no record code (the seeds name none), the order's number.
    for expected in ("Company A", "售后服务工单(派工单)", "表单编号—", "版本/修改A/0", f"记录编号:{j['order_number']}"):
        assert squeezed(expected) in flat, f"{expected!r} not on the sheet:\n{text}"
    # Each heading with its value, row by row as printed: the request as recorded, the boxes ticked
    # (✓ on 售后 of 售前/售中/售后, on 维修 of the company's eight categories, on 省内 of 省内/省外)...
    for row in ("接收时间 2024-03-05 09:00 渠道 服务热线", "优先级 普通 服务阶段 售前 售中 ✓ 售后",
                "服务类别 安装 调试 ✓ 维修 培训 咨询 退货 换货 投诉",
                "客户 杭州西湖制冷设备有限公司（AKH01） ✓ 省内 省外", "地址 文三路 90 号 联系人 0571-88001234",
                "产品 KT-35 商用空调机组 出厂编号/批号 SN-0315", "购买日期 2023-03-15 三包期至 2024-03-15",
                "用户反映的问题 机组不制冷 开机后不制冷，室外机不转",
                # ...the dispatch with the deadlines core keeps and the task fixed before departure (AS-13)...
                "售后服务中心 售后服务中心 服务工程师 刘洋", "应响应时间 2024-03-06 09:00 应解决时间 2024-03-07 23:59",
                "排故任务（出发前明确） 检查室外风机及电容",
                # ...and what the engineer fills in on site.
                "处理结果（服务人员填写） 处理结果 解决时间 用户意见 满意 基本满意 不满意", "用户签字 日期"):
        assert squeezed(row) in flat, f"{row!r} not on the sheet:\n{text}"
    # Nothing of the English sheet is left.
    for english in ("Work order", "Received at", "Repair task", "Resolution due", "Engineer", "Repair",
                    "After-sale", "Hotline", "Normal", "Satisfied", "Prepared by"):
        assert squeezed(english) not in flat, english
    assert_printable_in_chinese(response.data, tmp_path)


def test_an_english_user_gets_the_english_sheet(app, world, client_for, tmp_path):
    """Positive control of the language checks above: the same order, an
    English user (the user's setting beats a Chinese browser)."""
    j = dispatched_order(app, world)
    set_user(app, "staff@a.test", locale="en")
    response = client_for("staff@a.test").get(f"/print/after_sales.work_order/{j['order']}.pdf",
                                              headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    flat = squeezed(pdf_text(response.data, tmp_path, "order-en.pdf"))
    assert response.status_code == 200
    assert "Workorder(dispatchsheet)" in flat and "Receivedat2024-03-0509:00ChannelHotline" in flat
    assert "✓Repair" in flat and "✓After-sale" in flat
    assert "售后服务工单" not in flat and "接收时间" not in flat and "维修" not in flat
    assert "杭州西湖制冷设备有限公司" in flat and "检查室外风机及电容" in flat  # the record's data, as typed


# --- 三包备件登记台账 JL-7.5-02-2 ------------------------------------------------------------

#: The ledger's columns in the order of after_sales.md §1.3; the customer column may be headed 顾客名称 or 客户.
LEDGER_HEADINGS = ("序号", "登记日期", "通知单号(JL-7.5-02-1)", "服务报告单号(JL-7.5-02-3)", "(?:顾客名称|客户)",
                   "产品名称/型号", "出厂编号/批号", "购买(交付)日期", "三包期至", "故障现象", "备件名称", "规格/型号",
                   "数量", "单位", "发货日期", "接收人", "旧件回收", "经办人", "备注")


def test_the_warranty_ledger_prints_in_chinese_on_a_landscape_page(app, world, client_for, tmp_path):
    org = setup_company(app, world)
    october = shipped_notice(app, world, org, D(2026, 10, 10, 9, 0), [(CAPACITOR, "1"), (BATTERY, "4")])
    shipped_notice(app, world, org, D(2026, 11, 1, 0, 30), [(BATTERY, "8")])  # November in Shanghai
    with app.app_context():
        number = db.session.get(PartNotice, october).number
    set_user(app, "staff@a.test", locale="zh_Hans_CN")
    response = client_for("staff@a.test").get("/admin/reports/after_sales.warranty_ledger/?print=1&period=2026-10")
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.get_data(as_text=True)[:500]
    text = pdf_text(response.data, tmp_path, "ledger.pdf")
    flat = squeezed(text)
    for expected in ("Company A", "三包备件登记台账", "表单编号JL-7.5-02-2", "版本/修改A/0",
                     "期间:2026-10-01至2026-10-31"):
        assert squeezed(expected) in flat, f"{expected!r} not in the ledger:\n{text}"
    # The column headings, in the form's order.
    headings = "".join(re.escape(h) if not h.startswith("(?:") else h for h in map(squeezed, LEDGER_HEADINGS))
    assert re.search(headings, flat), f"the ledger's headings are not those of JL-7.5-02-2:\n{text}"
    # One line per part shipped, every column filled from the notice, its unit sold and the 供销部 clerk
    # who wrote it (staff A); no service report yet, the old part not returned (□已回收 ☑未回收).
    rows = ["1 2026-10-10 {n} 西湖国宾馆 分体空调 / KFR-35GW 2023A0012 2026-03-15 2027-03-15 压缩机不启动 "
            "压缩机启动电容 CBB65 35μF 1 个 2026-10-10 周文斌 □已回收 ☑未回收 staff A",
            "2 2026-10-10 {n} 西湖国宾馆 分体空调 / KFR-35GW 2023A0012 2026-03-15 2027-03-15 压缩机不启动 "
            "遥控器电池 AAA 1.5V 4 节 2026-10-10 周文斌 □已回收 ☑未回收 staff A"]
    for row in rows:
        assert squeezed(row.format(n=number)) in flat, f"{row!r} not in the ledger:\n{text}"
    # Totals per part at the foot: 电容 1 个, 电池 4 节 (November's 8 are not October's), 5 in all.
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    assert "按备件合计" in lines and "备件名称 规格/型号 单位 数量" in lines
    assert "压缩机启动电容 CBB65 35μF 个 1" in lines and "遥控器电池 AAA 1.5V 节 4" in lines and "合计 5" in lines
    assert "2026-11-01" not in flat and "节8" not in flat
    assert "制表人" in flat and "审核" in flat
    for english in ("Warranty spare-part ledger", "Posted on", "Part name", "Quantity", "Receiver", "Totals per part",
                    "Tabulated by", "Checked by", "Not returned", "Period", "Customer", "All"):
        assert squeezed(english) not in flat, english
    width, height = page_size(response.data, tmp_path)
    assert width > height, (width, height)  # landscape
    assert (round(width), round(height)) == (842, 595)  # A4 landscape: 297 × 210 mm
    assert_printable_in_chinese(response.data, tmp_path)
