"""What every declared deadline (:mod:`core.deadlines`) shows on its
screen, with no code in the plugin: the due column with a badge (overdue,
due soon, met late), a filter by the clock's state, and ``?overdue=<key>``
(the dashboard tile's link) listing the overdue records, the longest
overdue first."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import gettext, lazy_gettext as _l
from markupsafe import Markup, escape

from admin.formatting import datetime_text
from core.calendar.timezone import local_now
from core.deadlines import Deadline, badge, clock_of, filter_clause, prefetch

#: Badge → (CSS class, text).
BADGE_STYLES = {
    "overdue": ("badge-danger bg-danger text-white qdesk-overdue", _l("overdue")),
    "due_soon": ("badge-warning bg-warning text-dark qdesk-due-soon", _l("due soon")),
    "late": ("badge-secondary bg-secondary text-white qdesk-met-late", _l("met late")),
    "paused": ("badge-info bg-info text-dark qdesk-paused", _l("paused")),
}
FILTER_OPTIONS = (("overdue", _l("Overdue")), ("due_soon", _l("Due soon")), ("open", _l("Not met yet")),
                  ("met", _l("Met on time")), ("late", _l("Met late")), ("paused", _l("Paused")))


class DeadlineFilter(BaseSQLAFilter):
    """Records whose clock of one deadline is overdue, due soon, met late..."""

    def __init__(self, deadline: Deadline) -> None:
        super().__init__(getattr(deadline.model, deadline.due_field), deadline_name(deadline),
                         options=FILTER_OPTIONS)
        self.deadline = deadline

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(filter_clause(self.deadline, value, local_now()))

    def operation(self) -> Any:
        return _l("is")

    def validate(self, value: Any) -> bool:
        return value in dict(FILTER_OPTIONS)


def deadline_name(deadline: Deadline) -> Any:
    """The deadline's label in the request's language (lazy)."""
    from flask_babel import LazyString
    return LazyString(lambda: deadline.label())


def badge_markup(state: str | None, text: str) -> Markup:
    """``text`` (escaped) with the badge of ``state`` after it, if any."""
    if state not in BADGE_STYLES:
        return escape(text)
    css, label = BADGE_STYLES[state]
    return Markup('{} <span class="badge {}">{}</span>').format(text, css, label)


class DeadlineMixin:
    """Mixed into :class:`admin.views.CompanyModelView`; ``deadlines`` are
    the model's declared deadlines (set at start)."""

    deadlines: tuple[Deadline, ...] = ()

    def _deadline_setup(self, deadlines: list[Deadline]) -> None:
        """Before Flask-Admin builds the view: formatters and filters."""
        self.deadlines = tuple(deadlines)
        if not self.deadlines:
            return
        formatters = dict(self.column_formatters or {})
        details = dict(self.column_formatters_detail or formatters)
        for d in self.deadlines:
            formatters.setdefault(d.due_field, self._due_formatter(d))
            details.setdefault(d.due_field, self._due_formatter(d))
        self.column_formatters, self.column_formatters_detail = formatters, details
        filters = list(self.column_filters or ())
        self.column_filters = (*filters, *(DeadlineFilter(d) for d in self.deadlines))

    def _due_formatter(self, d: Deadline) -> Any:
        def formatter(view: Any, context: Any, model: Any, name: str) -> Any:
            value = getattr(model, d.due_field)
            text = datetime_text(view, value, name) if value is not None else ""
            return badge_markup(view.deadline_badge(d, model), text)
        return formatter

    def deadline_badge(self, d: Deadline, record: Any) -> str | None:
        """The badge of ``record``'s clock of ``d``; the clocks of the page's
        records are read in one query (:meth:`get_list`)."""
        return badge(d, clock_of(d, record), local_now())

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, records = super().get_list(*args, **kwargs)
        if self.deadlines and records:
            prefetch(records)
        return count, records

    def overdue_deadline(self) -> Deadline | None:
        """The deadline ``?overdue=<key>`` names (``1``: the first one)."""
        wanted = request.args.get("overdue")
        if not wanted or not self.deadlines:
            return None
        if wanted == "1":
            return self.deadlines[0]
        return next((d for d in self.deadlines if d.key == wanted), None)

    def _overdue_only(self, query: Any) -> Any:
        d = self.overdue_deadline()
        return query.filter(filter_clause(d, "overdue", local_now())) if d is not None else query

    def _get_default_order(self) -> Any:
        # The overdue list shows the longest overdue first.
        d = self.overdue_deadline()
        if d is None:
            yield from super()._get_default_order()
            return
        yield getattr(self.model, d.due_field), [], False
        yield self.model.id, [], False

    def overdue_note(self) -> str | None:
        """The sentence above an ``?overdue=`` list."""
        d = self.overdue_deadline()
        return gettext("Overdue: %(what)s", what=d.label()) if d is not None else None
