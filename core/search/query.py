"""Reading the index: the WHERE clause of a search box.

A record matches a term when one of its entity's searched fields (its own
or a related record's, :class:`~core.search.Search`) contains the term,
case-insensitively; every space-separated term must match
(:func:`search_clause`). The clause is ``<model>.id IN (...)`` over the
current company's documents: a record is listed and counted once however
many of its fields match, and another company's records never match.

How each term is served (every case from an index):

* three characters or more: the trigram index of the documents' text
  (SQLite FTS5 ``trigram`` table ``search_document_fts``, queried with the
  term as a phrase; PostgreSQL ``pg_trgm`` GIN index on
  ``search_documents.body``, ``LIKE '%term%'``);
* one or two characters (``国宾``, ``A1``, ``刘``): the gram table
  (:mod:`core.search.text`), one key range;
* a term with ``%``, ``_`` or a backslash (searched literally, see
  :mod:`core.records.search`) and Flask-Admin's ``^starts`` / ``=equals``
  forms: the index narrows the records down by the term's longest run of
  plain characters, then the fields themselves are compared
  (:func:`like_clause`, ``ILIKE ... ESCAPE``) -- a run-free term (``%``)
  compares the fields of every record.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, column, func, or_, select, table, true
from sqlalchemy.sql.elements import ColumnElement

from core.extensions import db
from core.records import tenancy
from core.records.search import LIKE_SPECIAL, ilike
from core.search.declare import Plan
from core.search.models import SearchDocument, SearchGram
from core.search.registry import SearchRegistry
from core.search.text import fold, gram, gram_range

#: The FTS5 table of SQLite (created by migration 0015, no model).
FTS_TABLE = "search_document_fts"
#: The PostgreSQL trigram index on ``search_documents.body``.
TRGM_INDEX = "ix_search_document_body_trgm"
MIN_TRIGRAM = 3

_fts = table(FTS_TABLE, column("rowid"), column("body"))


def _plan(what: Any) -> Plan:
    return what if isinstance(what, Plan) else SearchRegistry.current().plan_of(what)


def plain(term: str) -> bool:
    """Whether ``term`` is a plain "contains" term (no ``^``/``=`` form, no
    ``LIKE`` wildcard), found by the index alone."""
    return not term.startswith(("^", "=")) and not any(char in term for char in LIKE_SPECIAL)


def _longest_run(text: str) -> str:
    runs, current = [], ""
    for char in text:
        if char in LIKE_SPECIAL:
            runs.append(current)
            current = ""
        else:
            current += char
    runs.append(current)
    return max(runs, key=len)


def candidates(plan: Plan, text: str, company_id: int, dialect: str | None = None) -> Any:
    """``SELECT record_id`` of the company's records of ``plan``'s entity
    whose text contains ``text`` (plain characters, folded)."""
    dialect = dialect or db.engine.dialect.name
    if len(text) <= 2:
        g = SearchGram
        where = [g.gram == gram(text)] if len(text) == 2 else [g.gram >= gram_range(text)[0],
                                                               g.gram < gram_range(text)[1]]
        return select(g.record_id).where(g.entity == plan.entity, g.company_id == company_id, *where)
    d, pattern = SearchDocument, f"%{text}%"
    # The trigram index drives: the documents matching the text, then their
    # entity and company checked (``entity || ''`` keeps the planner from
    # reading every document of the entity by the unique index instead:
    # the entity alone selects little).
    scope = (d.entity.concat("") == plan.entity, d.company_id == company_id)
    if dialect == "sqlite":
        # A phrase of the text's trigrams (consecutive) is exactly "contains
        # the text", answered from the index alone: FTS5's LIKE would read
        # every candidate document again to check the pattern.
        phrase = '"' + text.replace('"', '""') + '"'
        return select(d.record_id).where(d.id.in_(select(_fts.c.rowid).where(_fts.c.body.match(phrase))), *scope)
    return select(d.record_id).where(d.body.like(pattern), *scope)


def probe(plan: Plan, text: str, company_id: int, dialect: str | None = None) -> ColumnElement[bool] | None:
    """The correlated form of :func:`candidates`: ``EXISTS`` the record's own
    entry of the index for ``text`` (its grams for two characters, its
    document for three or more). ``None`` for one character (a range of
    grams: no single entry to look up).

    A page sorted by an indexed column reads the records in that order and
    looks each one up until the page is full: with many matches that is a
    few dozen look-ups instead of listing and sorting every match
    (:func:`dense`)."""
    dialect = dialect or db.engine.dialect.name
    record = plan.model.id
    if len(text) == 2:
        g = SearchGram
        return select(g.record_id).where(g.entity == plan.entity, g.company_id == company_id,
                                         g.gram == gram(text), g.record_id == record).exists()
    if len(text) < MIN_TRIGRAM:
        return None
    d = SearchDocument
    own = (d.entity == plan.entity, d.record_id == record, d.company_id == company_id)
    if dialect == "sqlite":
        phrase = '"' + text.replace('"', '""') + '"'
        return select(d.id).where(*own, d.id.in_(select(_fts.c.rowid).where(_fts.c.body.match(phrase)))).exists()
    return select(d.id).where(*own, d.body.like(f"%{text}%")).exists()


#: :func:`dense` counts at most this many matches of a term.
DENSE_COUNT_CAP = 20_000


def dense(what: Any, search: str, rows: int, company_id: int | None = None) -> bool:
    """Whether ``rows`` (a page's offset plus its size) of a list searched
    for ``search`` are found sooner by reading the list in its (indexed)
    order and looking each record up in the index (:func:`probe`) than by
    listing every match and sorting them: when every plain term matches so
    many records that the page fills after a short read.

    Reading in order costs about ``rows × table / matches`` look-ups,
    listing the matches about ``matches``: the order wins when
    ``matches² > 3 × rows × table`` (the table size is the span of the
    company's ids: cheap, and an upper bound, so the choice errs towards
    listing).
    Counting a term's matches reads the index alone, up to
    :data:`DENSE_COUNT_CAP`. SQLite only: PostgreSQL's planner chooses
    between the two by itself."""
    if db.engine.dialect.name != "sqlite":
        return False
    plan = _plan(what)
    terms = [fold(t) for t in search.split(" ") if t]
    if not terms or not all(plain(t) and len(t) >= 2 for t in terms):
        return False
    company_id = company_id if company_id is not None else tenancy.require_company().id
    # The span of the company's ids: two index look-ups (company_id, id), an
    # upper bound of its records (ids of deleted ones are never reused).
    ids, owned = plan.model.id, plan.model.company_id == company_id
    low, high = db.session.execute(select(select(func.min(ids)).where(owned).scalar_subquery(),
                                          select(func.max(ids)).where(owned).scalar_subquery())).one()
    table_size = (high - low + 1) if high is not None else 0
    for text in terms:
        capped = candidates(plan, text, company_id).limit(DENSE_COUNT_CAP).subquery()
        matches = db.session.execute(select(func.count()).select_from(capped)).scalar()
        if matches * matches <= 3 * rows * table_size:
            return False
    return True


def like_clause(what: Any, term: str) -> ColumnElement[bool]:
    """The term compared with the fields themselves (``ILIKE`` with the
    term's ``^``/``=`` form, related rows through ``EXISTS``): no index."""
    plan = _plan(what)
    parts = [ilike(col, term) for col in plan.columns]
    for rel in plan.related:
        related = and_(*rel.active(), or_(*(ilike(col, term) for col in rel.columns)))
        attr = getattr(plan.model, rel.name)
        parts.append(attr.any(related) if rel.many else attr.has(related))
    return or_(*parts)


def term_clause(what: Any, term: str, company_id: int | None = None,
                dialect: str | None = None, probed: bool = False) -> ColumnElement[bool]:
    """The WHERE clause of one search term on the list of an entity (a key
    or model, or its plan) in the current company (or ``company_id``).
    ``probed``: each record looked up in the index (:func:`probe`) instead
    of ``id IN`` the matches, for a page of a :func:`dense` search."""
    plan = _plan(what)
    if not term:
        return true()
    if company_id is None:
        company_id = tenancy.require_company().id
    ids = plan.model.id
    literal = term[1:] if term.startswith(("^", "=")) else term
    if plain(term):
        looked_up = probe(plan, fold(term), company_id, dialect) if probed else None
        return looked_up if looked_up is not None else ids.in_(candidates(plan, fold(term), company_id, dialect))
    run = fold(_longest_run(literal))
    exact = like_clause(plan, term)
    if not run:
        return exact
    return and_(ids.in_(candidates(plan, run, company_id, dialect)), exact)


def search_clause(what: Any, search: str, company_id: int | None = None,
                  probed: bool = False) -> ColumnElement[bool]:
    """The WHERE clause of a search box's text: every space-separated term
    must match (:func:`term_clause`; ``probed``: for the page of a
    :func:`dense` search read in an indexed order)."""
    terms = [t for t in search.split(" ") if t]
    return and_(true(), *(term_clause(what, t, company_id, probed=probed) for t in terms))


def searchable(what: Any) -> bool:
    """Whether an entity (key or model) declares a search."""
    registry = SearchRegistry.current_or_none()
    if registry is None:
        return False
    return (what in registry.by_entity) if isinstance(what, str) else (what in registry.by_model)
