"""The printed 质量信息反馈单 (after_sales.md §1.3), checked with pdftotext:
every field with its value, the □/☑ boxes, 应办结日期 and 是否逾期 from
core's deadline, the 企业管理部门's sign-off in its box, zh and en; and
D-16: the same complaint printed as the company's 顾客信息反馈单 QP17-01."""
import re

from core import db
from core.records import tenancy
from core.settings import set_settings

from .complaints_helpers import edit, fire, get, pdf_text, record, setup_org
from .test_complaints import walk_to_handled


def closed_complaint(app, world, client_for):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org, received_at="2024-09-27 15:00:00", evidence="countable", item="柠檬茶",
                quantity="2", occurred_at="2024-09-26 18:00:00", place="杭州市西湖区门店", batch="20240915A",
                leader_opinion="请技术部尽快鉴定")
    walk_to_handled(clerk, app, pk, org)
    fire(client_for("manager@a.test"), pk, "confirm")
    edit(clerk, app, pk, informed_on="2024-10-09", informed_how="电话", customer_opinion="满意", capa_ref="CAPA-2024-0003")
    fire(clerk, pk, "inform")
    fire(clerk, pk, "close")
    return pk


def test_the_printed_form_has_every_field_its_boxes_and_the_signoff(app, world, client_for, tmp_path):
    pk = closed_complaint(app, world, client_for)
    complaint = get(app, pk)
    clerk = client_for("staff@a.test")
    pdf = clerk.get(f"/print/quality.complaint/{pk}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    for expected in ("Quality information feedback form", complaint.number, "2024-09-27 15:00", "刘洋",
                     "2024-10-08", "赵女士", "138 0000 1234", "同意留电话，不留地址", "柠檬茶饮料", "500ml",
                     "20240915A", "2024-09-26 18:00", "杭州市西湖区门店", "瓶内有异物", "请技术部尽快鉴定",
                     "异物为瓶盖内衬碎片", "灌装线封盖工位内衬破损", "技术部 / 王工", "第五条", "更换同批次产品两箱",
                     "CAPA-2024-0003", "2024-10-09 / 电话", "满意"):
        assert expected in text, expected
    flat = re.sub(r"\s+", " ", text)
    assert "陈静（Enterprise management" in flat  # the signer in the 企业管理部门 box (the line wraps)
    assert "☑ Phone" in flat and "□ Court" in flat and "□ Consumers' association" in flat
    assert "☑ Product quality" in flat and "□ Service quality" in flat
    assert "☑ General" in flat and "□ Major" in flat
    assert "☑ Goods quantity 2" in flat and "□ Amount" in flat
    # Informed on 10-09 (stamped at the test's now, after 2024-10-08): 是否逾期 ☑ Yes.
    assert "☑ Yes" in flat and "□ No" in flat
    clerk.post("/set-language", {"locale": "zh_Hans_CN"})
    zh = re.sub(r"\s+", "", pdf_text(clerk.get(f"/print/quality.complaint/{pk}.pdf").data, tmp_path, "zh.pdf"))
    for expected in ("质量信息反馈单", "反馈单号", "接收人", "☑电话", "□书面信函", "□消协", "□法院",
                     "☑产品质量", "☑一般", "□重大", "应办结日期2024-10-08", "批号20240915A", "☑实物数量2",
                     "□金额", "是否逾期☑是□否", "陈静（企业管理部门）", "企业管理部门确认/兑现", "首问负责人"):
        assert expected in zh, expected


def test_d_16_the_company_prints_its_own_title_and_form_code(app, world, client_for, tmp_path):
    org = setup_org(app, world)
    clerk = client_for("staff@a.test")
    pk = record(clerk, org)
    clerk.post("/set-language", {"locale": "zh_Hans_CN"})
    before = re.sub(r"\s+", "", pdf_text(clerk.get(f"/print/quality.complaint/{pk}.pdf").data, tmp_path, "a.pdf"))
    assert "质量信息反馈单" in before and "QP17-01" not in before
    with app.app_context(), tenancy.acting_as(world.company("A"), world.user("admin@a.test")):
        set_settings({"quality.complaint.title": "顾客信息反馈单", "quality.complaint.form_code": "QP17-01"},
                     world.company("A"))
        db.session.commit()
    after = re.sub(r"\s+", "", pdf_text(clerk.get(f"/print/quality.complaint/{pk}.pdf").data, tmp_path, "b.pdf"))
    assert "顾客信息反馈单" in after and "QP17-01" in after and "质量信息反馈单" not in after
