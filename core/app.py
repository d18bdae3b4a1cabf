"""The application factory."""
from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from core.plugin import builtin
from core.config import LOCALES, configure, instance_path  # noqa: F401  (LOCALES re-exported)
from core.extensions import babel, csrf, db
from core.records.permissions import PermissionRegistry
from core.plugin.registry import PluginRegistry, PluginsConfig
from core import records  # noqa: F401  (installs the session events)
from core import org  # noqa: F401  (departments, employees, sign-offs: core tables)
from core.records import tenancy


def select_locale() -> str:
    """The user's language, else the session's choice, else the browser's
    (Accept-Language); Chinese when nothing says otherwise. Outside a request
    (CLI) the ``LANG`` environment variable decides."""
    if not has_request_context():
        return "zh_Hans_CN" if os.environ.get("LANG", "").startswith("zh") else "en"
    user = tenancy.current_user()
    if user is not None and user.locale in LOCALES:
        return user.locale
    if session.get("locale") in LOCALES:
        return session["locale"]
    best = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
    return "en" if best == "en" else "zh_Hans_CN"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build a qdesk app: configuration, extensions, plugins, front-ends.

    :param config: values over the defaults, the instance file and the
        ``QDESK_*`` environment (tests pass ``DATABASE_URL`` here).
    :raises core.plugin.registry.PluginError: a plugin cannot be loaded (strict mode).
    :raises core.plugin.frontends.FrontendError: ``FRONTENDS`` names one that is not installed.
    """
    app = Flask("qdesk", instance_path=instance_path(), root_path=__file__.rsplit("/", 1)[0])
    configure(app, config)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    registry = PluginRegistry.load(PluginsConfig.load(app.config["PLUGINS_TOML"]),
                                   builtins=[("core", builtin)])
    app.extensions["qdesk.plugins"] = registry
    # One "messages" domain: core's catalog merged with each plugin's own
    # <plugin>/translations. Flask-Babel before Flask-Admin (KeyError 'babel').
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        [os.path.join(app.root_path, "translations")]
        + [str(info.path / "translations") for info in registry.loaded()
           if (info.path / "translations").is_dir()])
    babel.init_app(app, locale_selector=select_locale)
    # Plugin screens render "<plugin>/<name>.html" from <plugin>/templates/.
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader(
        {info.key: FileSystemLoader(str(info.path / "templates"))
         for info in registry.loaded() if info.path is not None and (info.path / "templates").is_dir()})])
    csrf.init_app(app)
    _register_models(registry)
    from core.records.entities import add_permissions, install_entities
    entities = install_entities(app, registry)  # each model once: key, labels, permissions, schema
    add_permissions(entities, PermissionRegistry.install(app, registry))
    from core.search import init_search
    init_search(app)  # each entity's Search resolved against its model
    from core.attachments import init_attachments
    init_attachments(app)  # the store; each entity's Attachments checked
    from core.jobs import JobRegistry
    from core.kpis import KpiRegistry
    from core.printing import init_printing
    from core.settings import init_settings
    init_printing(app, registry)  # before the admin shell: views get Print actions
    init_settings(app, registry)
    from core.sequences import init_sequences
    init_sequences(app, registry)  # after the settings: declares the prefix settings
    from core.printing.form_settings import declare_form_settings
    declare_form_settings(app, registry)  # each form's code, edition and title: company settings
    from core.org import ResponsibilityRegistry
    ResponsibilityRegistry.install(app, registry)  # before the workflows whose sign-offs name them
    from core.workflow import init_workflows
    init_workflows(app, registry)  # after the permissions and responsibilities its transitions name
    from core.deadlines import dashboard_widgets as deadline_tiles, init_deadlines, on_time_kpis
    deadlines = init_deadlines(app, registry)  # after the settings and workflows it names
    app.extensions.setdefault("qdesk.declared_tiles", []).append(deadline_tiles)  # overdue tile per deadline
    kpis = KpiRegistry.install(app, registry)
    for owner, items in on_time_kpis(deadlines).items():  # <deadline>.on_time of each deadline
        kpis.add(owner, items)
    JobRegistry.install(app, registry)
    from core.notify import init_notifications
    init_notifications(app, registry)  # kinds of notification (core's deadline reminders among them)
    from core.notify import add_recipient_resolver
    from core.org import responsible_users
    add_recipient_resolver(responsible_users)  # reminders: the responsible employee, the department's head

    from core.plugin.frontends import init_frontends
    init_frontends(app, registry)  # the admin shell (entry points qdesk.frontends): registries filled
    app.jinja_env.globals["get_locale"] = get_locale
    return app


def _register_models(registry: PluginRegistry) -> None:
    for key, models in registry.call_each("register_models"):
        if key == "core":
            continue
        for model in models or []:
            table = getattr(model, "__tablename__", "")
            if not table.startswith(f"{key}_"):
                raise ValueError(f"plugin {key!r}: table {table!r} of {model.__name__} must be "
                                 f"named {key}_<entity>")
        registry.models.setdefault(key, []).extend(models or [])
