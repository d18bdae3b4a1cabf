"""A company's setting values: read (with the defaults), validated and
written (audited)."""
from __future__ import annotations

import copy
import logging
from typing import Any, Iterable, Mapping

from flask import g
from flask_babel import gettext
from marshmallow import Schema, ValidationError

from core.records import tenancy
from core.extensions import db
from core.models import AuditEntry, Company, CompanySetting, User, utcnow

log = logging.getLogger("qdesk.settings")

#: The value types a setting can have.
from core.settings.declared import Setting, SettingsError, _MISSING
from core.settings.registry import _flatten, _messages, settings_registry


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
    :raises core.records.tenancy.NoCurrentCompany: no ``company`` given and none current.
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
    from core.settings.numbers import number_errors
    errors.update(number_errors(data, registry.by_key))  # the clearer sentence wins for numbers
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
