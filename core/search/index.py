"""Writing the index: documents and grams of records, rebuilt per entity.

:func:`write` brings the documents of some records of one entity up to date
from the database as it is (the records' rows and their related rows, read
on the given connection): a record gone loses its document and grams, a
changed text changes only the grams that differ. The flush events
(:mod:`core.search.events`) call it for what a flush touched;
:func:`reindex` rebuilds an entity; :func:`sync` (run by ``qdesk db
upgrade``) rebuilds the entities whose declaration changed and fills in
what is missing.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import and_, bindparam, delete, exists, func, insert, select, update

from core.models import utcnow
from core.search.declare import Plan
from core.search.models import SearchDocument, SearchGram, SearchIndexState
from core.search.text import body, grams

CHUNK = 500
_docs = SearchDocument.__table__
_grams = SearchGram.__table__

_delete_gram = delete(_grams).where(and_(
    _grams.c.entity == bindparam("e"), _grams.c.company_id == bindparam("c"),
    _grams.c.gram == bindparam("g"), _grams.c.record_id == bindparam("r")))
_update_body = update(_docs).where(_docs.c.id == bindparam("doc_id")).values(body=bindparam("b"))


def texts(conn: Any, plan: Plan, ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    """``{record id: (company id, document text)}`` of the records of
    ``ids`` that exist."""
    model, ids = plan.model, list(ids)
    values: dict[int, list[Any]] = {}
    companies: dict[int, int] = {}
    for row in conn.execute(select(model.id, model.company_id, *plan.columns).where(model.id.in_(ids))):
        companies[row[0]] = row[1]
        values[row[0]] = list(row[2:])
    for rel in plan.related:
        if rel.many:
            query = (select(rel.link, *rel.columns).where(rel.link.in_(ids), *rel.active())
                     .order_by(rel.model.id))
        else:
            query = (select(model.id, *rel.columns).join(rel.model, rel.model.id == rel.link)
                     .where(model.id.in_(ids), *rel.active()))
        for row in conn.execute(query):
            if row[0] in values:
                values[row[0]].extend(row[1:])
    return {rid: (companies[rid], body(vals)) for rid, vals in values.items()}


def _gram_rows(entity: str, company: int, record: int, found: Iterable[int]) -> list[dict]:
    return [dict(entity=entity, company_id=company, gram=g, record_id=record) for g in found]


def write(conn: Any, plan: Plan, ids: Iterable[int]) -> None:
    """Bring the documents of records ``ids`` of ``plan``'s entity up to date."""
    ids = sorted({i for i in ids if i is not None})
    for first in range(0, len(ids), CHUNK):
        _write_chunk(conn, plan, ids[first:first + CHUNK])


def _write_chunk(conn: Any, plan: Plan, ids: list[int]) -> None:
    entity = plan.entity
    old = {row.record_id: row for row in conn.execute(
        select(_docs.c.id, _docs.c.record_id, _docs.c.company_id, _docs.c.body)
        .where(_docs.c.entity == entity, _docs.c.record_id.in_(ids)))}
    new = texts(conn, plan, ids)
    gone_docs, new_docs, changed, drop, add = [], [], [], [], []
    for rid in ids:
        before, after = old.get(rid), new.get(rid)
        if before is not None and (after is None or after[0] != before.company_id):
            gone_docs.append(before.id)
            drop += [dict(e=entity, c=before.company_id, g=g, r=rid) for g in grams(before.body)]
            before = None
        if after is None:
            continue
        company, text = after
        if before is None:
            new_docs.append(dict(entity=entity, record_id=rid, company_id=company, body=text))
            add += _gram_rows(entity, company, rid, grams(text))
        elif before.body != text:
            changed.append(dict(doc_id=before.id, b=text))
            was, now = grams(before.body), grams(text)
            drop += [dict(e=entity, c=company, g=g, r=rid) for g in was - now]
            add += _gram_rows(entity, company, rid, now - was)
    if gone_docs:
        conn.execute(delete(_docs).where(_docs.c.id.in_(gone_docs)))
    if drop:
        conn.execute(_delete_gram, drop)
    if changed:
        conn.execute(_update_body, changed)
    if new_docs:
        conn.execute(insert(_docs), new_docs)
    if add:
        add.sort(key=lambda r: (r["company_id"], r["gram"], r["record_id"]))
        conn.execute(insert(_grams), add)


def reindex(conn: Any, plan: Plan, chunk: int = 5000) -> int:
    """Rebuild every document of ``plan``'s entity; returns how many there are."""
    entity, model = plan.entity, plan.model
    conn.execute(delete(_grams).where(_grams.c.entity == entity))
    conn.execute(delete(_docs).where(_docs.c.entity == entity))
    last, count = 0, 0
    while True:
        ids = list(conn.execute(select(model.id).where(model.id > last).order_by(model.id).limit(chunk)).scalars())
        if not ids:
            break
        found = texts(conn, plan, ids)
        if found:
            conn.execute(insert(_docs), [dict(entity=entity, record_id=rid, company_id=c, body=t)
                                         for rid, (c, t) in found.items()])
            rows = [(c, g, rid) for rid, (c, t) in found.items() for g in grams(t)]
            rows.sort()
            conn.execute(insert(_grams), [dict(entity=entity, company_id=c, gram=g, record_id=rid)
                                          for c, g, rid in rows])
        count += len(found)
        last = ids[-1]
    _mark_built(conn, plan)
    return count


def _mark_built(conn: Any, plan: Plan) -> None:
    table = SearchIndexState.__table__
    conn.execute(delete(table).where(table.c.entity == plan.entity))
    conn.execute(insert(table).values(entity=plan.entity, fingerprint=plan.fingerprint(), built_at=utcnow()))


def sync(conn: Any, plans: Iterable[Plan]) -> dict[str, str]:
    """After a schema upgrade: rebuild each entity whose documents were built
    from another declaration (or never), and for the others write the
    documents of records that have none and drop those of records gone
    (rows written without the ORM). Returns ``{entity: what was done}``."""
    done = {}
    states = dict(conn.execute(select(SearchIndexState.entity, SearchIndexState.fingerprint)).all())
    for plan in plans:
        if states.get(plan.entity) != plan.fingerprint():
            done[plan.entity] = f"rebuilt ({reindex(conn, plan)} documents)"
            continue
        model = plan.model
        missing = select(model.id).where(~exists().where(_docs.c.entity == plan.entity,
                                                         _docs.c.record_id == model.id))
        orphans = select(_docs.c.record_id).where(_docs.c.entity == plan.entity,
                                                  ~exists().where(model.id == _docs.c.record_id))
        ids = list(conn.execute(missing).scalars()) + list(conn.execute(orphans).scalars())
        write(conn, plan, ids)
        done[plan.entity] = f"{len(ids)} documents written" if ids else "up to date"
    return done


def document_count(conn: Any, entity: str) -> int:
    """How many documents ``entity`` has."""
    return conn.execute(select(func.count()).select_from(_docs).where(_docs.c.entity == entity)).scalar()
