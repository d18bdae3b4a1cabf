"""Keeping documents up to date at flush (installed when :mod:`core.search`
is imported).

Why ORM events rather than database triggers: a document is built from the
declaration (fields of the record and of related records, folded, split
into grams) in Python, once, the same way on SQLite and PostgreSQL; SQLite
triggers cannot split text into grams (no recursive queries in a trigger),
and triggers on plugin tables would be lost whenever a migration rebuilds
such a table in batch mode. The cost: writes that bypass the ORM (Core
``insert``/``update``, ``query.update()``, raw SQL, a migration's data
changes) do not reach the index; call :func:`core.search.reindex` (or
``qdesk search reindex``) after them. ``qdesk db upgrade`` fills in any
record without a document (:func:`core.search.index.sync`).

After each flush (the rows are written, ids known, each attribute's history
still there): the records of searchable entities that were created,
deleted or had a searched field changed, and the records whose related
rows (a customer's contact person) were created, deleted, moved, archived
or had a searched field changed, get their documents rewritten on the
flush's own connection -- same transaction, rolled back with it.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from core.search.index import write
from core.search.registry import SearchRegistry


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _links(obj: Any, key: str) -> set[Any]:
    """The current and the previous value of the link column ``key``."""
    history = inspect(obj).attrs[key].history
    return {getattr(obj, key), *history.deleted}


@event.listens_for(Session, "after_flush")
def _refresh_documents(session: Session, flush_context: Any) -> None:
    registry = SearchRegistry.current_or_none()
    if registry is None or not registry.by_model:
        return
    pending: dict[Any, set[Any]] = {}
    conn = None
    for group in (session.new, session.dirty, session.deleted):
        dirty = group is session.dirty
        for obj in group:
            cls = type(obj)
            plan = registry.by_model.get(cls)
            # (A changed relationship counts too: a contact removed from
            # the collection may be deleted as an orphan by the flush.)
            if plan is not None and (not dirty or _changed(obj, plan.watched)):
                pending.setdefault(plan, set()).add(obj.id)
            for plan, rel in registry.watchers.get(cls, ()):
                if dirty and not _changed(obj, rel.watched):
                    continue
                if rel.many:
                    pending.setdefault(plan, set()).update(_links(obj, rel.link.key))
                else:
                    conn = conn or session.connection()
                    owners = conn.execute(select(plan.model.id).where(rel.link == obj.id)).scalars()
                    pending.setdefault(plan, set()).update(owners)
    for plan, ids in pending.items():
        ids.discard(None)
        if ids:
            conn = conn or session.connection()
            write(conn, plan, ids)
