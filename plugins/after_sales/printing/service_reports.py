"""售后服务报告单 JL-7.5-02-3 (core.printing): one job per form, with every
field of after_sales.md §1.3 — the work order's 服务类别 and 售前/售中/售后,
the customer and the product with its 三包期, the dates with the 报告提交日期
and whether it was on time (core's clock of after_sales.report.due), the
排故任务, the fault and its cause, 责任判定 and 三包判定 from the work order's
stored decision (with its sentence), the parts, the paid amount, the open
issues, the user's opinion and the signatures (用户, 服务人员, 供销部接收,
技质部意见).

The template (templates/print/service_report.html) reads one plain
dictionary, :meth:`ServiceReportForm.sheet`, so that what is printed is
decided here, in Python, and every value stays escaped. User-typed times
(departure, arrival...) are company-local and printed as typed; the stamp
``decided_at`` (UTC) is printed in the company's zone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core import Printable
from core.i18n import pick

#: 服务类别 boxes of the paper form, from the work order's category code;
#: any other category (咨询, 退货, 投诉...) ticks 其他 and prints its name.
SERVICE_KINDS = (("install", "安装", "Installation"), ("commission", "调试", "Commissioning"),
                 ("repair", "维修", "Repair"), ("training", "培训", "Training"))
#: 责任判定 boxes.
RESPONSIBILITY = (("product", "产品质量", "Product quality"), ("user", "用户责任", "User's responsibility"),
                  ("expired", "超过三包期", "Warranty period over"))


def _pick(locale: str, zh: str, en: str) -> str:
    """core.i18n.pick with the print's locale first (the form's many calls read better so)."""
    return pick(zh, en, locale)


def _when(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    # User-entered and workflow-stamped times are company-local already (D-3).
    return value.strftime(fmt) if value is not None else ""


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else ""


def _boxes(options, chosen, locale) -> list[tuple[str, bool]]:
    """``[(label, ticked)]`` in the paper form's order."""
    return [(_pick(locale, zh, en), code in chosen) for code, zh, en in options]


def _on_time(report: Any, locale: str) -> str:
    """按时 / 逾期 from core's clock of the hand-in deadline."""
    from core.deadlines import record_badges
    state = record_badges(report).get("after_sales.report.due")
    return {"met": _pick(locale, "按时提交", "On time"), "late": _pick(locale, "逾期提交", "Late"),
            "overdue": _pick(locale, "已逾期，未提交", "Overdue, not submitted"),
            "running": _pick(locale, "未提交", "Not submitted yet")}.get(state or "", "")


def _decision_block(decision: Any, locale: str) -> dict[str, Any]:
    """责任判定 and 三包判定 ticks, the sentence and an override, from the stored decision."""
    from core.calendar.timezone import format_local
    from core.records.choices import choice_label
    from ..models import OUTCOMES
    if decision is None:
        return {"responsibility": _boxes(RESPONSIBILITY, (), locale),
                "outcome": [(_pick(locale, "三包维修", "三包 repair"), False),
                            (_pick(locale, "有偿服务", "Paid service"), False)],
                "sentence": "", "override": "", "decided_at": "", "state": ""}
    inputs = decision.inputs or {}
    chosen = {decision.cause}
    if inputs.get("in_warranty") is False:
        chosen.add("expired")
    effective = decision.effective_outcome
    override = ""
    if decision.state == "overridden":
        override = _pick(locale, "改判为{}（原因：{}）", "Overridden to {} (reason: {})").format(
            choice_label(OUTCOMES, effective, locale), decision.override_reason or "")
    return {"responsibility": _boxes(RESPONSIBILITY, chosen, locale),
            "outcome": [(_pick(locale, "三包维修", "三包 repair"), effective == "sanbao"),
                        (_pick(locale, "有偿服务", "Paid service"), effective == "paid")],
            "unclear": decision.cause == "unclear", "sentence": decision.reason(locale), "override": override,
            "decided_at": format_local(decision.decided_at, decision.owner_company) if decision.decided_at else "",
            "state": decision.label("state", locale), "last_day": inputs.get("last_day")}


def sheet(report: Any, locale: str) -> dict[str, Any]:
    """Everything JL-7.5-02-3 prints for ``report``, as text and ticks."""
    from core.records.choices import choice_label
    from ..models import CAPA_DECISIONS, OPINIONS, OUTCOMES, STAGES
    from ..decisions import decision_of
    order = report.work_order
    decision = decision_of(report.work_order_id, readable=True)
    category = order.category if order is not None else None
    kind = category.code if category is not None else None
    kinds = _boxes(SERVICE_KINDS, {kind}, locale)
    other = category is not None and kind not in {k for k, _zh, _en in SERVICE_KINDS}
    kinds.append((_pick(locale, "其他", "Other") + (f"（{category}）" if other else ""), other))
    customer = order.customer if order is not None else None
    contact = order.contact if order is not None else None
    unit = decision.unit if decision is not None else (order.unit if order is not None else None)
    product = unit.product if unit is not None else None
    block = _decision_block(decision, locale)
    in_province = customer.in_province if customer is not None else None
    bought = _day(unit.sale_date) if unit is not None else ""
    if unit is not None and unit.delivery_date:
        bought += _pick(locale, f"（交付 {unit.delivery_date.isoformat()}）",
                        f" (delivered {unit.delivery_date.isoformat()})")
    warranty_end = block.get("last_day") or (_day(unit.warranty_end) if unit is not None else "")
    return {
        "number": report.number or "", "order_number": order.number if order is not None else "",
        "kinds": kinds, "stages": [(_pick(locale, zh, en), code == (order.stage if order else None))
                                   for code, (zh, en) in STAGES.items()],
        "customer": customer.name if customer is not None else "",
        "address": " ".join(p for p in ((customer.province, customer.city, customer.address)
                                        if customer is not None else ()) if p),
        "contact": contact.name if contact is not None else "",
        "phone": (contact.phone if contact is not None and contact.phone else
                  (customer.phone if customer is not None else "")) or "",
        "province": [(_pick(locale, "省内", "In province"), in_province is True),
                     (_pick(locale, "省外", "Out of province"), in_province is False)],
        "product": product.name if product is not None else "",
        "model": " ".join(p for p in ((product.model, product.spec) if product is not None else ()) if p),
        "serial": unit.serial if unit is not None else "", "bought": bought, "warranty_end": warranty_end,
        "departed": _when(report.departed_at), "arrived": _when(report.arrived_at),
        "finished": _when(report.finished_at), "returned": _when(report.returned_at),
        "due": _when(report.report_due, "%Y-%m-%d"), "submitted": _when(report.submitted_at),
        "on_time": _on_time(report, locale),
        "task": (order.repair_task or "") if order is not None else "",
        "symptom": report.symptom or "", "verified": report.verified_fault or "",
        "cause": report.cause_analysis or "", "work_done": report.work_done or "",
        **{f"decision_{k}": v for k, v in block.items()},
        "parts": [{"name": p.part_name, "spec": p.spec or "", "quantity": f"{p.quantity.normalize():f}",
                   "unit": p.unit or "", "charge": choice_label(OUTCOMES, p.charge, locale)} for p in report.parts],
        "paid": f"{report.paid_amount:.2f}" if report.paid_amount is not None else "",
        "open_issues": report.open_issues or "",
        "opinions": [(_pick(locale, zh, en), code == report.user_opinion) for code, (zh, en) in OPINIONS.items()],
        "user_name": report.user_name or "", "user_signed_on": _day(report.user_signed_on),
        "engineer": report.engineer.name if report.engineer is not None else "",
        "capa": [(_pick(locale, *CAPA_DECISIONS["yes"]), report.capa_needed == "yes"),
                 (_pick(locale, *CAPA_DECISIONS["no"]), report.capa_needed == "no")],
        "capa_ref": report.capa_ref or "", "review_notes": report.review_notes or "",
    }


@dataclass(frozen=True)
class ServiceReportForm(Printable):
    """The JL-7.5-02-3 printable: its template calls :meth:`sheet`."""

    def sheet(self, record: Any, locale: str) -> dict[str, Any]:
        return sheet(record, locale)


def printables() -> list:
    from ..models import ServiceReport
    return [ServiceReportForm("after_sales.service_report", title_zh="售后服务报告单",
                              title_en="After-sales service report", model=ServiceReport,
                              template="print/service_report.html", filename="service-report-{record.number}.pdf",
                              form_code="JL-7.5-02-3", edition="A/0")]
