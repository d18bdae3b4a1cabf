"""质量跟踪记录表 printed: one record's sheet and the register of a period
(landscape), in Chinese and English, with □ / ☑ ticks, the 销售部负责人's
sign-off and 解决期限 = 质管部接收 + 15 工作日 (checked with pdftotext)."""
from __future__ import annotations

import datetime as dt

from core import db
from .tracking_helpers import add_customer, add_tracking, fire, make_people, pdf_text, record, squeezed


def _received(app, world, client_for):
    """A record tracked 2024-09-26, signed by 李明华, received by 质管部 Fri 2024-09-27 10:00."""
    make_people(world)
    customer = add_customer(app, world, "AKH21", name="西湖国宾馆")
    with app.app_context():
        from core.org import Employee
        liu = db.session.query(Employee).filter_by(name="刘洋").one().id
    pk = add_tracking(app, world, customer, dt.date(2024, 9, 26), channel="maintenance", product="KFR-35GW",
                      contract_no="HT-2024-088", topic_process=True, topic_standards=True, topic_delivery=False,
                      force_majeure_late=True, force_majeure_understood=True, topic_service=True,
                      opinion="服务态度好", problems="遥控器失灵", unsolved_problems="控制板偶发死机",
                      finding="defect", responsible_id=liu, qm_received_at=dt.datetime(2024, 9, 27, 10, 0))
    fire(client_for("manager@a.test"), pk, "sign")
    fire(client_for("admin@a.test"), pk, "receive")
    return pk


def test_the_register_of_a_period_in_chinese_and_english(app, world, client_for, tmp_path):
    _received(app, world, client_for)
    add_tracking(app, world, add_customer(app, world, "AKH22", name="十月客户"), dt.date(2024, 10, 9))
    staff = client_for("staff@a.test")
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    response = staff.get("/admin/reports/quality.tracking_register/?print=1&period=2024-09")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (tmp_path.parent / "tracking_register.pdf").write_bytes(response.data)
    zh = squeezed(pdf_text(response.data, tmp_path, "zh.pdf"))
    for label in ("质量跟踪记录表", "跟踪日期", "顾客名称", "跟踪方式", "销售部负责人签字", "质管部接收日期",
                  "解决期限", "告知用户日期"):
        assert label in zh, label
    assert "西湖国宾馆" in zh and "十月客户" not in zh   # September only
    assert "上门维护" in zh and "☑工艺技术符合要求" in zh and "□按期交货" in zh
    assert "☑不可抗力延期已获顾客谅解" in zh
    assert "2024-09-27" in zh and "2024-10-23" in zh   # received; solve by, 15 working days later
    assert "李明华" in zh                               # the 销售部负责人's sign-off
    assert "已逾期" in zh                               # long past due, not solved
    staff.post("/set-language", {"locale": "en"})
    en = squeezed(pdf_text(staff.get("/admin/reports/quality.tracking_register/?print=1&period=2024-09").data,
                           tmp_path, "en.pdf"))
    assert "Qualitytrackingregister" in en and "Solveby" in en and "Maintenance" in en
    assert "☑Process" in en and "□Delivered" in en


def test_one_records_sheet(app, world, client_for, tmp_path):
    pk = _received(app, world, client_for)
    staff = client_for("staff@a.test")
    staff.post("/set-language", {"locale": "zh_Hans_CN"})
    response = staff.get(f"/print/quality.tracking/{pk}.pdf")
    assert response.status_code == 200
    (tmp_path.parent / "tracking_record.pdf").write_bytes(response.data)
    zh = squeezed(pdf_text(response.data, tmp_path, "one.pdf"))
    assert record(app, pk).number in zh
    assert "☑上门维护" in zh and "□电话" in zh and "☑产品缺陷" in zh and "□使用不当" in zh
    assert "控制板偶发死机" in zh and "2024-10-23" in zh and "李明华" in zh
    assert client_for("staff@b.test").get(f"/print/quality.tracking/{pk}.pdf").status_code == 404
