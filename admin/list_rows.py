"""The list's rows, rendered in Python (a mixin of :class:`admin.views.CompanyModelView`).

Flask-Admin renders every row through Jinja macros: a checkbox, a macro per
row action (view, edit, delete: each building its URL with ``url_for``) and
a cell per column. On a 50-row page that is some 1 800 template calls, about
half the page's time. The markup is the same for every row but for the
record's id and its cells, so here each row action is rendered once per page
by Flask-Admin's own macro, for a stand-in record, and reused with the id put
in; the cells go through Flask-Admin's ``get_list_value`` (formatters,
type formatters) as in its template. ``tests/test_list_rows.py`` proves the
rows are the ones Flask-Admin's template renders.

A screen with inline-editable columns, a record key that is not a single
integer or row actions other than Flask-Admin's view, edit and delete keeps
Flask-Admin's own row template (``fast_list_rows`` is then false).
"""
from __future__ import annotations

import types
from typing import Any

from flask import g
from flask_admin.babel import gettext as admin_gettext
from flask_admin.model.template import DeleteRowAction, EditRowAction, ViewRowAction
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

#: Row actions that depend on nothing but the record's id.
BY_ID_ONLY = (ViewRowAction, EditRowAction, DeleteRowAction)
_ID = "__qdesk_record_id__"


class ListRowsMixin:
    """``list_row_html`` for ``qdesk/model/list.html``."""

    @property
    def fast_list_rows(self) -> bool:
        """Whether the list's rows are rendered by :meth:`list_row_html`."""
        return self._fast_for(self.get_list_row_actions())  # type: ignore[attr-defined]

    def _fast_for(self, row_actions: list[Any]) -> bool:
        key = self._primary_key  # type: ignore[attr-defined]
        return (not self.column_editable_list and isinstance(key, str)  # type: ignore[attr-defined]
                and _python_type(self.model.__table__.c[key]) is int  # type: ignore[attr-defined]
                and all(type(a) in BY_ID_ONLY for a in row_actions))

    @pass_context
    def list_row_html(self, context: Context, row: Any) -> Markup | None:
        """One ``<tr>``'s cells, as Flask-Admin's ``list_row`` block renders
        them; None when this screen keeps Flask-Admin's row template."""
        parts = self._row_parts(context)
        if parts is None:
            return None
        key = str(int(self.get_pk_value(row)))  # type: ignore[attr-defined]
        html = [parts["checkbox"].replace(_ID, key)] if parts["checkbox"] else []
        if parts["actions"] is not None:
            html.append(parts["actions"].replace(_ID, key))
        for column in parts["columns"]:
            value = self.get_list_value(context, row, column)  # type: ignore[attr-defined]
            html.append(f'<td class="col-{column}">{escape(value)}</td>')
        return Markup("".join(html))

    def _row_parts(self, context: Context) -> dict[str, Any] | None:
        """What every row of this page shares, with the id left as a placeholder."""
        cache = g.setdefault("qdesk_row_parts", {})
        if self.endpoint in cache:  # type: ignore[attr-defined]
            return cache[self.endpoint]  # type: ignore[attr-defined]
        if not self._fast_for(context["list_row_actions"]):  # decided once per page
            cache[self.endpoint] = None  # type: ignore[attr-defined]
            return None
        stand_in = types.SimpleNamespace(**{self._primary_key: _ID})  # type: ignore[attr-defined]
        checkbox = None
        if context.get("actions"):
            title = escape(admin_gettext("Select record"))
            checkbox = (f'<td><input type="checkbox" name="rowid" class="action-checkbox" value="{_ID}" '
                        f'title="{title}" /></td>')
        actions = None
        if self.column_display_actions:  # type: ignore[attr-defined]
            rendered = "".join(str(a.render_ctx(context, _ID, stand_in)) for a in context["list_row_actions"])
            actions = f'<td class="list-buttons-column">{rendered}</td>'
        parts = cache[self.endpoint] = {  # type: ignore[attr-defined]
            "checkbox": checkbox, "actions": actions, "columns": [c for c, _name in context["list_columns"]]}
        return parts


def _python_type(column: Any) -> Any:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None
