"""Images of a record on its printed form.

A printable's template places them with :func:`attachment_images` (a
global of the printing environment)::

    {% for image in attachment_images(record) %}<img src="{{ image.print_url }}">{% endfor %}

``image.print_url`` is ``attachment:<id>``, a URL only the printing
service's fetcher resolves (:class:`core.printing.render.StaticOnlyURLFetcher`),
through :func:`print_bytes`: to the bytes of an image attachment of the
current company that belongs to one of the records being printed — never a
file path, never the network.
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterable, Iterator

from core.attachments.models import Attachment
from core.attachments.storage import storage
from core.records import tenancy

SCHEME = "attachment"
# (table, id) of the records the current rendering prints.
_printing: contextvars.ContextVar[frozenset] = contextvars.ContextVar("qdesk_printing_records", default=frozenset())


def attachment_images(record: Any) -> list[Attachment]:
    """The record's image attachments, oldest first (each with ``name``,
    ``print_url``, ``created_at``)."""
    from core.attachments.service import images_of
    return images_of(record) if record is not None else []


@contextlib.contextmanager
def printing(records: Iterable[Any]) -> Iterator[None]:
    """While rendering ``records``: the only records whose images
    :func:`print_bytes` serves."""
    token = _printing.set(frozenset((r.__tablename__, r.id) for r in records))
    try:
        yield
    finally:
        _printing.reset(token)


def print_bytes(url: str) -> tuple[str, bytes]:
    """``(content type, bytes)`` of ``attachment:<id>``; ``LookupError``
    unless it is an image of the current company attached to a record
    being printed."""
    from core.records.entities import EntityRegistry
    from core.records.inputs import parse_id
    _scheme, _, rest = url.partition(":")
    pk = parse_id(rest)
    company = tenancy.current_company()
    found = None
    if pk is not None and company is not None:
        found = tenancy.scoped_query(Attachment).filter(Attachment.id == pk, Attachment.kind == "image",
                                                       Attachment.archived_at.is_(None)).one_or_none()
    entity = EntityRegistry.current().by_key.get(found.entity) if found is not None else None
    if entity is None or (entity.model.__tablename__, found.record_id) not in _printing.get():
        raise LookupError(f"{url[:100]!r} is not an image of a record being printed")
    return found.content_type, storage().open(found.storage_key)
