"""The parameters a period report asks for (:class:`core.printing.Report`).

Each parameter reads one raw text (a form field, ``--param name=value`` on
the command line) and gives a value the report's ``collect`` uses, or
raises :class:`~core.errors.Invalid` naming the field, with a sentence the
clerk reads. Raw texts are what the print log keeps, so a print can be told
apart from another and repeated.

* :class:`PeriodParam`: a month, quarter, year or ``from..to`` range →
  :class:`core.calendar.periods.Period` (company-local days);
* :class:`ChoiceParam`: one code of ``{code: (中文, English)}``;
* :class:`DepartmentParam`, :class:`EmployeeParam`: the company's own
  (core.org), a department with or without the ones below it;
* :class:`RecordParam`: one record of an entity (a customer), of the
  current company, behind the entity's module gate and read permission.

An optional parameter left empty gives ``None`` ("all").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping

from core.errors import Invalid
from core.i18n import is_chinese, translate as _gettext

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: How many records a dropdown of :class:`RecordParam` offers at most.
MAX_CHOICES = 1000


@dataclass(frozen=True)
class Parameter:
    """What every parameter has.

    :param name: the field's name (``period``, ``customer``), a key of the
        values ``collect`` receives.
    :param label_zh, label_en: the field's label on the dialog and in the
        printed header.
    :param required: an empty value is refused (default: optional, "all").
    """

    name: str
    label_zh: str
    label_en: str
    required: bool = False
    #: the dialog's widget: ``period``, ``select``
    widget = "select"

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"report parameter {self.name!r}: use lower-case letters, digits and _")

    def label(self, locale: str | None = None) -> str:
        """The label in ``locale`` (the request's by default)."""
        return self.label_zh if is_chinese(locale) else self.label_en

    def parse(self, raw: str | None) -> Any:
        """The value of ``raw`` (``None`` when optional and empty), else :class:`Invalid`."""
        text = (raw or "").strip()
        if not text:
            if self.required:
                raise Invalid(_gettext("%(field)s: this is required.", field=self.label()), field=self.name)
            return None
        return self.value_of(text)

    def value_of(self, text: str) -> Any:  # pragma: no cover - each kind has its own
        raise NotImplementedError

    def display(self, value: Any, locale: str | None = None) -> str:
        """How ``value`` is printed in the report's header ("all" for ``None``)."""
        return str(value) if value is not None else _gettext("All")

    def raw(self, value: Any) -> str:
        """The text that gives ``value`` back (kept in the print log)."""
        return "" if value is None else str(getattr(value, "id", value))

    def options(self) -> list[tuple[str, str]]:
        """``(raw, label)`` pairs the dialog offers (``[]``: free input)."""
        return []

    def refuse(self, message: str) -> Invalid:
        return Invalid(f"{self.label()}: {message}", field=self.name)


@dataclass(frozen=True)
class PeriodParam(Parameter):
    """A period: ``2026``, ``2026-Q3``, ``2026-10`` or ``2026-10-08..2026-11-20``
    (company-local days). Required by default.

    :param max_days: the longest span allowed (a year and a day by default):
        a report over ten years is a mistake, and a slow one.
    """

    name: str = "period"
    label_zh: str = "期间"
    label_en: str = "Period"
    required: bool = True
    max_days: int = 366
    widget = "period"

    def value_of(self, text: str) -> Any:
        from core.calendar.periods import Period
        try:
            return Period.parse(text, max_days=self.max_days)
        except ValueError:
            raise self.refuse(_gettext(
                "write a month (2026-10), a quarter (2026-Q3), a year (2026) or two dates "
                "(2026-10-08..2026-11-20), at most %(days)s days.", days=self.max_days)) from None

    def display(self, value: Any, locale: str | None = None) -> str:
        return value.text(locale) if value is not None else _gettext("All")

    def raw(self, value: Any) -> str:
        return "" if value is None else value.label

    def options(self) -> list[tuple[str, str]]:
        from core.calendar.periods import recent_labels
        from core.calendar.timezone import local_today
        return [(label, label) for label in recent_labels(local_today())]

    def range_of(self, start: str | None, end: str | None) -> str | None:
        """The raw text of a dialog's "from"/"to" date fields (``None`` if both empty)."""
        start, end = (start or "").strip(), (end or "").strip()
        if not start and not end:
            return None
        if not start or not end:
            raise self.refuse(_gettext("give both dates of the period, or none."))
        return f"{start}..{end}"


@dataclass(frozen=True)
class ChoiceParam(Parameter):
    """One code of ``choices`` (``{code: (中文, English)}``, like a model's
    ``CHOICES``); the code or either label is accepted."""

    choices: Mapping[str, tuple[str, str]] = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.choices:
            raise ValueError(f"report parameter {self.name!r}: a ChoiceParam needs choices")

    def value_of(self, text: str) -> Any:
        for code, labels in self.choices.items():
            if text == code or text in labels:
                return code
        raise self.refuse(_gettext("not one of the choices."))

    def display(self, value: Any, locale: str | None = None) -> str:
        if value is None:
            return _gettext("All")
        zh, en = self.choices[value]
        return zh if is_chinese(locale) else en

    def options(self) -> list[tuple[str, str]]:
        return [(code, self.display(code)) for code in self.choices]


@dataclass(frozen=True)
class _ScopedRecordParam(Parameter):
    """A record of the current company chosen by id."""

    def model(self) -> type:  # pragma: no cover - each kind names its model
        raise NotImplementedError

    def choices_query(self) -> Any:
        from core.records import tenancy
        model = self.model()
        query = tenancy.scoped_query(model)
        if hasattr(model, "archived_at"):
            query = query.filter(model.archived_at.is_(None))
        return query

    def value_of(self, text: str) -> Any:
        from core.records import inputs, tenancy
        pk, model = inputs.parse_id(text), self.model()
        record = (tenancy.scoped_query(model).filter(model.id == pk).one_or_none()
                  if pk is not None else None)
        if record is None:  # another company's id reads the same as none
            raise self.refuse(_gettext("there is no such record."))
        return record

    def options(self) -> list[tuple[str, str]]:
        rows = self.choices_query().limit(MAX_CHOICES).all()
        return sorted(((str(r.id), str(r)) for r in rows), key=lambda pair: pair[1])


@dataclass(frozen=True)
class DepartmentParam(_ScopedRecordParam):
    """A department of the company (core.org). Its value is the
    :class:`~core.org.models.Department`; with ``subtree`` (default), the
    report's :meth:`ReportRequest.department_ids` also takes the departments under it."""

    name: str = "department"
    label_zh: str = "部门"
    label_en: str = "Department"
    subtree: bool = True

    def model(self) -> type:
        from core.org.models import Department
        return Department


@dataclass(frozen=True)
class EmployeeParam(_ScopedRecordParam):
    """An employee of the company (core.org)."""

    name: str = "employee"
    label_zh: str = "员工"
    label_en: str = "Employee"

    def model(self) -> type:
        from core.org.models import Employee
        return Employee

    def choices_query(self) -> Any:
        from core.org.models import Employee
        return super().choices_query().filter(Employee.active.is_(True))


@dataclass(frozen=True)
class RecordParam(_ScopedRecordParam):
    """One record of ``entity`` (``"crm.customer"``): the entity's module
    must be enabled for the company and the user must be allowed to read it
    (:func:`core.records.access.require`), else the report cannot be asked for it."""

    entity: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.entity:
            raise ValueError(f"report parameter {self.name!r}: a RecordParam names its entity")

    def model(self) -> type:
        from core.records import access
        return access.require(self.entity, "read").model


def today_label() -> str:
    """This month's label in the company's zone (the dialog's default period)."""
    from core.calendar.timezone import local_today
    today: dt.date = local_today()
    return f"{today.year}-{today.month:02d}"
