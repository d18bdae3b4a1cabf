"""The 三包 warranty decision (QP-7.5-02 6.5 6)–8), seed 002-B 5.1.6, D-11):
a pure function of its inputs, with the sentence that names them.

Rules, as decided in ``shared/domain`` (README D-2, D-11; after_sales.md
AS-14, AS-16, AS-34, A5, T-AS-9):

* **Start.** The warranty runs from the unit's sale (invoice) date, or from
  its delivery or installation date when its product says so
  (:data:`~plugins.after_sales.models.WARRANTY_BASES`). A unit whose product
  counts from a date that was not recorded counts from its sale date, and
  the sentence says so (the sale date is always known, and it is the
  national 三包 rules' own start).
* **Period.** The product's own months, else the company's setting
  ``after_sales.warranty_months`` (default 12: "保修期为1年").
* **Last day** (民法典 §202, "对应日"): the day of the end month that
  corresponds to the start day; a month without that day (a start on
  29 Feb, or on the 31st) ends on the month's last day. The start day itself
  is not counted (§201), so 1 year from 2023-03-15 ends **on** 2024-03-15,
  and from 2024-02-29 on 2025-02-28.
* **Decision.** A fault on or before the last day whose cause is the
  product → 三包 (free repair or exchange, 免费调换或保修). A user-caused
  fault → 有偿服务 whatever the date (AS-16, "user fault beats the
  period"). After the last day → 有偿服务 whatever the cause.
* **Unclear cause** inside the period → 三包. AS-16 names the only two
  grounds for charging: the user's responsibility or an expired period. A
  cause not (yet) established is neither, so the customer is not charged on
  it; the sentence says the cause was unclear, and a verified user fault
  later turns the decision (it is recomputed from its inputs).
* A fault dated before the warranty start (found while installing a unit
  whose warranty runs from installation) is inside the warranty.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from core.calendar.periods import add_months  # D-2: the corresponding date, core's rule

#: Verified fault causes (AS-14 "验证故障, 分析原因").
CAUSES = {"product": ("产品质量", "product"), "user": ("用户责任", "user"), "unclear": ("原因不明", "unclear")}
#: The two outcomes (AS-16, AS-34).
OUTCOMES = {"sanbao": ("三包（免费调换或维修）", "三包 (free repair or exchange)"),
            "paid": ("有偿服务", "有偿服务 (paid service)")}
#: How each start basis reads in the sentence.
_STARTED = {"sale": ("销售日期", "sold"), "delivery": ("交付日期", "delivered"),
            "installation": ("安装日期", "installed")}


def period_text(months: int) -> tuple[str, str]:
    """``12`` → ``("1年", "1 year")``; ``18`` → ``("18个月", "18 months")``."""
    if months % 12 == 0:
        years = months // 12
        return f"{years}年", f"{years} year" + ("s" if years != 1 else "")
    return f"{months}个月", f"{months} month" + ("s" if months != 1 else "")


@dataclass(frozen=True)
class Terms:
    """A unit's 三包 terms: where the period starts and its last day.

    :param basis: the product's start basis (``sale``, ``delivery``,
        ``installation``).
    :param used: the date the period really counts from (``basis`` unless
        that date was not recorded: then ``sale``).
    """

    start: dt.date
    basis: str
    used: str
    months: int

    @property
    def last_day(self) -> dt.date:
        return add_months(self.start, self.months)

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` is inside the warranty (on or before its last day)."""
        return day <= self.last_day


@dataclass(frozen=True)
class Decision:
    """A 三包 decision, ready to be stored with the record it decides
    (:meth:`as_dict`) and shown in either language (:meth:`reason`)."""

    outcome: str            # "sanbao" or "paid"
    in_warranty: bool       # the fault date is on or before the last day
    start: dt.date
    basis: str
    used: str
    months: int
    last_day: dt.date
    fault_date: dt.date
    cause: str
    reason_zh: str
    reason_en: str

    @property
    def free(self) -> bool:
        return self.outcome == "sanbao"

    def reason(self, locale: str = "zh") -> str:
        return self.reason_en if str(locale).startswith("en") else self.reason_zh

    def as_dict(self) -> dict[str, Any]:
        """The inputs, the outcome and both sentences, dates as ISO text (JSON-ready)."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()}


def terms(*, sale_date: dt.date, months: int, basis: str = "sale", delivery_date: dt.date | None = None,
          installation_date: dt.date | None = None) -> Terms:
    """The terms from a unit's dates and a period (pure)."""
    if basis not in _STARTED:
        raise ValueError(f"unknown warranty basis {basis!r}")
    if months < 1:
        raise ValueError("a warranty period is at least one month")
    chosen = {"sale": sale_date, "delivery": delivery_date, "installation": installation_date}[basis]
    if chosen is None:
        return Terms(sale_date, basis, "sale", months)
    return Terms(chosen, basis, basis, months)


def decide(t: Terms, fault_date: dt.date, cause: str) -> Decision:
    """The 三包 decision for a fault on ``fault_date`` with the verified
    ``cause`` (``product``, ``user`` or ``unclear``), under terms ``t``."""
    if cause not in CAUSES:
        raise ValueError(f"unknown fault cause {cause!r}")
    inside = t.covers(fault_date)
    outcome = "sanbao" if inside and cause != "user" else "paid"
    started_zh, started_en = _STARTED[t.used]
    period_zh, period_en = period_text(t.months)
    missing_zh = missing_en = ""
    if t.used != t.basis:
        missing_zh = f"（未登记{_STARTED[t.basis][0]}，按销售日期）"
        missing_en = f" (no {t.basis} date recorded)"
    why_zh, why_en = "", ""
    if cause == "user":
        why_zh, why_en = "（用户责任，不论是否在三包期内）", " (user fault, whatever the date)"
    elif not inside:
        why_zh, why_en = "（已超过三包期）", " (after the last day)"
    elif cause == "unclear":
        why_zh, why_en = "（原因未查明，不属用户责任）", " (cause not established: not the user's fault)"
    reason_zh = (f"{started_zh} {t.start.isoformat()}{missing_zh}，三包期 {period_zh}，最后一天 {t.last_day.isoformat()}，"
                 f"故障日期 {fault_date.isoformat()}，原因：{CAUSES[cause][0]} → {OUTCOMES[outcome][0]}{why_zh}")
    reason_en = (f"{started_en} {t.start.isoformat()}{missing_en}, period {period_en}, last day "
                 f"{t.last_day.isoformat()}, fault on {fault_date.isoformat()}, cause {CAUSES[cause][1]} → "
                 f"{OUTCOMES[outcome][1]}{why_en}")
    return Decision(outcome, inside, t.start, t.basis, t.used, t.months, t.last_day, fault_date, cause,
                    reason_zh, reason_en)


# --- from the records ------------------------------------------------------------
def period_of(product: Any, company: Any = None) -> int:
    """The product's 三包 months, else the company's setting."""
    if product.warranty_months:
        return product.warranty_months
    from core.settings import get_setting
    return int(get_setting("after_sales.warranty_months", company))


def terms_of(unit: Any, company: Any = None) -> Terms:
    """A :class:`~plugins.after_sales.models.UnitSold`'s terms (its company's
    setting when its product has no period)."""
    product = unit.product
    return terms(sale_date=unit.sale_date, months=period_of(product, company or unit.owner_company),
                 basis=product.warranty_basis or "sale", delivery_date=unit.delivery_date,
                 installation_date=unit.installation_date)


def decide_for_unit(unit: Any, fault_date: dt.date, cause: str, company: Any = None) -> Decision:
    """The 三包 decision for a fault of ``unit`` (see :func:`decide`)."""
    return decide(terms_of(unit, company), fault_date, cause)
