"""The change history a clerk can read.

Audit entries store column names and raw values (``market_type: None →
urban``, ``responsible_id: 4``). On the record's page and in the audit log
they are shown with the screen's field labels and display values in the
user's language: ``市场类型: — → 城镇``, ``售后服务责任人: — → 王芳``, 是/否,
and a part of the record as ``联系人 #13 · 电话``. Nothing here changes what is
stored; an entry of a table no screen shows keeps its raw names.
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext, lazy_gettext
from markupsafe import Markup
from sqlalchemy import inspect

from core.records import tenancy
from core.records.choices import current_label
from core.extensions import db
from core.models import User
from core.records import CompanyOwnedMixin, model_of_table  # noqa: F401  (re-exported)

#: What each audit action is called on screens.
AUDIT_ACTIONS = {"create": lazy_gettext("created"), "update": lazy_gettext("changed"),
                 "archive": lazy_gettext("archived"), "restore": lazy_gettext("restored"),
                 "delete": lazy_gettext("deleted"), "transition": lazy_gettext("state changed")}


def action_label(entry: Any) -> str:
    """What an audit entry did, in the user's language: the transition's
    own label (答复) for a workflow transition, else created, changed..."""
    if entry.action == "transition" and entry.transition:
        from core.workflow import workflow_for
        model = model_of_table(entry.table_name)
        workflow = workflow_for(model) if model is not None else None
        found = workflow.get(entry.transition) if workflow is not None else None
        if found is not None:
            return found.label
    return str(AUDIT_ACTIONS.get(entry.action, entry.action))


def comment_markup(entry: Any) -> Markup:
    """The comment given with a transition (escaped), or nothing."""
    if not getattr(entry, "comment", None):
        return Markup("")
    return Markup('<div class="qdesk-audit-comment"><em>{}</em> {}</div>').format(
        lazy_gettext("Comment:"), entry.comment)

#: ``contacts[13]`` or ``contacts[13].phone``: a part of the record.
PART_KEY = re.compile(r"^(?P<collection>\w+)\[(?P<id>\d+)\](?:\.(?P<field>\w+))?$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?$")
EMPTY = "—"


def _relation_of_column(model: type, key: str) -> Any:
    """The many-to-one relationship whose foreign key is column ``key``."""
    for rel in inspect(model).relationships:
        if rel.direction.name == "MANYTOONE" and [c.key for c in rel.local_columns] == [key]:
            return rel
    return None


def _labels_for(view: Any, model: type) -> dict[str, Any]:
    """Field labels of ``model`` on ``view`` (or on one of its inline forms)."""
    if view is None:
        return {}
    if model is view.model:
        return dict(view.column_labels or {})
    # Flask-Admin's inline_models: a model, (model, options) or an InlineFormAdmin.
    for inline in getattr(view, "inline_models", None) or ():
        if isinstance(inline, tuple):
            inline_model, labels = inline[0], inline[1].get("column_labels")
        elif isinstance(inline, type):
            inline_model, labels = inline, None
        else:
            inline_model, labels = getattr(inline, "model", None), getattr(inline, "column_labels", None)
        if inline_model is model:
            return dict(labels or {})
    return {}


def field_label(view: Any, model: type, key: str) -> str:
    """The label a screen shows for column or relation ``key`` of ``model``."""
    labels = _labels_for(view, model)
    rel = _relation_of_column(model, key)
    for name in (key, rel.key if rel is not None else None):
        if name and name in labels:
            return str(labels[name])
    return (rel.key if rel is not None else key).replace("_", " ").capitalize()


def display_value(model: type, key: str, value: Any) -> str:
    """A stored value of column ``key`` as the screens show it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    choices = (getattr(model, "CHOICES", None) or {}).get(key)
    if choices and value in choices:
        return current_label(choices[value])
    rel = _relation_of_column(model, key)
    if rel is not None:
        return _record_name(rel.mapper.class_, value)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return value.replace("T", " ")[:19]
    return str(value)


def _record_name(target: type, pk: Any) -> str:
    """What a related record is called: its text, when the current company
    may see it; else only its number (never another company's data)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return str(pk)
    record = None
    if issubclass(target, CompanyOwnedMixin):
        record = tenancy.scoped_query(target).filter(target.id == pk).one_or_none()
    elif target is User:
        record = tenancy.company_members(active_only=False).filter(User.id == pk).one_or_none() or db.session.get(User, pk)
    return str(record) if record is not None else f"#{pk}"


def readable_changes(view: Any, model: type, changes: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``[(label, old, new)]`` of an audit entry's ``changes`` of a ``model``
    record, as shown by ``view`` (``None``: raw names, values as stored)."""
    lines = []
    for key, values in (changes or {}).items():
        old, new = (list(values) + [None, None])[:2]
        part = PART_KEY.match(key)
        if view is None:
            lines.append((key, EMPTY if old is None else str(old), EMPTY if new is None else str(new)))
        elif part and part["collection"] in inspect(model).relationships:
            collection = part["collection"]
            child = inspect(model).relationships[collection].mapper.class_
            label = f"{field_label(view, model, collection)} #{part['id']}"
            if part["field"]:
                label += f" · {field_label(view, child, part['field'])}"
                old, new = display_value(child, part["field"], old), display_value(child, part["field"], new)
            else:
                old, new = old or EMPTY, new or EMPTY
            lines.append((label, str(old), str(new)))
        else:
            lines.append((field_label(view, model, key), display_value(model, key, old),
                          display_value(model, key, new)))
    return lines


def changes_markup(view: Any, model: type, changes: dict[str, Any]) -> Markup:
    """Escaped ``label: old → new`` lines of an audit entry."""
    return Markup("<br>").join(
        Markup("<b>{}</b>: {} → {}").format(label, old, new)
        for label, old, new in readable_changes(view, model, changes))


#: Core tables no model screen shows, read by a function of their own:
#: ``table name → (entry → Markup, () → the screen's name)``.
TABLE_READERS: dict[str, tuple[Any, Any]] = {}


def register_table_reader(table_name: str, changes: Any, screen: Any) -> None:
    """Show audit entries of ``table_name`` with ``changes(entry)`` (escaped
    Markup) under the name ``screen()`` in the audit log (core's own tables
    without a model screen, e.g. the role grants)."""
    TABLE_READERS[table_name] = (changes, screen)


def view_for_table(table_name: str) -> Any:
    """The registered screen showing ``table_name``'s records (or None)."""
    from flask import current_app
    for view in current_app.extensions["qdesk.plugins"].admin_views:
        if getattr(view.model, "__tablename__", None) == table_name:
            return view
    return None



