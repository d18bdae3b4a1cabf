"""Panels one plugin shows on another plugin's record page (hook
``details_panels(company, record, user)``): "Tasks of this note", a CRM
customer's open work orders.

A panel is data, never HTML: a title, label/value rows and/or a small
table, each text a string or a ``(zh, en)`` pair, each link a path or an
http(s) URL. Core validates it, escapes every text and renders it; a plugin
that raises or returns something invalid is named in a logged error and
its panels are left out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from core.dashboard import Text, WidgetError, check_link, check_text, localize
from core.links.actions import ActionError, per_plugin

__all__ = ["Panel", "PanelRow", "Cell", "collect_panels", "panel_context"]


@dataclass(frozen=True)
class Cell:
    """A table cell or a row's value with a link: ``Cell("T-3 修空调", "/admin/tasks/task/details/?id=3")``."""

    text: Any
    link: str | None = None


@dataclass(frozen=True)
class PanelRow:
    """One ``label: value`` line of a panel, the value optionally a link."""

    label: Text
    value: Any
    link: str | None = None


@dataclass(frozen=True)
class Panel:
    """A box on a record's details page.

    :param title: the heading (:data:`core.dashboard.Text`).
    :param rows: :class:`PanelRow` lines.
    :param columns: / :param table: a small table: the column headings and
        its rows, each a sequence of values or :class:`Cell`.
    :param empty: shown when there are neither rows nor table rows.
    :param permission: shown only to users holding it (own namespace); core checks it.
    """

    title: Text
    rows: Sequence[PanelRow] = ()
    columns: Sequence[Text] = ()
    table: Sequence[Sequence[Any]] = ()
    empty: Text | None = None
    permission: str | None = None
    plugin_key: str = field(default="", compare=False)


MAX_ROWS = 200


def _value_text(value: Any, what: str) -> tuple[str, str | None]:
    if isinstance(value, Cell):
        check_link(value.link)
        return _value_text(value.text, what)[0], value.link
    if value is None:
        return "", None
    if isinstance(value, (tuple, dict)):
        check_text(value, what)
        return localize(value), None
    return str(value), None


def _check(plugin: str, panel: Any) -> Panel:
    from flask import current_app
    if not isinstance(panel, Panel):
        raise ActionError(f"{panel!r:.80} is not a core.links.Panel")
    try:
        check_text(panel.title, "panel title")
        check_text(panel.empty, "panel empty text", optional=True)
        for row in panel.rows:
            if not isinstance(row, PanelRow):
                raise ActionError(f"panel row {row!r:.80} is not a core.links.PanelRow")
            check_text(row.label, "panel row label")
            check_link(row.link)
            _value_text(row.value, "panel row value")
        for heading in panel.columns:
            check_text(heading, "panel column")
        for line in panel.table:
            if isinstance(line, (str, bytes)) or len(line) != len(panel.columns):
                raise ActionError("each table row needs one value per column")
            for value in line:
                _value_text(value, "panel cell")
    except WidgetError as exc:
        raise ActionError(str(exc)) from exc
    if len(panel.rows) > MAX_ROWS or len(panel.table) > MAX_ROWS:
        raise ActionError(f"a panel shows at most {MAX_ROWS} rows")
    if panel.permission is not None:
        if panel.permission.split(".", 1)[0] != plugin:
            raise ActionError(f"panel gated on {panel.permission!r}, outside its namespace {plugin}.*")
        if panel.permission not in current_app.extensions["qdesk.permissions"].by_name:
            raise ActionError(f"panel gated on {panel.permission!r}, which nobody declares")
    object.__setattr__(panel, "plugin_key", plugin)
    return panel


def collect_panels(record: Any, user: Any = None) -> list[Panel]:
    """The valid panels the enabled plugins show on ``record`` for ``user``
    (those gated on a permission the user lacks left out)."""
    from core.records import tenancy
    from core.records.permissions import has_permission
    user = user if user is not None else tenancy.current_user()
    panels = per_plugin("details_panels", record, user, _check, "panels")
    return [p for p in panels if p.permission is None or has_permission(p.permission, user)]


def panel_context(panel: Panel, locale: str | None = None) -> dict[str, Any]:
    """Plain, localised texts for the template (which escapes them)."""
    def value(v: Any) -> dict[str, Any]:
        text, link = _value_text(v, "value")
        return {"text": text, "link": link}
    return dict(
        plugin=panel.plugin_key,
        title=localize(panel.title, locale),
        rows=[dict(label=localize(r.label, locale), **value(Cell(r.value, r.link) if r.link else r.value))
              for r in panel.rows],
        columns=[localize(c, locale) for c in panel.columns],
        table=[[value(v) for v in line] for line in panel.table],
        empty=localize(panel.empty, locale) if panel.empty is not None else None,
    )
