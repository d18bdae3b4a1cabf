"""Company-level settings: declared by plugins, valued per company.

A plugin declares its settings with the ``register_settings`` hook (a list
of :class:`Setting`); core collects them at start into the
:class:`SettingsRegistry` (``app.extensions["qdesk.settings"]``), checks each
key is in the plugin's namespace and its default valid, and keeps each
company's values in :class:`core.models.CompanySetting` rows. A company
without a row has the default: the plugin's manifest ``settings`` value (with
the deployment's ``plugins.toml`` override) when there is one, else the
declaration's ``default``.

Read a value with :func:`get_setting`; company admins change them on the
Settings screen (Administration → Settings), which validates every value
with a marshmallow schema built from the declarations (:func:`build_schema`)
and saves all or nothing through :func:`set_settings` (each change audited as
``AuditEntry(table_name="company_settings")``).
"""
from __future__ import annotations

import copy
import datetime as dt
import decimal
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from flask import g
from flask_babel import gettext
from marshmallow import Schema, ValidationError, fields, validate as mv

from core import tenancy
from core.plugin.declarations import NamespacedRegistry
from core.extensions import db
from core.models import AuditEntry, Company, CompanySetting, User, utcnow

log = logging.getLogger("qdesk.settings")

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
class Setting:
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
    plugin_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise ValueError(f"setting {self.key!r} must look like <plugin>.<name>")
        if self.type not in TYPES:
            raise ValueError(f"setting {self.key!r}: type {self.type!r} is not one of {', '.join(TYPES)}")
        if self.type == "choice" and not self.choices:
            raise ValueError(f"setting {self.key!r}: a choice setting needs choices")
        choices = tuple(c if isinstance(c, tuple) else (c, str(c)) for c in self.choices)
        object.__setattr__(self, "choices", choices)

    @property
    def module(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        """The key without the plugin prefix (the manifest ``settings`` name)."""
        return self.key.split(".", 1)[1]

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
            return _DeadlineField(validate=self._extra(), required=True, data_key=self.key)
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
            return _deadline_json(parse_deadline(value))
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
            return _deadline_json(parse_deadline(value))
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


class _DeadlineField(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        return parse_deadline(value)


class _PeriodsField(fields.Field):
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (list, tuple)):
            value = ", ".join(f"{a}-{b}" for a, b in value)
        return _parse_periods(value)


# --- the registry ---------------------------------------------------------

class SettingsRegistry(NamespacedRegistry[Setting]):
    """Every declared setting, by key (``app.extensions["qdesk.settings"]``)."""

    kind, item_type, hook, extension = "setting", Setting, "register_settings", "qdesk.settings"

    def __init__(self) -> None:
        super().__init__()
        self.defaults: dict[str, Any] = {}
        self._manifest_settings: Mapping[str, Any] = {}

    def add(self, owner: str, settings: Iterable[Setting],
            manifest_settings: Mapping[str, Any] | None = None) -> None:
        """Register ``owner``'s settings: each in its namespace, declared
        once, with a valid default (from ``manifest_settings`` when it has
        the setting's name, else the declaration's)."""
        self._manifest_settings = manifest_settings or {}
        super().add(owner, settings)

    def add_declared(self, plugins: Any, owner: str, items: Iterable[Setting]) -> None:
        # The manifest's settings table gives the defaults.
        self.add(owner, items, plugins.infos[owner].settings if owner in plugins.infos else {})

    def accept(self, owner: str, setting: Setting) -> None:
        default = self._manifest_settings.get(setting.name, setting.default)
        if default is _MISSING:
            raise ValueError(f"plugin {owner!r}: setting {setting.key!r} has no default "
                             f"(give default=... or put {setting.name!r} in the manifest's settings)")
        try:
            value = setting.check(default)
        except ValidationError as exc:
            raise ValueError(f"plugin {owner!r}: default {default!r} of setting {setting.key!r} "
                             f"is invalid: {_messages(exc, setting.key)}") from None
        super().accept(owner, setting)
        self.defaults[setting.key] = setting.to_json(value)

    def get(self, key: str) -> Setting:
        """The declaration of ``key``; :class:`UnknownSetting` when none."""
        try:
            return self.by_key[key]
        except KeyError:
            near = [k for k in self.by_key if k.split(".", 1)[0] == key.split(".", 1)[0]]
            hint = f"; {key.split('.', 1)[0]} declares {', '.join(sorted(near))}" if near else ""
            raise UnknownSetting(f"unknown setting {key!r}: no loaded plugin declares it{hint}") from None

    def for_module(self, module: str) -> list[Setting]:
        """The settings declared by plugin ``module``."""
        return self.owned_by(module)

    def default(self, key: str) -> Any:
        """The default of ``key`` as plugins receive it."""
        return self.get(key).from_json(self.defaults[key])


def _messages(exc: ValidationError, key: str) -> str:
    msgs = exc.messages.get(key, exc.messages) if isinstance(exc.messages, dict) else exc.messages
    return " ".join(_flatten(msgs))


def _flatten(msgs: Any) -> list[str]:
    if isinstance(msgs, str):
        return [msgs]
    if isinstance(msgs, dict):
        return [m for v in msgs.values() for m in _flatten(v)]
    return [m for v in msgs for m in _flatten(v)]


def init_settings(app: Any, registry: Any) -> SettingsRegistry:
    """Collect every plugin's ``register_settings`` (core first); called at start."""
    return SettingsRegistry.install(app, registry)


def settings_registry() -> SettingsRegistry:
    """The app's :class:`SettingsRegistry`."""
    return SettingsRegistry.current()


# --- reading and writing values -----------------------------------------

def _company(company: Company | None) -> Company:
    return company or tenancy.require_company()


def _stored(company: Company) -> dict[str, Any]:
    cache = g.setdefault("qdesk_settings", {})
    if company.id not in cache:
        rows = db.session.query(CompanySetting.key, CompanySetting.value).filter(
            CompanySetting.company_id == company.id)
        cache[company.id] = dict(rows)
    return cache[company.id]


def forget_settings() -> None:
    """Drop the per-app-context cache of company values (after a change)."""
    g.pop("qdesk_settings", None)
    g.pop("qdesk_settings_resolved", None)


def get_setting(key: str, company: Company | None = None) -> Any:
    """The value of setting ``key`` for ``company`` (default: the current
    company): the company's own value, or the default when it has none.

    Numbers come back as ``int``, ``decimal.Decimal`` (``decimal``) or
    ``int``/``float`` (``hours``, ready for ``add_working_hours``),
    ``weekdays`` as a sorted list of ints, ``periods`` as
    ``[["08:30", "12:00"], ...]``. Values are read once per app context.

    :raises UnknownSetting: no loaded plugin declares ``key`` (a ``KeyError``).
    :raises core.tenancy.NoCurrentCompany: no ``company`` given and none current.
    """
    registry = settings_registry()
    setting = registry.get(key)
    company = _company(company)
    resolved = g.setdefault("qdesk_settings_resolved", {})
    if (company.id, key) in resolved:
        return copy.deepcopy(resolved[company.id, key])
    stored = _stored(company)
    value = _MISSING
    if key in stored:
        try:
            value = setting.check(setting.from_json(stored[key]))
        except ValidationError as exc:  # the declaration changed since it was saved
            log.warning("company %s: stored value %r of %s is no longer valid (%s); using the default",
                        company.code, stored[key], key, _messages(exc, key))
    if value is _MISSING:
        value = registry.default(key)
    resolved[company.id, key] = value
    return copy.deepcopy(value)


def company_values(company: Company | None = None) -> dict[str, Any]:
    """Every declared setting's value for ``company``, by key."""
    company = _company(company)
    return {key: get_setting(key, company) for key in settings_registry().by_key}


def build_schema(settings: Iterable[Setting]) -> Schema:
    """A marshmallow schema loading ``{key: value}`` for ``settings``
    (partial: keys not submitted are left alone)."""
    return Schema.from_dict({s.key.replace(".", "__"): s.field() for s in settings},
                            name="CompanySettingsSchema")()


def validate_settings(values: Mapping[str, Any], company: Company | None = None) -> dict[str, Any]:
    """Check ``values`` (key → submitted value, text or Python) for
    ``company``; return key → value as plugins receive it.

    :raises SettingsError: with one message list per refused key: unknown
        keys, settings of modules not enabled for the company, invalid values.
    """
    company = _company(company)
    registry = settings_registry()
    errors: dict[str, list[str]] = {}
    settings = []
    for key in values:
        setting = registry.by_key.get(key)
        if setting is None:
            errors[key] = [gettext("Unknown setting.")]
        elif not tenancy.module_enabled(setting.module, company):
            errors[key] = [gettext("Module %(module)s is not enabled for this company.",
                                   module=setting.module)]
        else:
            settings.append(setting)
    data = {}
    for s in settings:
        value = values[s.key]
        if s.type in ("decimal", "hours") and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if s.type == "periods" and isinstance(value, (list, tuple)):
            value = s.form_value(value)
        data[s.key] = value
    try:
        loaded = build_schema(settings).load(data, partial=True)
    except ValidationError as exc:
        for key, msgs in exc.messages.items():
            errors[key] = _flatten(msgs)
        loaded = {}
    if errors:
        raise SettingsError(errors)
    return {s.key: s.to_python(loaded[s.key.replace(".", "__")])
            for s in settings if s.key.replace(".", "__") in loaded}


def set_settings(values: Mapping[str, Any], company: Company | None = None,
                 user: User | None = None) -> dict[str, tuple[Any, Any]]:
    """Validate and save ``values`` (key → value) for ``company``: all or
    nothing. Each changed value is audited (``AuditEntry`` with
    ``table_name="company_settings"``, ``changes={key: [old, new]}``).

    :return: key → ``(old, new)`` of the values that changed.
    :raises SettingsError: nothing was saved (see :func:`validate_settings`).
    """
    company = _company(company)
    user = user or tenancy.current_user()
    clean = validate_settings(values, company)
    registry = settings_registry()
    rows = {r.key: r for r in db.session.query(CompanySetting).filter(
        CompanySetting.company_id == company.id, CompanySetting.key.in_(list(clean)))} if clean else {}
    changed: dict[str, tuple[Any, Any]] = {}
    try:
        for key, new in clean.items():
            setting = registry.get(key)
            old = get_setting(key, company)
            if setting.to_json(old) == setting.to_json(new):
                continue
            row = rows.get(key)
            action = "update"
            if row is None:
                row = CompanySetting(company_id=company.id, key=key)
                db.session.add(row)
                action = "create"
            row.value = setting.to_json(new)
            row.updated_by_id = user.id if user else None
            row.updated_at = utcnow()
            db.session.flush()
            db.session.add(AuditEntry(company_id=company.id, table_name="company_settings",
                                      record_id=row.id, action=action, user_id=row.updated_by_id,
                                      changes={key: [_json(setting.to_json(old)), _json(row.value)]}))
            changed[key] = (old, new)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        forget_settings()
    return changed


def _json(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value) \
        if not isinstance(value, (list, dict)) else value
