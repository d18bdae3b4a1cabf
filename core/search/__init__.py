"""Search as a core service: the substring search of list screens over
Chinese (and any) text, served by an index on SQLite and PostgreSQL.

An entity declares what is searched (``core.records.entities.Entity``)::

    Entity("crm.customer", Customer, "客户", "Customer",
           search=Search(fields=("code", "name", "short_name", "phone"),
                         related=(Related("contacts", fields=("name", "phone")),)))

and core does the rest:

* **documents** (:mod:`core.search.models`): one row per record, keyed by
  ``(entity, record_id)`` with its company, holding the record's folded
  searchable text; kept up to date at every ORM flush
  (:mod:`core.search.events`, which says why events and not triggers),
  rebuilt by :func:`reindex` (``qdesk search reindex``), filled in by
  ``qdesk db upgrade`` (:func:`sync`);
* **indexes**: a trigram index of the text for terms of three characters
  or more (SQLite FTS5 ``trigram``; PostgreSQL ``pg_trgm`` GIN), a gram
  table for one- and two-character terms (:mod:`core.search.text`):
  ``国宾`` over 200 000 customers is one key range, not a scan;
* **the clause** (:mod:`core.search.query`): :func:`search_clause` gives
  the WHERE clause of a search box's text, ``<model>.id IN (...)`` in the
  current company; the base admin view (``admin.views.CompanyModelView``)
  uses it for every entity that declares a search. ``%``, ``_`` and ``\\``
  are literal; ``^term`` (starts with) and ``=term`` (equals) compare the
  fields themselves, narrowed by the index. On SQLite the page of a
  search matching very many records (:func:`dense`), sorted by an indexed
  column, takes the correlated form instead (:func:`probe`: each record
  read in order is looked up in the index until the page is full), so
  ``国宾`` (one customer in twenty) does not list and sort 10 000 matches
  for 50 rows; the count keeps the ``IN`` form.

Why documents are built by core and not by a migration: the text comes from
plugins' models and declarations, which a core revision cannot know.
Migration ``0015_search`` creates the empty tables and indexes;
``qdesk db upgrade`` then builds the documents of every entity whose
declaration is new or changed (table ``search_index_state``), so adding a
field to a declaration only needs an upgrade (or ``qdesk search reindex``).
"""
from __future__ import annotations

from typing import Any

from core.search.declare import Plan, Related, Search
from core.search.models import SearchDocument, SearchGram, SearchIndexState
from core.search.query import FTS_TABLE, TRGM_INDEX, candidates, dense, like_clause, plain, probe, search_clause, \
    searchable, term_clause
from core.search.registry import SearchRegistry, init_search
from core.search.text import body, fold, grams
from core.search import events  # noqa: F401  (installs the flush listener)

__all__ = ["Related", "Search", "Plan", "SearchDocument", "SearchGram", "SearchIndexState", "SearchRegistry",
           "FTS_TABLE", "TRGM_INDEX", "candidates", "dense", "probe", "like_clause", "plain", "search_clause", "searchable",
           "term_clause", "init_search", "reindex", "sync", "body", "fold", "grams"]


def reindex(entity: str | None = None) -> dict[str, int]:
    """Rebuild the documents of ``entity`` (a key), or of every searchable
    entity, in one transaction; returns ``{entity: documents}``. Needed
    after writes that bypass the ORM (bulk Core inserts, raw SQL)."""
    from core.extensions import db
    from core.search import index
    registry = SearchRegistry.current()
    plans = [registry.plan_of(entity)] if entity else list(registry.by_entity.values())
    with db.engine.begin() as conn:
        return {plan.entity: index.reindex(conn, plan) for plan in plans}


def sync() -> dict[str, Any]:
    """What ``qdesk db upgrade`` runs after the migrations
    (:func:`core.search.index.sync`): entities with a new or changed
    declaration rebuilt, missing documents written, stale ones dropped."""
    from core.extensions import db
    from core.search import index
    registry = SearchRegistry.current_or_none()
    if registry is None or not registry.by_entity:
        return {}
    with db.engine.begin() as conn:
        return index.sync(conn, registry.by_entity.values())
