"""The list's search box (a mixin of :class:`admin.views.CompanyModelView`).

An entity that declares a search (``Entity(..., search=Search(...))``) is
searched through core's index (:mod:`core.search`): every space-separated
term must be contained in one of its declared fields, its own or a related
record's, in the current company; the view needs no
``column_searchable_list`` (its placeholder names the declared fields).
Other screens keep Flask-Admin's search over ``column_searchable_list``,
with the term's own ``%`` and ``_`` taken literally (:mod:`core.records.search`).
"""
from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import UniqueConstraint, Unicode, cast, or_

from core import search as core_search
from core.records.search import ilike


class SearchMixin:
    """``init_search``, ``search_placeholder`` and ``_apply_search`` of the screens."""

    @property
    def core_search(self) -> bool:
        """Whether the entity declares a search (``Entity(..., search=Search(...))``):
        the search box then goes through core's index (:mod:`core.search`)."""
        return self.model is not None and core_search.searchable(self.model)

    def init_search(self) -> bool:
        if self.core_search:
            if self.column_searchable_list:
                super().init_search()  # type: ignore[misc]
            return True
        return super().init_search()  # type: ignore[misc]

    def search_placeholder(self) -> str | None:
        if self.core_search and not self.column_searchable_list:
            plan = core_search.SearchRegistry.current().plan_of(self.model)
            return ", ".join(str(self.get_column_name(name)) for name in (*plan.fields, *(r.name for r in plan.related)))
        return super().search_placeholder()  # type: ignore[misc]

    def get_list(self, page: Any, sort_column: Any, sort_desc: Any, search: Any, filters: Any,
                 execute: bool = True, page_size: Any = None) -> Any:
        # _apply_search needs the page and the order (Flask-Admin passes it neither).
        g.qdesk_list_page = (page or 0, self.page_size if page_size is None else page_size, sort_column)
        try:
            return super().get_list(page, sort_column, sort_desc, search, filters,  # type: ignore[misc]
                                    execute=execute, page_size=page_size)
        finally:
            g.pop("qdesk_list_page", None)

    def _apply_search(self, query: Any, count_query: Any, joins: Any, count_joins: Any, search: str) -> Any:
        if self.core_search:
            # core.search: every term matches a declared field (own or related),
            # through the index, in the current company; a record counted once.
            where = core_search.search_clause(self.model, search)
            page_where = where
            page, size, sort_column = g.get("qdesk_list_page", (0, 0, None))
            if size and self._sorted_by_an_index(sort_column) and \
                    core_search.dense(self.model, search, rows=(page + 1) * size):
                # Very many matches: read the page in its order, each record
                # looked up in the index (core.search.dense).
                page_where = core_search.search_clause(self.model, search, probed=True)
            return query.filter(page_where), (count_query.filter(where) if count_query is not None else None), \
                joins, count_joins
        # Flask-Admin's search, with the term's own % and _ taken literally
        # (core.records.search): every term must match one searchable column.
        for term in search.split(" "):
            if not term:
                continue
            where, count_where = [], []
            for field, path in self._search_fields:
                query, joins, alias = self._apply_path_joins(query, joins, path, inner_join=False)
                column = field if alias is None else getattr(alias, field.key)
                where.append(ilike(cast(column, Unicode), term))
                if count_query is not None:
                    count_query, count_joins, count_alias = self._apply_path_joins(
                        count_query, count_joins, path, inner_join=False)
                    column = field if count_alias is None else getattr(count_alias, field.key)
                    count_where.append(ilike(cast(column, Unicode), term))
            query = query.filter(or_(*where))
            if count_query is not None:
                count_query = count_query.filter(or_(*count_where))
        return query, count_query, joins, count_joins

    def _sorted_by_an_index(self, sort_column: Any) -> bool:
        """Whether the list's order (``sort_column``, else the default sort)
        is a column of the model's own table that an index reads in order:
        the id, or the first column of an index or unique constraint, or its
        second after ``company_id`` (the id breaks ties: every SQLite index
        ends with it)."""
        if sort_column is not None:
            field, joins = self._sortable_columns.get(sort_column), self._sortable_joins.get(sort_column)
        else:
            field, joins, _desc = next(iter(self._get_default_order()), (self.model.id, [], False))
        columns = getattr(getattr(field, "property", None), "columns", None)
        if joins or not columns:
            return False
        column, table = columns[0], self.model.__table__
        if column.table is not table:
            return False
        if column.primary_key:
            return True
        keys = [*table.indexes, *(c for c in table.constraints if isinstance(c, UniqueConstraint))]
        for names in ([c.name for c in key.columns] for key in keys):
            if names[:1] == [column.name] or names[:2] == ["company_id", column.name]:
                return True
        return False
