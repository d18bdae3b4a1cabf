"""质量跟踪记录表 (002-S, after_sales.md §1.3): one record's sheet
(printable ``quality.tracking``) and the register of a period (report
``quality.tracking_register``, landscape, the columns of §1.3 including
解决期限 = 质管部接收 + 15 工作日), and the quarterly 服务质量报告 (report
``quality.service_report``: plugins/quality/service_report.py).

Both read through core: the printable's records are scoped and gated by
core.printing; the register through ``request.query`` (module gate, read
permission, company scope), filtered by ``request.period.contains`` on the
company-local 跟踪日期, fetched with ``request.rows`` (the print cap)."""
from __future__ import annotations

from typing import Any

from core import Printable
from core.printing import PeriodParam, RecordParam, Report, ReportRequest


def printables() -> list[Printable]:
    from ..models.tracking import QualityTracking
    return [Printable("quality.tracking", title_zh="质量跟踪记录表", title_en="Quality tracking record",
                      model=QualityTracking, template="print/tracking_record.html",
                      filename="quality-tracking-{record.number}.pdf", form_code="JL-8.2-02-1", edition="A/0")]


def reports() -> list[Report]:
    from ..service_report import service_quality_report
    return [
        Report("quality.tracking_register", "质量跟踪记录表", "Quality tracking register",
               template="print/tracking_register.html", collect=tracking_register,
               permission="quality.tracking.read", orientation="landscape", entity="quality.tracking",
               parameters=(PeriodParam(), RecordParam("customer", "顾客", "Customer", entity="crm.customer")),
               filename="quality-tracking-{period}.pdf", form_code="JL-8.2-02-1", edition="A/0",
               description_zh="某一期间的质量跟踪记录（每次跟踪一行），含质管部接收日期与解决期限（接收后15个工作日）。",
               description_en="The quality tracking records of a period (one line per tracking), with 质管部's "
                              "receipt and the solve-by date (15 working days after it)."),
        Report("quality.service_report", "服务质量报告", "Service quality report",
               template="print/tracking_service_report.html", collect=service_quality_report,
               permission="quality.tracking.read", parameters=(PeriodParam(max_days=92),),
               filename="service-quality-{period}.pdf", form_code="JL-8.2-02-2", edition="A/0",
               description_zh="季度服务质量报告：各项指标的目标值、实际值及是否达标；未结和逾期的投诉、纠正预防措施；回访抽访结果。",
               description_en="The quarterly service quality report: each KPI's target, actual and whether it "
                              "was met; open and overdue complaints and CAPAs; the callback and sampling results."),
    ]


def tracking_register(request: ReportRequest) -> dict[str, Any]:
    """The tracking records of the period (跟踪日期), oldest first."""
    from ..models.tracking import QualityTracking as T
    query = request.query(T).filter(request.period.contains(T.tracked_on))
    if request.values.get("customer") is not None:
        query = query.filter(T.customer_id == request.values["customer"].id)
    rows = request.rows(query.order_by(T.tracked_on, T.id))
    # One look per record at core's sign-offs (at most the print cap).
    return dict(rows=rows, signers={r.id: signed(r) for r in rows})


def signed(record: Any) -> str:
    """``王芳 2026-12-01``: who signed as 销售部负责人 (the 审核 box) and when, else ""."""
    from core.org import signature_boxes
    box = signature_boxes(record).get("checked")
    return f"{box['name']} {box['date']}" if box else ""
