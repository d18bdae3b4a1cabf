"""The printed 质量信息反馈单 (also the 顾客信息反馈单 QP17-01, D-16: the
Chinese title and the form code are the company's settings
``quality.complaint.title`` and ``quality.complaint.form_code``, which
core declares for every printed form, core.printing.form_settings): every field of
after_sales.md §1.3, □/☑ boxes for source, category, severity and
compensation, 应办结日期 and 是否逾期 from core's deadline, and the sign-off
boxes 首问负责人 / 总经理批准 (a staff complaint's sign-off, box ``checked``)
/ 企业管理部门确认兑现 (box ``approved``)."""
from __future__ import annotations

from core import Printable


def printables() -> list[Printable]:
    from ..models.complaints import Complaint
    return [Printable("quality.complaint", title_zh="质量信息反馈单", title_en="Quality information feedback form",
                      model=Complaint, template="print/complaint_form.html",
                      filename="complaint-{record.number}.pdf", edition="A/0")]
