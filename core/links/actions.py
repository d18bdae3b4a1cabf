"""Cross-plugin record actions: "Create task from this note", offered by
one plugin on another plugin's records through the per-company hook
``record_actions(company, record, user)``.

Core asks only the plugins enabled for the company, keeps what each may
offer (its key and permission in the plugin's own namespace, a declared
permission), shows the buttons the user's permissions allow, and on POST
checks again that the action is still offered before it runs the handler,
links the record it made to the source (``kind`` = the action's key) and
commits. A plugin that raises or returns something invalid is named in a
logged error and its actions are left out; the page still renders.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import current_app

from core.errors import Forbidden, Invalid, NotFound
from core.extensions import db
from core.i18n import pick, translate as _gettext
from core.plugin.declarations import Keyed
from core.records import tenancy

log = logging.getLogger("qdesk.links")

__all__ = ["RecordAction", "collect_actions", "offered_actions", "require_action", "run_action"]


@dataclass(frozen=True)
class RecordAction(Keyed):
    """A button on another record's page that makes a record of this plugin.

    :param key: ``<plugin>.<name>`` (``tasks.from_note``), in the offering
        plugin's namespace; also the ``kind`` of the link core makes.
    :param label_zh: / :param label_en: the button (由此便签创建任务).
    :param permission: what the user must hold, a permission of the
        offering plugin (``tasks.task.create``); core checks it.
    :param run: ``run(record, user) -> created record``: called by core in
        the request's transaction, acting as the user in the record's
        company; add and flush the new record (``core.access.create``) but do
        not commit. With ``joins`` it returns an existing record of the
        company instead, which core links (a report joining its order's
        complaint).
    :param joins: ``run`` links to an existing record rather than making
        one (the page then says "linked to", not "created"). Raise ``core.errors.Invalid`` or ``DomainError`` to
        refuse with a message (nothing is saved).
    """

    key: str
    label_zh: str
    label_en: str
    permission: str
    run: Callable[[Any, Any], Any] = field(compare=False)
    joins: bool = False
    plugin_key: str = field(default="", compare=False)

    def label(self, locale: str | None = None) -> str:
        return pick(self.label_zh, self.label_en, locale)


class ActionError(ValueError):
    """What a plugin returned from ``record_actions`` cannot be offered."""


def _check(plugin: str, action: Any) -> RecordAction:
    if not isinstance(action, RecordAction):
        raise ActionError(f"{action!r:.80} is not a core.links.RecordAction")
    if action.key.split(".", 1)[0] != plugin or "." not in action.key:
        raise ActionError(f"action {action.key!r} is outside its namespace {plugin}.*")
    if action.permission.split(".", 1)[0] != plugin:
        raise ActionError(f"action {action.key!r} needs {action.permission!r}, a permission outside "
                          f"its namespace {plugin}.*")
    if action.permission not in current_app.extensions["qdesk.permissions"].by_name:
        raise ActionError(f"action {action.key!r} needs {action.permission!r}, which nobody declares")
    if not (isinstance(action.label_zh, str) and action.label_zh.strip()
            and isinstance(action.label_en, str) and action.label_en.strip()):
        raise ActionError(f"action {action.key!r} needs a Chinese and an English label")
    if not callable(action.run):
        raise ActionError(f"action {action.key!r}: run is not callable")
    object.__setattr__(action, "plugin_key", plugin)
    return action


def per_plugin(hook: str, record: Any, user: Any, check: Callable[[str, Any], Any], what: str) -> list[Any]:
    """Call the per-company ``hook`` for core and each plugin enabled in
    ``record``'s company, one plugin at a time, and keep what ``check``
    accepts; a plugin that raises or returns anything invalid is named in a
    logged error and all its results are left out."""
    registry = current_app.extensions["qdesk.plugins"]
    company = tenancy.current_company()
    enabled = tenancy.enabled_modules(company)
    out: list[Any] = []
    for key in ["core", *registry.keys()]:
        if key != "core" and key not in enabled:
            continue
        try:
            results = registry.call_each(hook, only=[key], company=company, record=record, user=user)
            items = []
            for _owner, result in results:
                if result is None:
                    continue
                if isinstance(result, (str, bytes, dict)) or not isinstance(result, (list, tuple)):
                    raise ActionError(f"expected a list of {what}, got {type(result).__name__}")
                items.extend(check(key, item) for item in result)
        except ActionError as exc:
            log.error("plugin %r returned invalid %s for %s %s (%s); they are left out",
                      key, hook, type(record).__name__, record.id, exc)
            continue
        except Exception:  # noqa: BLE001 - one plugin must not break another's page
            log.exception("plugin %r raised in %s for %s %s; its %s are left out",
                          key, hook, type(record).__name__, record.id, what)
            continue
        out.extend(items)
    return out


def collect_actions(record: Any, user: Any = None) -> list[RecordAction]:
    """Every valid action the enabled plugins offer on ``record`` (of the
    current company), whatever the user holds; duplicates of a key dropped."""
    user = user if user is not None else tenancy.current_user()
    seen: dict[str, RecordAction] = {}
    for action in per_plugin("record_actions", record, user, _check, "record actions"):
        seen.setdefault(action.key, action)
    return list(seen.values())


def offered_actions(record: Any, user: Any = None) -> list[RecordAction]:
    """The actions the user may run on ``record``: the buttons of its page."""
    from core.records.permissions import has_permission
    user = user if user is not None else tenancy.current_user()
    return [a for a in collect_actions(record, user) if has_permission(a.permission, user)]


def require_action(record: Any, key: str, user: Any = None) -> RecordAction:
    """The action ``key`` on ``record`` if it is offered now and the user
    holds its permission: ``NotFound`` when it is not offered (unknown, its
    module disabled, not for this record), ``Forbidden`` when the permission
    is missing. The source record itself must already be readable (the
    caller loaded it through :mod:`core.records.access`)."""
    from core.records.permissions import has_permission
    user = user if user is not None else tenancy.current_user()
    action = next((a for a in collect_actions(record, user) if a.key == key), None)
    if action is None:
        raise NotFound(_gettext("This action is not offered on this record."))
    if not has_permission(action.permission, user):
        raise Forbidden(_gettext("You may not do this here (%(permission)s).", permission=action.permission))
    return action


def run_action(action: RecordAction, record: Any, user: Any = None) -> Any:
    """Run ``action`` on ``record`` and link the record it made (source →
    created, ``kind`` = the action's key); returns the created record.
    Flushed, not committed: the caller commits, or rolls back on the
    ``Invalid``/``DomainError`` the handler raised."""
    from core.links.store import link
    user = user if user is not None else tenancy.current_user()
    created = action.run(record, user)
    if created is None or not hasattr(created, "company_id"):
        raise Invalid(_gettext("%(action)s made no record; nothing was saved.", action=action.label()))
    db.session.add(created)
    db.session.flush()
    link(record, created, action.key)
    return created
