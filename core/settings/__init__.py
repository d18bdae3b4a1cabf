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

The parts: :mod:`core.settings.declared` (the :class:`Setting` and its
types), :mod:`core.settings.registry` (collected at start),
:mod:`core.settings.store` (a company's values). The names below are the
public API, importable from here.
"""
from core.settings.declared import TYPES, Setting, SettingsError, UnknownSetting, parse_deadline, periods_as_times
from core.settings.registry import SettingsRegistry, init_settings, settings_registry
from core.settings.store import (build_schema, company_values, forget_settings, get_setting, set_settings,
                                 validate_settings)

# The public names say where plugins import them from (messages, docs).
for _cls in (Setting, SettingsRegistry, SettingsError, UnknownSetting):
    _cls.__module__ = "core.settings"

__all__ = ["TYPES", "Setting", "SettingsError", "UnknownSetting", "parse_deadline", "periods_as_times",
           "SettingsRegistry", "init_settings", "settings_registry", "build_schema", "company_values",
           "forget_settings", "get_setting", "set_settings", "validate_settings"]
