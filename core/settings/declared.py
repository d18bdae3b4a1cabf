"""Declared settings: :class:`Setting`, its types and how a typed value is
parsed and checked (periods, deadlines, weekdays...)."""
from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate as mv

from core.plugin.declarations import Keyed


#: The value types a setting can have.


TYPES = ("int", "decimal", "bool", "str", "choice", "hours", "days", "weekdays", "periods", "deadline")
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_MISSING = object()


class UnknownSetting(KeyError):
    """No loaded plugin declares this setting key."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class SettingsError(ValueError):
    """Values refused by :func:`set_settings`; nothing was saved.

    :attr errors: setting key → list of messages.
    """

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


@dataclass(frozen=True)
class Setting(Keyed):
    """One company-level setting a plugin declares.

    :param key: ``<plugin>.<name>`` (more dotted parts allowed, e.g.
        ``core.calendar.weekdays``); must start with the declaring plugin's
        key. ``<name>`` (everything after ``<plugin>.``) is looked up in the
        manifest's ``settings`` for the default.
    :param type: ``int``, ``decimal``, ``bool``, ``str``, ``choice``,
        ``hours`` (a duration in hours, a number > 0 by default, read as an
        ``int`` or ``float``), ``days`` (a
        number of working days, an int ≥ 0 by default), ``weekdays`` (a list of
        ``date.weekday()`` numbers, Monday = 0), ``periods`` (working
        periods, ``"08:30-12:00, 13:30-17:30"``) or ``deadline`` (an amount
        and its unit, D-1: read as a :class:`core.deadlines.DeadlineRule`;
        declared as ``"2 calendar_days"``, ``"24 hours"``, ``"4 calendar_days
        roll"`` or a dict ``{"amount": 2, "unit": "calendar_days"}``).
    :param default: the value when the company has none; optional when the
        manifest's ``settings`` has ``<name>`` (the manifest wins).
    :param label_zh: / :param label_en: the field's label on the Settings screen.
    :param help_zh: / :param help_en: a line of help under the field.
    :param min: / :param max: bounds for numbers (inclusive).
    :param choices: for ``choice``: the allowed values, or ``(value, label)``
        pairs (label a str, or a ``(zh, en)`` pair).
    :param validate: an extra marshmallow validator (or a list of them):
        a callable that raises ``marshmallow.ValidationError``.
    :param max_length: for ``str``: the longest allowed text (default 500).
    :param optional: for ``deadline``: the value may be left empty (read as
        None), e.g. a channel's own response target that, when empty, leaves
        the general one in force; a :class:`core.deadlines.Deadline` whose
        ``amount`` function returns a chain of keys passes over it.
    """

    key: str
    type: str
    default: Any = _MISSING
    label_zh: str = ""
    label_en: str = ""
    help_zh: str = ""
    help_en: str = ""
    min: Any = None
    max: Any = None
    choices: tuple = ()
    validate: Callable | Iterable[Callable] | None = None
    max_length: int = 500
    optional: bool = False
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"setting {self.key!r} must look like <plugin>.<name>")
        if self.type not in TYPES:
            raise ValueError(f"setting {self.key!r}: type {self.type!r} is not one of {', '.join(TYPES)}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"setting {self.key!r}: a choice setting needs choices")
        if self.optional and self.type != "deadline":
            raise ValueError(f"setting {self.key!r}: only a deadline setting can be optional")
        choices = tuple(c if isinstance(c, tuple) else (c, str(c)) for c in self.choices)
        object.__setattr__(self, "choices", choices)

    def label(self, locale: str | None = None) -> str:
        zh = (locale or "").startswith("zh")
        return (self.label_zh if zh else self.label_en) or self.label_en or self.label_zh or self.key

    def help(self, locale: str | None = None) -> str:
        zh = (locale or "").startswith("zh")
        return (self.help_zh if zh else self.help_en) or self.help_en or self.help_zh

    def choice_label(self, value: Any, locale: str | None = None) -> str:
        for v, label in self.choices:
            if v == value:
                if isinstance(label, tuple):
                    return label[0] if (locale or "").startswith("zh") else label[1]
                return label
        return str(value)

    # --- values ----------------------------------------------------------
    def field(self) -> fields.Field:
        """The marshmallow field that loads (and validates) a submitted value."""
        validators: list[Callable] = []
        kind = self.type
        lo = 0 if (kind == "days" and self.min is None) else self.min
        if lo is not None or self.max is not None:
            validators.append(_range(lo, self.max))
        if kind == "int" or kind == "days":
            f: fields.Field = fields.Integer
            kwargs: dict[str, Any] = dict(error_messages={"invalid": gettext("Enter a whole number.")})
        elif kind == "decimal":
            f, kwargs = fields.Decimal, dict(allow_nan=False,
                                              error_messages={"invalid": gettext("Enter a number.")})
        elif kind == "hours":
            if self.min is None:
                validators.append(_positive)
            f, kwargs = fields.Decimal, dict(allow_nan=False,
                                              error_messages={"invalid": gettext("Enter a number of hours.")})
        elif kind == "bool":
            f, kwargs = fields.Boolean, dict(error_messages={"invalid": gettext("Enter yes or no.")})
        elif kind == "str":
            validators.append(mv.Length(max=self.max_length, error=gettext(
                "At most %(n)s characters.", n=self.max_length)))
            f, kwargs = fields.String, {}
        elif kind == "choice":
            allowed = [str(v) for v, _ in self.choices]
            validators.append(mv.OneOf(allowed, error=gettext(
                "Choose one of: %(choices)s.", choices=", ".join(allowed))))
            f, kwargs = fields.String, {}
        elif kind == "weekdays":
            return fields.List(fields.Integer(validate=mv.OneOf(range(7), error=gettext(
                "A weekday is 0 (Monday) to 6 (Sunday)."))), validate=[_non_empty, *self._extra()],
                required=True, data_key=self.key)
        elif kind == "deadline":
            return _DeadlineField(optional=self.optional, validate=self._extra(), required=True,
                                  allow_none=self.optional, data_key=self.key)
        else:  # periods
            return _PeriodsField(validate=self._extra(), required=True, data_key=self.key)
        validators.extend(self._extra())
        return f(validate=validators, required=True, data_key=self.key, **kwargs)

    def _extra(self) -> list[Callable]:
        if self.validate is None:
            return []
        return list(self.validate) if isinstance(self.validate, (list, tuple)) else [self.validate]

    def to_python(self, loaded: Any) -> Any:
        """A loaded value as plugins receive it (choice → the declared value)."""
        if self.type == "choice":
            for v, _ in self.choices:
                if str(v) == str(loaded):
                    return v
        if self.type == "weekdays":
            return sorted(set(int(d) for d in loaded))
        if self.type == "hours":
            return _hours(loaded)
        return loaded

    def to_json(self, value: Any) -> Any:
        """The value as stored in ``CompanySetting.value``."""
        if self.type == "deadline":
            return None if value is None and self.optional else _deadline_json(parse_deadline(value))
        if isinstance(value, decimal.Decimal):
            return int(value) if value == value.to_integral_value() else str(value)
        return value

    def from_json(self, stored: Any) -> Any:
        """A stored (or default) value as plugins receive it."""
        if self.type == "decimal" and stored is not None:
            return decimal.Decimal(str(stored))
        if self.type == "hours" and stored is not None:
            return _hours(stored)
        if self.type == "weekdays":
            return sorted(set(int(d) for d in stored))
        if self.type == "periods" and isinstance(stored, str):
            return _parse_periods(stored)
        if self.type == "deadline" and stored is not None:
            return parse_deadline(stored)
        return stored

    def form_value(self, value: Any) -> Any:
        """The value as shown in the form."""
        if self.type == "periods":
            return ", ".join(f"{a}-{b}" for a, b in value)
        if self.type == "deadline":
            return {} if value is None and self.optional else _deadline_json(parse_deadline(value))
        return value

    def check(self, value: Any) -> Any:
        """Validate ``value`` (a Python value or its text) like the form does;
        return it as plugins receive it. :class:`marshmallow.ValidationError`
        when invalid."""
        if self.type == "periods" and not isinstance(value, str):
            value = self.form_value(value)
        if self.type == "decimal" or self.type == "hours":
            value = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        schema = Schema.from_dict({"v": self.field()})()
        return self.to_python(schema.load({self.key: value})["v"])


def _hours(value: Any) -> int | float:
    """A number of hours as ``WorkingCalendar.add_working_hours`` takes it."""
    d = decimal.Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def _range(lo: Any, hi: Any) -> Callable:
    if lo is not None and hi is not None:
        msg = gettext("Must be between %(min)s and %(max)s.", min=lo, max=hi)
    elif lo is not None:
        msg = gettext("Must be at least %(min)s.", min=lo)
    else:
        msg = gettext("Must be at most %(max)s.", max=hi)
    return mv.Range(min=lo, max=hi, error=msg)


def _positive(value: Any) -> None:
    if value <= 0:
        raise ValidationError(gettext("Must be more than 0."))


def _non_empty(value: Any) -> None:
    if not value:
        raise ValidationError(gettext("Choose at least one day."))


def _parse_periods(text: str) -> list[list[str]]:
    from core.calendar.workcal import WorkingCalendar
    periods = []
    for part in [p for p in str(text).split(",") if p.strip()]:
        m = _PERIOD.match(part)
        if not m:
            raise ValidationError(gettext(
                "Write periods like 08:30-12:00, 13:30-17:30 (%(part)s is not one).", part=part.strip()))
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationError(gettext("%(part)s is not a time of day.", part=part.strip()))
        periods.append([f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"])
    if not periods:
        raise ValidationError(gettext("Give at least one working period."))
    try:
        WorkingCalendar(hours=periods_as_times(periods))
    except ValueError:
        raise ValidationError(gettext("Each period must start before it ends; periods must be "
                                      "in order and must not overlap."))
    return periods


def periods_as_times(periods: Iterable[Iterable[str]]) -> tuple[tuple[dt.time, dt.time], ...]:
    """``[["08:30", "12:00"], ...]`` → ``((time(8, 30), time(12, 0)), ...)``."""
    return tuple((dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in periods)


def parse_deadline(value: Any) -> Any:
    """A deadline setting's value as a :class:`core.deadlines.DeadlineRule`:
    from a rule, a dict ``{"amount", "unit", "roll"}`` or a text ``"2
    calendar_days"`` / ``"4 calendar_days roll"``. :class:`ValidationError`
    (translated) when it is not one."""
    from core.deadlines.counting import UNITS, DeadlineRule
    if isinstance(value, DeadlineRule):
        return value
    if isinstance(value, str):
        parts = value.split()
        if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "roll"):
            raise ValidationError(gettext("Write a deadline as an amount and a unit, e.g. \"2 calendar_days\"."))
        value = {"amount": parts[0], "unit": parts[1], "roll": len(parts) == 3}
    if not isinstance(value, Mapping):
        raise ValidationError(gettext("Write a deadline as an amount and a unit, e.g. \"2 calendar_days\"."))
    unit = str(value.get("unit", ""))
    if unit not in UNITS:
        raise ValidationError(gettext("Choose a unit: %(units)s.", units=", ".join(UNITS)))
    amount = value.get("amount")
    text = str(amount).strip() if amount is not None else ""
    if not re.fullmatch(r"[0-9]{1,5}(\.[0-9]{1,2})?", text, re.ASCII):
        raise ValidationError(gettext("Enter the amount with the digits 0-9, e.g. 2 or 1.5."))
    number = decimal.Decimal(text)
    amount = int(number) if number == number.to_integral_value() else float(number)
    roll = value.get("roll") in (True, "true", "on", "1", "y", "yes")
    try:
        return DeadlineRule(amount, unit, roll_to_working_day=roll and unit == "calendar_days")
    except (TypeError, ValueError) as exc:
        raise ValidationError(gettext("This deadline cannot be counted: %(reason)s", reason=str(exc))) from None


def _deadline_json(rule: Any) -> dict[str, Any]:
    return {"amount": rule.amount, "unit": rule.unit, "roll": rule.roll_to_working_day}


def _blank_deadline(value: Any) -> bool:
    """An empty deadline as a form, the command line or JSON gives it."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return isinstance(value, Mapping) and str(value.get("amount") if value.get("amount") is not None else "").strip() == ""


class _DeadlineField(fields.Field):
    def __init__(self, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.optional = optional

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if self.optional and _blank_deadline(value):
            return None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_deadline(value)


class _PeriodsField(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (list, tuple)):
            value = ", ".join(f"{a}-{b}" for a, b in value)
        return _parse_periods(value)
