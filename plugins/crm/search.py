"""Customer search: core's search service (:mod:`core.search`).

The entity ``crm.customer`` declares what finds a customer
(:data:`plugins.crm.entities.CUSTOMER_SEARCH`): its code, name, short name
or phone, or the name or phone of one of its *active* contact persons,
contained case-insensitively. Core keeps the index (documents, trigram
index, grams for one- and two-character terms such as ``国宾``) and builds
the clause; this module only names it for the customer list
(``CustomerView._apply_search``) and the benchmark.
"""
from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

from core import search

from .models import Customer

__all__ = ["customer_search_clause", "indexable", "like_clause"]


def indexable(term: str) -> bool:
    """Whether the index alone answers ``term`` (a plain "contains" term:
    no ``^``/``=`` form, no ``%``, ``_`` or backslash); the others are
    narrowed by the index and then compared field by field."""
    return search.plain(term)


def like_clause(term: str) -> ColumnElement[bool]:
    """The term compared with the fields themselves, no index (the benchmark's baseline)."""
    return search.like_clause(Customer, term)


def customer_search_clause(term: str, dialect: str | None = None) -> ColumnElement[bool]:
    """The WHERE clause of one search term on the customer list, in the
    current company (``dialect``: the database's, by default)."""
    return search.term_clause(Customer, term, dialect=dialect)
