"""Dashboard widgets: what plugins show on the home page.

Plugins implement the per-company hook ``dashboard_widgets(company, user)``
and return :class:`Tile` and :class:`Chart` objects. :func:`collect_widgets`
calls the hook only for the plugins enabled for the company, plugin by plugin
in dependency order, validates every result and skips (with a logged error
naming the plugin) whatever a plugin got wrong, so one broken plugin never
breaks the home page.

Charts are drawn in the browser by Chart.js, vendored from the npm registry by
``scripts/vendor.sh`` into qdesk's own static files and served by the
``qdesk_static`` blueprint (:func:`static_blueprint`) at ``/static/qdesk/``:
no CDN. Chart data goes to the page as JSON in a
``<script type="application/json">`` block (``|tojson``), read by
``dashboard.js``: no inline script, no HTML built from plugin strings.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

from flask import Blueprint, current_app
from flask_babel import LazyString, format_decimal, get_locale, gettext

log = logging.getLogger("qdesk.dashboard")

STATIC_ENDPOINT = "qdesk_static"
STATIC_URL_PATH = "/static/qdesk"
CHARTJS_PATH = "vendor/chartjs/chart.umd.js"   # relative to the static folder
CHART_KINDS = ("line", "bar", "pie", "doughnut")

# A text shown to users: a plain string, a lazy_gettext string, or the two
# languages as ``("中文", "English")`` / ``{"zh": ..., "en": ...}``.
Text = Union[str, LazyString, tuple[str, str], Mapping[str, str]]


class WidgetError(ValueError):
    """A widget a plugin returned cannot be shown; the message says why."""


def localize(text: Any, locale: str | None = None) -> str:
    """``text`` (see :data:`Text`) in ``locale`` (default: the request's)."""
    if locale is None:
        locale = str(get_locale() or "zh_Hans_CN")
    english = locale.startswith("en")
    if isinstance(text, tuple):
        return str(text[1] if english else text[0])
    if isinstance(text, Mapping):
        return str(text.get("en" if english else "zh") or next(iter(text.values())))
    return str(text)


def check_text(value: Any, what: str, optional: bool = False) -> None:
    """``WidgetError`` unless ``value`` is a text a widget or panel may show:
    a non-empty string, a lazy string, a ``(zh, en)`` pair or ``{"zh", "en"}``
    (``None`` too when ``optional``); ``what`` names it in the message."""
    if value is None and optional:
        return
    if isinstance(value, (str, LazyString)):
        if not str(value).strip():
            raise WidgetError(f"{what} is empty")
        return
    if (isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) and v for v in value)):
        return
    if (isinstance(value, Mapping) and value and set(value) <= {"zh", "en"}
            and all(isinstance(v, str) and v for v in value.values())):
        return
    raise WidgetError(f"{what} must be a string, a lazy string, a (zh, en) pair or "
                      f"{{'zh': ..., 'en': ...}}, not {value!r:.80}")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return math.isfinite(value)


def check_link(link: Any) -> None:
    """``WidgetError`` unless ``link`` is ``None``, a path of this site
    (``/admin/...``, not ``//host``) or an http(s) URL: never ``javascript:``."""
    if link is None:
        return
    if not isinstance(link, str) or not (
            (link.startswith("/") and not link.startswith("//"))
            or link.startswith(("https://", "http://"))):
        raise WidgetError(f"link must be a path ('/admin/...') or an http(s) URL, not {link!r:.80}")


@dataclass(frozen=True)
class Tile:
    """A key figure: ``value`` (with ``unit``), optionally the change since the
    previous period and a link to the records behind it.

    :param label: what the figure is (:data:`Text`).
    :param value: a number (formatted for the user's language) or a short string.
    :param unit: shown after the value, e.g. ``("条", "notes")``.
    :param trend: change versus the previous period, e.g. ``+3`` or ``-1.5``;
        its sign gives the arrow.
    :param trend_good: ``"up"`` (default) when a rise is good news (green),
        ``"down"`` when it is bad news (overdue items: a rise is red).
    :param period: what the trend compares with (default "vs. previous period").
    :param link: a path or http(s) URL the tile links to.
    :param permission: shown only to users holding it (e.g.
        ``"crm.contact.read"``); core checks it, the plugin does not.
    """

    label: Text
    value: Any
    unit: Text | None = None
    trend: float | int | Decimal | None = None
    trend_good: str = "up"
    period: Text | None = None
    link: str | None = None
    permission: str | None = None

    kind = "tile"

    def validate(self) -> None:
        check_text(self.label, "tile label")
        if not (_is_number(self.value) or (isinstance(self.value, str) and 0 < len(self.value) <= 40)):
            raise WidgetError(f"tile {localize(self.label, 'en')!r}: value must be a finite number "
                              f"or a short string, not {self.value!r:.80}")
        check_text(self.unit, "tile unit", optional=True)
        check_text(self.period, "tile period", optional=True)
        if self.trend is not None and not _is_number(self.trend):
            raise WidgetError(f"tile {localize(self.label, 'en')!r}: trend must be a finite number, "
                              f"not {self.trend!r:.80}")
        if self.trend_good not in ("up", "down"):
            raise WidgetError(f"tile trend_good must be 'up' or 'down', not {self.trend_good!r:.80}")
        check_link(self.link)

    @property
    def direction(self) -> str | None:
        """``up``, ``down`` or ``flat`` from the trend's sign; None without a trend."""
        if self.trend is None:
            return None
        return "up" if self.trend > 0 else "down" if self.trend < 0 else "flat"

    def context(self, locale: str | None = None) -> dict[str, Any]:
        """Plain, localised values for the template."""
        direction = self.direction
        tone = ("secondary" if direction in (None, "flat")
                else "success" if direction == self.trend_good else "danger")
        return dict(
            label=localize(self.label, locale),
            value=self._format(self.value),
            unit=localize(self.unit, locale) if self.unit is not None else "",
            trend=None if self.trend is None else
            ("+" if self.trend > 0 else "") + self._format(self.trend),
            direction=direction, tone=tone,
            arrow={"up": "▲", "down": "▼", "flat": "="}.get(direction or "", ""),
            period=localize(self.period, locale) if self.period is not None
            else gettext("vs. previous period"),
            link=self.link,
        )

    @staticmethod
    def _format(value: Any) -> str:
        if isinstance(value, str):
            return value
        try:
            return format_decimal(value)
        except Exception:  # noqa: BLE001 - outside a request: plain formatting
            return str(value)


@dataclass(frozen=True)
class Chart:
    """A chart drawn with Chart.js.

    :param title: shown above the chart (:data:`Text`).
    :param kind: ``line``, ``bar``, ``pie`` or ``doughnut``.
    :param labels: the x-axis labels (line, bar) or the slices (pie, doughnut).
    :param series: ``[{"name": Text, "data": [number, ...]}, ...]``, one
        number per label (``None`` for a gap in a line).
    :param permission: shown only to users holding it; core checks it.
    """

    title: Text
    kind: str
    labels: Sequence[Any]
    series: Sequence[Mapping[str, Any]] = field(default_factory=list)
    permission: str | None = None

    def validate(self) -> None:
        check_text(self.title, "chart title")
        name = localize(self.title, "en")
        if self.kind not in CHART_KINDS:
            raise WidgetError(f"chart {name!r}: kind must be one of {', '.join(CHART_KINDS)}, "
                              f"not {self.kind!r:.80}")
        if isinstance(self.labels, (str, bytes)) or not isinstance(self.labels, Sequence) or not self.labels:
            raise WidgetError(f"chart {name!r}: labels must be a non-empty list")
        for label in self.labels:
            if not (_is_number(label) or isinstance(label, (str, LazyString, tuple, Mapping))):
                raise WidgetError(f"chart {name!r}: label {label!r:.80} is not a text or a number")
            if not _is_number(label):
                check_text(label, f"chart {name!r}: label")
        if isinstance(self.series, (str, bytes)) or not isinstance(self.series, Sequence) or not self.series:
            raise WidgetError(f"chart {name!r}: series must be a non-empty list of {{name, data}}")
        for s in self.series:
            if not isinstance(s, Mapping) or set(s) != {"name", "data"}:
                raise WidgetError(f"chart {name!r}: each series is {{'name': ..., 'data': [...]}}, "
                                  f"not {s!r:.80}")
            check_text(s["name"], f"chart {name!r}: series name")
            data = s["data"]
            if isinstance(data, (str, bytes)) or not isinstance(data, Sequence) or len(data) != len(self.labels):
                raise WidgetError(f"chart {name!r}: series {localize(s['name'], 'en')!r} needs one number "
                                  f"per label ({len(self.labels)})")
            if not all(_is_number(v) or (v is None and self.kind == "line") for v in data):
                raise WidgetError(f"chart {name!r}: series {localize(s['name'], 'en')!r} has a value "
                                  "that is not a finite number")

    def config(self, locale: str | None = None) -> dict[str, Any]:
        """The Chart.js configuration (plain JSON types)."""
        def label(value: Any) -> Any:
            return float(value) if isinstance(value, Decimal) else (
                value if _is_number(value) else localize(value, locale))
        options: dict[str, Any] = {}
        if self.kind in ("line", "bar"):
            counts = all(isinstance(v, int) for s in self.series for v in s["data"] if v is not None)
            options["scales"] = {"y": {"beginAtZero": True, **({"ticks": {"precision": 0}} if counts else {})}}
        return {
            "type": self.kind,
            "data": {
                "labels": [label(v) for v in self.labels],
                "datasets": [{"label": localize(s["name"], locale),
                              "data": [None if v is None else float(v) if isinstance(v, Decimal) else v
                                       for v in s["data"]]}
                             for s in self.series],
            },
            "options": {"responsive": True, "maintainAspectRatio": False, "animation": False,
                        "plugins": {"legend": {"display": len(self.series) > 1
                                               or self.kind in ("pie", "doughnut")}},
                        **options},
        }


Widget = Union[Tile, Chart]


@dataclass(frozen=True)
class PlacedWidget:
    """A validated widget and the plugin that returned it."""

    plugin: str
    widget: Widget


def validate(widget: Any) -> Widget:
    """``widget`` itself when it is a valid :class:`Tile` or :class:`Chart`;
    :class:`WidgetError` otherwise."""
    if not isinstance(widget, (Tile, Chart)):
        raise WidgetError(f"{widget!r:.80} is not a core.dashboard.Tile or Chart")
    try:
        widget.validate()
    except WidgetError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. comparing a non-number trend
        raise WidgetError(f"{type(widget).__name__}: {type(exc).__name__}: {exc}") from exc
    return widget


def collect_widgets(company: Any, user: Any) -> list[PlacedWidget]:
    """Call ``dashboard_widgets`` for core and the plugins enabled for
    ``company`` (dependencies first) and return the valid widgets.

    A plugin that raises or returns anything invalid is named in an error on
    the ``qdesk.dashboard`` logger and all its widgets are skipped. A widget
    with a ``permission`` the user lacks is left out (the check is core's);
    one gated on a permission of another plugin, or on one nobody declares,
    skips its plugin's widgets with an error naming it (widgets are made per
    company and request, so this cannot stop the start).
    """
    from core.records import tenancy
    from core.records.permissions import has_permission
    registry = current_app.extensions["qdesk.plugins"]
    enabled = tenancy.enabled_modules(company)
    placed: list[PlacedWidget] = []
    with tenancy.acting_as(company, user):
        for key in ["core", *registry.keys()]:
            if key != "core" and key not in enabled:
                continue
            try:
                results = registry.call_each("dashboard_widgets", only=[key], company=company, user=user)
            except Exception:  # noqa: BLE001 - one plugin must not break the home page
                log.exception("dashboard: plugin %r raised in dashboard_widgets; its widgets are skipped", key)
                continue
            for _, result in results:
                if result is None:
                    continue
                try:
                    if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Sequence):
                        raise WidgetError(f"expected a list of Tile/Chart, got {type(result).__name__}")
                    widgets = [validate(w) for w in result]
                except WidgetError as exc:
                    log.error("dashboard: plugin %r returned invalid dashboard widgets (%s); "
                              "its widgets are skipped", key, exc)
                    continue
                foreign = [w.permission for w in widgets
                           if w.permission and w.permission.split(".", 1)[0] not in (key, "core")]
                if foreign:
                    log.error("dashboard: plugin %r gated widgets on permissions outside its "
                              "namespace (%s); its widgets are skipped", key, ", ".join(foreign))
                    continue
                unknown = [w.permission for w in widgets
                           if w.permission and w.permission not in current_app.extensions["qdesk.permissions"].by_key]
                if unknown:  # a typo would hide the widget from everyone, silently
                    log.error("dashboard: plugin %r gated widgets on permissions nobody declares (%s); "
                              "its widgets are skipped", key, ", ".join(unknown))
                    continue
                placed.extend(PlacedWidget(key, w) for w in widgets
                              if not w.permission or has_permission(w.permission, user, company))
            # Then the tiles core gives what the plugin declared (a deadline's overdue tile).
            placed.extend(PlacedWidget(key, w) for w in _declared_tiles(registry, company, user, key)
                          if not w.permission or has_permission(w.permission, user, company))
    return placed


def _declared_tiles(registry: Any, company: Any, user: Any, plugin: str) -> list[Widget]:
    """The tiles core makes of what ``plugin`` declared: each provider in
    ``app.extensions["qdesk.declared_tiles"]`` (a deadline's overdue tile,
    registered by ``create_app``) is called with the company, the user, the
    screens' list URLs by model and the plugin."""
    out: list[Widget] = []
    urls = {view.model: view.url for view in registry.admin_views}
    for provider in current_app.extensions.get("qdesk.declared_tiles", []):
        try:
            out.extend(validate(w) for w in provider(company, user, urls, plugin=plugin))
        except Exception:  # noqa: BLE001 - one declaration must not break the home page
            log.exception("dashboard: the declared tiles of plugin %r failed; they are skipped", plugin)
    return out



# --- static files ---------------------------------------------------------------

def static_blueprint(folder: str | Path) -> Blueprint:
    """The ``qdesk_static`` blueprint serving ``folder`` at ``/static/qdesk/``
    (vendored Chart.js, dashboard.js)."""
    return Blueprint(STATIC_ENDPOINT, __name__, static_folder=str(folder),
                     static_url_path=STATIC_URL_PATH)


def chartjs_file() -> Path | None:
    """Path of the vendored Chart.js bundle, or None when it is missing."""
    blueprint = current_app.blueprints.get(STATIC_ENDPOINT)
    if blueprint is None or not blueprint.static_folder:
        return None
    path = Path(blueprint.static_folder) / CHARTJS_PATH
    return path if path.is_file() and path.stat().st_size > 0 else None


def home_context(company: Any, user: Any, locale: str | None = None) -> dict[str, Any]:
    """What ``qdesk/dashboard.html`` needs: tiles, charts and their Chart.js
    configurations, and whether Chart.js can be served."""
    widgets = collect_widgets(company, user)
    tiles = [dict(plugin=p.plugin, **p.widget.context(locale))
             for p in widgets if isinstance(p.widget, Tile)]
    charts = [dict(plugin=p.plugin, title=localize(p.widget.title, locale), kind=p.widget.kind,
                   config=p.widget.config(locale))
              for p in widgets if isinstance(p.widget, Chart)]
    chartjs = chartjs_file() is not None
    if charts and not chartjs:
        log.warning("dashboard: %s is missing under the qdesk static folder; charts are not drawn "
                    "(run scripts/vendor.sh)", CHARTJS_PATH)
    return dict(tiles=tiles, charts=charts, chartjs=chartjs,
                chartjs_path=CHARTJS_PATH, static_endpoint=STATIC_ENDPOINT + ".static")
