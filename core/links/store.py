"""Record links: :func:`link` one record to another, :func:`links_of` a
record, :func:`linked_records` of one entity, :func:`visible_links` for a page.

A link names each side by its entity key and id, so records of any two
plugins can be linked without either importing the other. Links belong to
the company of both records (a link across companies is refused). What a
user sees of them is filtered by core: a link whose other record's module
is disabled for the company, or which the user may not read, is not shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from sqlalchemy import and_, or_

from core.errors import DomainError, Invalid
from core.extensions import db
from core.i18n import translate as _gettext
from core.links.models import RecordLink
from core.records import access, tenancy
from core.records.entities import Entity, EntityRegistry

__all__ = ["link", "links_of", "linked_records", "visible_links", "entity_key_of", "record_url", "record_title", "ShownLink"]


def _entity(record: Any) -> Entity:
    found = EntityRegistry.current().entity_of(type(record))
    if found is None:
        raise Invalid(_gettext("This kind of record cannot be linked."))
    return found


def entity_key_of(record: Any) -> str:
    """The entity key of ``record`` (``notes.note``); ``Invalid`` for a
    record that is no declared entity."""
    return _entity(record).key


def link(source: Any, target: Any, kind: str) -> RecordLink:
    """Link ``source`` → ``target`` (two flushed records of the current
    company) as ``kind`` (e.g. the record action's key ``tasks.from_note``)
    and return the link; the same link twice is stored once. The caller
    commits. A record of another company is ``NotFound``, as everywhere."""
    for record in (source, target):
        access.check_owned(record)
        if getattr(record, "id", None) is None:
            db.session.flush()
    if not kind or len(kind) > 120:
        raise Invalid(_gettext("A link needs a kind (at most 120 characters)."))
    values = dict(source_entity=entity_key_of(source), source_id=source.id,
                  target_entity=entity_key_of(target), target_id=target.id, kind=kind)
    existing = tenancy.scoped_query(RecordLink).filter_by(**values).one_or_none()
    if existing is not None:
        return existing
    row = RecordLink(**values)
    db.session.add(row)
    db.session.flush()
    return row


def links_of(record: Any) -> list[RecordLink]:
    """Every link of ``record`` (of the current company), either side,
    oldest first: unfiltered (see :func:`visible_links` for a page)."""
    key, pk = entity_key_of(record), record.id
    return (tenancy.scoped_query(RecordLink)
            .filter(or_(and_(RecordLink.source_entity == key, RecordLink.source_id == pk),
                        and_(RecordLink.target_entity == key, RecordLink.target_id == pk)))
            .order_by(RecordLink.created_at, RecordLink.id).all())


def linked_records(record: Any, entity_key: str) -> list[Any]:
    """The records of entity ``entity_key`` linked to ``record`` (either
    side of the link), of the record's company, oldest first: "has this
    work order a complaint already?" without importing the other plugin.
    Unfiltered by permission, like :func:`links_of`."""
    ids = set()
    for row in links_of(record):
        if row.source_entity == entity_key:
            ids.add(row.source_id)
        if row.target_entity == entity_key:
            ids.add(row.target_id)
    if not ids:
        return []
    model = access.resolve(entity_key).model
    return (tenancy.scoped_query(model, record.owner_company if hasattr(record, "owner_company") else None)
            .filter(model.id.in_(sorted(ids))).order_by(model.id).all())


@dataclass(frozen=True)
class ShownLink:
    """One linked record as a page shows it."""

    direction: str        # "to": this record → other; "from": other → this record
    kind: str
    entity: Entity
    record: Any
    url: str | None
    created_at: Any

    @property
    def label(self) -> str:
        """What the other record is (便签, Task) in the user's language: the
        entity's label, or for an entity named by its screen (a plugin that
        declares none) the screen's own, translated, name."""
        registry = EntityRegistry.current()
        if self.entity.key in registry.implicit:
            for view in current_app.extensions["qdesk.plugins"].admin_views:
                if view.model is self.entity.model and getattr(view, "name", None):
                    return str(view.name)
        return self.entity.label()

    @property
    def title(self) -> str:
        return record_title(self.record)


def record_title(record: Any) -> str:
    """The record's number (a sequence's) when it has one, else its text."""
    from core.sequences import record_number_of
    number = record_number_of(record)
    text = str(record)
    if number and number not in text:
        return f"{number} {text}".strip()
    return text or f"#{record.id}"


def record_url(record: Any) -> str | None:
    """The details page of ``record`` on its screen, or None when it has none."""
    registry = current_app.extensions["qdesk.plugins"]
    for view in registry.admin_views:
        if view.model is type(record):
            try:
                return url_for(f"{view.endpoint}.details_view", id=record.id)
            except Exception:  # noqa: BLE001 - a screen without a details page
                return None
    return None


def list_url(model: type) -> str | None:
    """The list screen of ``model`` (``/admin/after_sales/workorder/``), or
    None when no screen shows it: a tile's link."""
    registry = current_app.extensions["qdesk.plugins"]
    for view in registry.admin_views:
        if view.model is model:
            return f"{view.url}/"
    return None


def visible_links(record: Any) -> list[ShownLink]:
    """The links of ``record`` the current user may see: the other record's
    module is enabled for the company and the user may read it (loaded
    through :mod:`core.records.access`, one query per kind of record)."""
    registry = EntityRegistry.current()
    wanted: dict[str, list[tuple[str, RecordLink, int]]] = {}
    for row in links_of(record):
        mine = (row.source_entity, row.source_id) == (entity_key_of(record), record.id)
        other_key, other_id = (row.target_entity, row.target_id) if mine else (row.source_entity, row.source_id)
        wanted.setdefault(other_key, []).append(("to" if mine else "from", row, other_id))
    shown: list[ShownLink] = []
    for key, uses in wanted.items():
        entity = registry.by_key.get(key)
        if entity is None:  # its plugin is no longer installed
            continue
        try:
            others = {r.id: r for r in access.records(entity, [pk for _d, _row, pk in uses])}
        except DomainError:  # module disabled here, or not readable by this user
            continue
        for direction, row, pk in uses:
            other = others.get(pk)
            if other is not None:
                shown.append(ShownLink(direction, row.kind, entity, other, record_url(other), row.created_at))
    return sorted(shown, key=lambda s: (s.created_at, s.record.id))
