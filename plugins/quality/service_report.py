"""The quarterly 服务质量报告 (issue 12 item 5; report
``quality.service_report``): read only through core, so that it lists what
the company's enabled modules publish, whichever helper wrote them:

* **KPIs** with target, actual and met / not met: the keys of the setting
  ``quality.report_kpis`` (``key:target``), each read with
  :func:`core.kpis.kpi_value`; a key no enabled module declares is left
  out (no crash). Met: ``actual >= target`` for a KPI whose ``better`` is
  up, ``<=`` for one whose better is down, compared on the value rounded
  to 2 places (D-5); no data → "no data", neither met nor not met;
* **open and overdue records** of the entities :data:`OPEN_ENTITIES`
  (complaints, CAPAs, their actions, tracking problems) by entity key:
  for each deadline core declares on the entity's model, the records the
  user may read (``core.records.access.query``) whose clock is open, and
  those overdue (:func:`core.deadlines.filter_clause`), with the overdue
  ones listed (longest overdue first);
* the **callback and sampling results**: every enabled KPI whose key
  starts with ``quality.callback.`` (helper C's 回访率, 抽访满意率, 复抽一致率…).
"""
from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from typing import Any

#: The entities whose open and overdue records the report shows, in order.
OPEN_ENTITIES = ("quality.complaint", "quality.capa", "quality.capaaction", "quality.tracking")
#: The KPIs listed as the callback and sampling results.
SAMPLING_KPIS = ("quality.callback_rate", "quality.sample_satisfaction_rate", "quality.resample_agreement_rate",
                 "quality.fake_records")
#: How many overdue records are listed per deadline.
OVERDUE_LISTED = 20

_CENT = decimal.Decimal("0.01")


@dataclass(frozen=True)
class KpiLine:
    key: str
    label_zh: str
    label_en: str
    unit: str
    better: str
    target: decimal.Decimal | None
    actual: decimal.Decimal | int | None
    #: True met, False not met, None: no data or no target.
    met: bool | None


@dataclass
class OpenLine:
    entity: str
    entity_zh: str
    entity_en: str
    deadline_zh: str
    deadline_en: str
    open: int
    overdue: int
    overdue_records: list = field(default_factory=list)


def _rounded(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return value.quantize(_CENT, rounding=decimal.ROUND_HALF_UP)  # D-5: what is printed is compared
    return value


def kpi_lines(company: Any, start, end, items) -> list[KpiLine]:
    """One line per ``(key, target)`` of ``items`` whose KPI is available
    for ``company`` (others skipped), measured over ``start``..``end``."""
    from core.kpis import KpiUnavailable, get_kpi, kpi_value
    lines = []
    for key, target in items:
        try:
            kpi = get_kpi(key, company)
            actual = _rounded(kpi_value(key, company, start, end))
        except KpiUnavailable:
            continue
        met = None
        if actual is not None and target is not None:
            met = actual >= target if kpi.better == "up" else actual <= target
        lines.append(KpiLine(key, kpi.label_zh, kpi.label_en, kpi.unit, kpi.better, target, actual, met))
    return lines


def sampling_lines(company: Any, start, end, targets: dict, keys: tuple = SAMPLING_KPIS) -> list[KpiLine]:
    """The callback and sampling results (回访率, 抽访满意率, 复抽一致率, 假单数:
    ``keys``) that an enabled module publishes, with the targets the setting
    names (others: no target)."""
    return kpi_lines(company, start, end, [(key, targets.get(key)) for key in keys])


def open_lines(company: Any, entity_keys=OPEN_ENTITIES, now=None) -> list[OpenLine]:
    """Per deadline of each entity of ``entity_keys`` the user may read:
    how many records are open and how many overdue at ``now`` (default the
    company's now), and the overdue ones. Entities nobody declares (a
    concern not merged yet) or the user may not read are left out."""
    from core.calendar.timezone import local_now
    from core.deadlines import deadlines_for, filter_clause
    from core.errors import DomainError
    from core.records import access
    now = now or local_now(company)
    lines = []
    for key in entity_keys:
        try:
            entity = access.resolve(key)
            access.require(entity, "read")
        except (KeyError, DomainError):
            continue
        for d in deadlines_for(entity.model):
            if d.entity_key != key:
                continue
            base = access.query(entity)
            open_count = base.filter(filter_clause(d, "open", now, company)).count()
            overdue = base.filter(filter_clause(d, "overdue", now, company))
            due = getattr(entity.model, d.due_field)
            listed = overdue.order_by(due, entity.model.id).limit(OVERDUE_LISTED).all()
            lines.append(OpenLine(key, entity.label_zh, entity.label_en, d.label_zh or d.key, d.label_en or d.key,
                                  open_count, overdue.count(), [(r, getattr(r, d.due_field)) for r in listed]))
    return lines


def service_quality_report(request: Any) -> dict[str, Any]:
    """collect() of ``quality.service_report``."""
    from core.settings import get_setting

    from .tracking_rules import parse_report_kpis
    company, period = request.company, request.period
    items = parse_report_kpis(get_setting("quality.report_kpis", company))
    targets = dict(items)
    # The callback chain's results have their own section (二、回访与抽访结果),
    # with the targets the setting gives them.
    kpis = kpi_lines(company, period.start, period.end, [(k, t) for k, t in items if k not in SAMPLING_KPIS])
    sampling = sampling_lines(company, period.start, period.end, targets)
    return dict(kpis=kpis, sampling=sampling, open_records=open_lines(company))
