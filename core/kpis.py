"""Key performance indicators plugins publish for others to read.

A plugin declares :class:`Kpi` objects in ``register_kpis``; any code (the
appraisal plugin, a report, a dashboard widget) reads one with
:func:`kpi_value`, without importing the declaring plugin::

    kpi_value("crm.contact_overdue_rate", company, date(2026, 7, 1), date(2026, 9, 30))
    kpi_value("crm.visit_completion_rate", company, start, end, subject=department)

A KPI is measured for the whole company unless it declares more
``subjects`` (``"department"``, ``"employee"``: :mod:`core.org`); then its
``compute`` takes the subject too.

Core checks the module gate: a KPI of a module the company has not enabled
is :class:`KpiUnavailable`, like a missing key. The computation runs inside
``acting_as(company)`` so it reads only that company's rows.
"""
from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any, Callable

from core.records import tenancy
from core.plugin.declarations import Keyed, NamespacedRegistry

Number = decimal.Decimal | int | None


class KpiUnavailable(LookupError):
    """No loaded plugin declares the KPI, or its module is disabled for the company."""

    def __str__(self) -> str:  # KeyError-like quoting would hide the message
        return str(self.args[0]) if self.args else ""


#: What a KPI can be measured for: the company, one department (with the
#: departments under it) or one employee.
SUBJECTS = ("company", "department", "employee")

_CENT = decimal.Decimal("0.01")


def count_if(condition: Any) -> Any:
    """A SQL aggregate counting the rows where ``condition`` holds (0, not
    NULL, over no rows): several counts of one query in one statement,
    ``query.with_entities(count_if(a), count_if(b)).one()``."""
    from sqlalchemy import case, func
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def percent(part: int, whole: int) -> decimal.Decimal | None:
    """``part`` of ``whole`` in per cent, 2 places, half up (D-5: what is
    shown is what thresholds compare); ``None`` when ``whole`` is 0 (no
    record to count: no rate, rather than 0 %)."""
    if not whole:
        return None
    return (decimal.Decimal(part) * 100 / decimal.Decimal(whole)).quantize(_CENT, rounding=decimal.ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpi(Keyed):
    """One indicator: ``compute(company, start, end)`` returns its value over
    the days ``start``..``end`` (both inclusive) as a ``Decimal`` or ``int``,
    or ``None`` when there is nothing to measure (no data is not zero).
    With ``subjects`` beyond ``("company",)`` it is
    ``compute(company, start, end, subject)``, ``subject`` being ``None``
    (the company), a :class:`core.org.Department` or a :class:`core.org.Employee`
    (:func:`core.org.subject_user_ids` gives the logins to count).

    :param key: ``<plugin>.<name>``.
    :param label_zh: Chinese name, e.g. ``"来电来函逾期答复率"``.
    :param label_en: English name.
    :param unit: ``"%"``, ``"分"``, ``"次"``... (shown after the value).
    :param better: ``"up"`` or ``"down"``: which way is good (for appraisal
        scoring and trend colours).
    :param subjects: what it can be measured for, from :data:`SUBJECTS`;
        ``"company"`` always among them.
    """

    key: str
    label_zh: str
    label_en: str
    compute: Callable[[Any, dt.date, dt.date], Number]
    unit: str = ""
    better: str = "up"
    subjects: tuple[str, ...] = ("company",)

    def __post_init__(self) -> None:
        if "company" not in self.subjects or set(self.subjects) - set(SUBJECTS):
            raise ValueError(f"KPI {self.key!r}: subjects must include 'company' and be among {', '.join(SUBJECTS)}")
        if "." not in self.key:
            raise ValueError(f"KPI key {self.key!r} must be '<plugin>.<name>'")
        if not callable(self.compute):
            raise TypeError(f"KPI {self.key!r}: compute must be callable")
        if self.better not in ("up", "down"):
            raise ValueError(f"KPI {self.key!r}: better must be 'up' or 'down', not {self.better!r}")

    def label(self, locale: str | None = None) -> str:
        return self.label_en if (locale or "zh").startswith("en") else self.label_zh


class KpiRegistry(NamespacedRegistry[Kpi]):
    """Every declared KPI, by key (``app.extensions["qdesk.kpis"]``)."""

    kind, item_type, hook, extension = "KPI", Kpi, "register_kpis", "qdesk.kpis"


def available_kpis(company: Any) -> list[Kpi]:
    """The KPIs of the modules enabled for ``company``, in key order."""
    enabled = tenancy.enabled_modules(company)
    return [k for key, k in sorted(KpiRegistry.current().by_key.items()) if k.module in enabled]


def get_kpi(key: str, company: Any) -> Kpi:
    """The declaration of ``key`` if its module is enabled for ``company``."""
    kpi = KpiRegistry.current().by_key.get(key)
    if kpi is None or not tenancy.module_enabled(kpi.module, company):
        raise KpiUnavailable(f"KPI {key!r} is not available for company {getattr(company, 'code', company)!r}: "
                             "no enabled module declares it")
    return kpi


def subject_kind(subject: Any) -> str:
    """``"company"``, ``"department"`` or ``"employee"`` for a KPI subject."""
    from core.org import Department, Employee
    if subject is None:
        return "company"
    if isinstance(subject, Department):
        return "department"
    if isinstance(subject, Employee):
        return "employee"
    raise TypeError(f"a KPI subject is None (the company), a Department or an Employee, not {subject!r}")


def kpi_value(key: str, company: Any, start: dt.date, end: dt.date, subject: Any = None) -> Number:
    """The value of KPI ``key`` for ``company`` over ``start``..``end``; with
    ``subject`` (a department or an employee of ``company``) for that subject
    only. A KPI not measured for that kind of subject is :class:`KpiUnavailable`."""
    if start > end:
        raise ValueError(f"KPI {key!r}: start {start} is after end {end}")
    kpi = get_kpi(key, company)
    kind = subject_kind(subject)
    if kind not in kpi.subjects:
        raise KpiUnavailable(f"KPI {key!r} is not measured per {kind} (only: {', '.join(kpi.subjects)})")
    if subject is not None and subject.company_id != company.id:
        raise ValueError(f"KPI {key!r}: {kind} {subject} is not of company {company.code!r}")
    with tenancy.acting_as(company, tenancy.current_user()):
        value = (kpi.compute(company, start, end) if kpi.subjects == ("company",)
                 else kpi.compute(company, start, end, subject))
    if value is not None and (isinstance(value, bool) or not isinstance(value, (decimal.Decimal, int))):
        raise TypeError(f"KPI {key!r} of plugin {kpi.module!r} returned {value!r}: expected a Decimal, int or None")
    return value
