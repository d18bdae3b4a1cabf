"""纠正和预防措施处理单 (core.printing): one CAPA per form, with the fields
of after_sales.md §1.3 — 编号, 来源 (□/☑ boxes), 关联单号, 不合格事实,
严重程度, 立即采取的控制措施, 原因分析, 责任部门/责任人, then the actions as
a table (□纠正 □预防, 措施内容, 责任部门/责任人, 整改期限, 实施情况,
验证人/验证日期/效果结论), 关闭日期 and the 技质部/管理者代表 signature (the
close sign-off stored by core, else a blank line for the pen).

The template (templates/print/capa_form.html) reads one plain dictionary,
:func:`sheet`, so what is printed is decided here and every value stays
escaped. Workflow stamps are company-local and printed as they are."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core import Printable

#: The 来源 boxes of the paper form, in its order (then 售后服务报告 and 其他).
SOURCE_BOXES = ("complaint", "tracking", "audit", "inspection", "appraisal", "adverse_event", "service_report",
                "other")


def _day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def _action(action: Any, locale: str) -> dict[str, Any]:
    return {
        "kinds": action.boxes("kind", locale),
        "description": action.description or "",
        "department": action.department.name if action.department is not None else "",
        "owner": action.responsible.name if action.responsible is not None else "",
        "due": _day(action.due_on), "state": action.label("state", locale),
        "result": action.result or "", "done": _day(action.done_at),
        "verifier": action.verifier.name if action.verifier is not None else "",
        "verified_on": _day(action.verified_on), "effectiveness": action.label("effectiveness", locale),
        "comment": action.verification_comment or "",
    }


def sheet(capa: Any, locale: str) -> dict[str, Any]:
    """Everything the 纠正和预防措施处理单 prints for ``capa``, as text and ticks."""
    from core.org import signature_boxes
    from core.records.choices import choice_label
    from ..models.capa import SOURCES
    signed = signature_boxes(capa).get("approved")
    return {
        "number": capa.number or "",
        "sources": [(choice_label(SOURCES, code, locale), code == capa.source_kind) for code in SOURCE_BOXES],
        "source_ref": capa.source_ref or "",
        "severities": capa.boxes("severity", locale),
        "nonconformity": capa.nonconformity or "", "containment": capa.containment or "",
        "cause": capa.cause_analysis or "",
        "department": capa.department.name if capa.department is not None else "",
        "responsible": capa.responsible.name if capa.responsible is not None else "",
        "opened": _day(capa.opened_at), "closed": _day(capa.closed_at),
        "state": capa.label("state", locale),
        "actions": [_action(a, locale) for a in capa.actions if a.archived_at is None],
        "signer": signed,
    }


@dataclass(frozen=True)
class CapaForm(Printable):
    """The 纠正和预防措施处理单 printable: its template calls :meth:`sheet`."""

    def sheet(self, record: Any, locale: str) -> dict[str, Any]:
        return sheet(record, locale)


def printables() -> list:
    from ..models.capa import Capa
    return [CapaForm("quality.capa", title_zh="纠正和预防措施处理单", title_en="Corrective and preventive action",
                     model=Capa, template="print/capa_form.html", filename="capa-{record.number}.pdf",
                     form_code="JL-8.5-01", edition="A/0", orientation="landscape",
                     number="{record.number}")]
