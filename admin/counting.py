"""The list's record count, capped ("1 000+"), as Odoo 16 does ("1-80 / 10000+").

Counting every match costs as much as reading them all: the 10 000 customers
a two-character term like ``国宾`` matches took 10-25 ms to count, the
200 000 of a big company's plain list 60-80 ms, for a number nobody reads
past "more than a thousand". So the list page counts at most
:attr:`CompanyModelView.count_limit` records beyond the page it shows
(``max(count_limit, (page + 2) × page size)``: the pager always offers the
next page) and shows the count as ``1000+``; the list's "Count all" link
(``?count=all``) counts exactly. Exports, and every other caller of
``get_list``, always count exactly: the export's "first N of M rows" note
stays true.

Flask-Admin builds the count query by calling ``filter``/``join`` on it
(search, filters); :class:`CappedCount` lets those through and caps only
the final ``scalar()``.
"""
from __future__ import annotations

from typing import Any

from flask import g, request, url_for
from markupsafe import escape
from sqlalchemy import func, literal_column
from sqlalchemy.orm import Query

from core.extensions import db


class AtLeast(int):
    """A count that stopped at its cap: the cap in arithmetic (pages), ``1000+`` on the page."""

    def __str__(self) -> str:
        return f"{int(self)}+"

    def __html__(self) -> str:
        return str(escape(str(self)))


class CappedCount:
    """A count query that counts at most ``cap + 1`` rows: ``scalar()`` is
    the exact number up to ``cap``, else ``AtLeast(cap)``. Query methods
    (``filter``, ``join``, ...) return a capped query again."""

    def __init__(self, query: Query, cap: int) -> None:
        self._query, self.cap = query, cap

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._query, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            return CappedCount(result, self.cap) if isinstance(result, Query) else result
        return call

    def scalar(self) -> int:
        rows = self._query.with_entities(literal_column("1")).limit(self.cap + 1).subquery()
        counted = db.session.query(func.count()).select_from(rows).scalar() or 0
        return AtLeast(self.cap) if counted > self.cap else counted


def capped(view: Any, query: Query) -> Any:
    """``query`` (the view's count query) capped for the list page, or as it
    is elsewhere (export, ``?count=all``, a view with ``count_limit`` 0)."""
    limit = view.count_limit
    if not limit or request.endpoint != f"{view.endpoint}.index_view" or request.args.get("count") == "all":
        return query
    page, size, _sort = g.get("qdesk_list_page", (0, view.page_size, None))
    return CappedCount(query, max(limit, (page + 2) * (size or view.page_size)))


class CountingMixin:
    """``count_limit`` and the list template's helpers (a mixin of
    :class:`admin.views.CompanyModelView`)."""

    #: The list page counts at most this many records beyond the page it
    #: shows and says "1000+" ("Count all" counts exactly); 0: always exact.
    count_limit = 1000

    @staticmethod
    def count_is_capped(count: Any) -> bool:
        """Whether the list's ``count`` stopped at its cap (shown as ``1000+``)."""
        return isinstance(count, AtLeast)

    def count_all_url(self) -> str:
        """This list (search, filters, sort and page kept) counted exactly."""
        args = request.args.to_dict(flat=False)
        args["count"] = "all"
        return url_for(".index_view", **args)
