"""Customer search served by an index (the customer list's search box).

A customer matches a term when its code, name, short name or phone, or the
name or phone of one of its *active* contact persons, contains the term
(case-insensitive). Written naively -- ``ILIKE '%term%'`` on four columns
plus an ``EXISTS`` over the contacts -- that is a full scan of both tables
on every keystroke: a B-tree index cannot serve a leading ``%``. With
200 000 customers the list page then takes seconds. So the term is matched
through a trigram index instead:

* **SQLite**: the FTS5 table ``crm_customer_search`` (tokenizer ``trigram``,
  SQLite >= 3.34) holds one row per customer, ``rowid`` = the customer's id,
  whose ``body`` is the customer's searchable text and that of its active
  contacts. Triggers on ``crm_customer`` and ``crm_contact_person`` keep it
  up to date (migration ``c4f1d2a9e6b3``). The trigram tokenizer serves
  ``body LIKE '%term%'`` from the index, and matches case-insensitively
  like SQLite's ``LIKE``.
* **PostgreSQL**: GIN ``gin_trgm_ops`` indexes (extension ``pg_trgm``) on
  the searched columns of both tables. ``ILIKE '%term%'`` uses them; the
  customer columns and the contacts are searched in two index-served
  branches of a ``UNION`` (an ``OR`` with an ``EXISTS`` could not use them).

Either way the clause is ``crm_customer.id IN (...)``: a customer is listed
and counted once, however many of its contacts match, and the company
scoping of the list's query (done by the base view) applies unchanged.

A trigram index only helps with at least three consecutive literal
characters: ``国宾`` (two characters, common for Chinese names) or ``A1``
has no trigram. Such terms, terms with ``%``, ``_`` or a backslash (searched
literally, see :mod:`core.records.search`), and Flask-Admin's ``^prefix`` /
``=exact`` forms, use the plain ``LIKE`` query (:func:`like_clause`) --
slower on a big table, but the same result.

On SQLite, a later migration that rebuilds ``crm_customer`` or
``crm_contact_person`` in batch mode (copy, drop, rename) loses that table's
triggers, and the rename fails while the other table's triggers still name
the dropped one: drop the six ``crm_*_search_*`` triggers first and create
them again afterwards (``plugins/crm/tests/test_search.py`` checks they
exist). On PostgreSQL the planner may still prefer a sequential scan of a
small table; the indexes pay off as the tables grow.
"""
from __future__ import annotations

from sqlalchemy import and_, column, or_, select, table, union
from sqlalchemy.sql.elements import ColumnElement

from core.records.search import LIKE_SPECIAL, ilike, like_pattern

from .models import ContactPerson, Customer

#: The FTS5 table of SQLite (and the prefix of its shadow tables).
FTS_TABLE = "crm_customer_search"
#: Searched columns (the PostgreSQL trigram indexes are on these).
CUSTOMER_COLUMNS = ("code", "name", "short_name", "phone")
CONTACT_COLUMNS = ("name", "phone")
MIN_TRIGRAM = 3

_fts = table(FTS_TABLE, column("rowid"), column("body"))


def indexable(term: str) -> bool:
    """Whether a trigram index can serve ``term``: a plain "contains" term
    of at least three characters, none of them a ``LIKE`` wildcard (those
    are searched literally, which needs ``ESCAPE``: the plain query)."""
    return (not term.startswith(("^", "=")) and len(term) >= MIN_TRIGRAM
            and not any(char in term for char in LIKE_SPECIAL))


def like_clause(term: str) -> ColumnElement[bool]:
    """The unindexed form: ``ILIKE`` on each column, contacts through ``EXISTS``."""
    return or_(*(ilike(getattr(Customer, name), term) for name in CUSTOMER_COLUMNS),
               Customer.contacts.any(and_(ContactPerson.archived_at.is_(None),
                                          or_(*(ilike(getattr(ContactPerson, name), term)
                                                for name in CONTACT_COLUMNS)))))


def customer_search_clause(term: str, dialect: str) -> ColumnElement[bool]:
    """The WHERE clause of one search term on the customer list, for the
    database ``dialect`` (``"sqlite"``, ``"postgresql"``): index-served where
    the term allows it (see the module docstring)."""
    if not indexable(term):
        return like_clause(term)
    like = like_pattern(term)
    if dialect == "sqlite":
        return Customer.id.in_(select(_fts.c.rowid).where(_fts.c.body.like(like)))
    if dialect == "postgresql":
        by_customer = select(Customer.id).where(
            or_(*(getattr(Customer, name).ilike(like) for name in CUSTOMER_COLUMNS)))
        by_contact = select(ContactPerson.customer_id).where(
            ContactPerson.archived_at.is_(None),
            or_(*(getattr(ContactPerson, name).ilike(like) for name in CONTACT_COLUMNS)))
        return Customer.id.in_(union(by_customer, by_contact))
    return like_clause(term)
