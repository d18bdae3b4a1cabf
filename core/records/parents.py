"""Parts of a parent: a customer's contacts change the customer too.

A part's change bumps its parent's version (so a concurrent editor of the
parent gets the conflict) and shows in the parent's history.
"""
from __future__ import annotations

import functools
from typing import Any, Iterable

from sqlalchemy import inspect
from sqlalchemy.orm import RelationshipDirection, Session

from core.models import utcnow
from core.records.mixin import CompanyOwnedMixin

@functools.cache
def parents_of(model: type) -> tuple[tuple[str, str], ...]:
    """``(relation to the parent, the parent's collection)`` for each parent
    ``model`` is part of: the parent declares the collection of them
    (``contacts = relationship(back_populates="customer")``). Opt out with
    ``relationship(..., info={"qdesk_part_of_parent": False})`` on the
    collection."""
    out = []
    for rel in inspect(model).relationships:
        if rel.direction is not RelationshipDirection.MANYTOONE or rel.viewonly:
            continue
        for reverse in rel._reverse_property:
            if (reverse.direction is RelationshipDirection.ONETOMANY and not reverse.viewonly
                    and reverse.info.get("qdesk_part_of_parent", True)
                    and issubclass(reverse.parent.class_, CompanyOwnedMixin)):
                out.append((rel.key, reverse.key))
    return tuple(out)


def label_of(record: Any) -> str:
    """How a part is named in its parent's history: its own text, else its id."""
    return str(record) if type(record).__str__ is not object.__str__ else f"#{record.id}"


def parents_with_collection(obj: Any) -> Iterable[tuple[Any, str]]:
    """``(parent, collection)`` of ``obj``, including the parent it just left."""
    state = inspect(obj)
    for relation, collection in parents_of(type(obj)):
        hist = state.attrs[relation].load_history()  # the parent may not be loaded yet
        for parent in {*hist.added, *hist.unchanged, *hist.deleted}:
            if parent is not None:
                yield parent, collection


def touch_parents(session: Session) -> None:
    """A part changed: its parent is saved too (its version goes up, so a
    concurrent editor of the parent gets the conflict message)."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not parents_of(type(obj)):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        for parent, _collection in parents_with_collection(obj):
            if parent not in session.deleted and inspect(parent).persistent:
                parent.updated_at = utcnow()
