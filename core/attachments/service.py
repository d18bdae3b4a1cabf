"""Attaching, listing, reading and removing files, always through the
owning record: :func:`core.records.access.get` of the record with the
action each needs (``read`` to list and download, ``write`` to upload,
``delete`` to remove), so the module gate, the company scope and the
permission are the record's own. An attachment id of another company, of
another record or of an entity that did not opt in is ``NotFound``, like
one that does not exist.

Files and rows stay in step: a stored file whose row is rolled back is
removed, and a deleted row's file is removed only once the delete is
committed (session events below).
"""
from __future__ import annotations

import hashlib
from typing import Any, BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.attachments.content import inspect_upload
from core.attachments.models import Attachment
from core.attachments.storage import storage
from core.errors import Forbidden, Invalid, NotFound
from core.extensions import db
from core.i18n import translate as _gettext
from core.models import utcnow
from core.records import access, tenancy
from core.records.entities import Attachments, Entity

__all__ = ["declared", "listing", "add", "get", "fetch", "remove", "may_remove", "named_users", "images_of"]

_STORED, _DISCARD = "qdesk.attachments.stored", "qdesk.attachments.discard"


def _not_found() -> NotFound:
    return NotFound(_gettext("There is no such attachment."))


def declared(entity: Entity | str | type) -> tuple[Entity, Attachments]:
    """The entity and its :class:`~core.records.entities.Attachments`;
    ``NotFound`` when it did not opt in (there is nothing to attach to)."""
    ent = access.resolve(entity)
    if ent.attachments is None:
        raise _not_found()
    return ent, ent.attachments


def _record(entity: Any, record_id: Any, action: str) -> tuple[Entity, Attachments, Any]:
    ent, decl = declared(entity)
    return ent, decl, access.get(ent, record_id, action)


def _active(ent: Entity, record: Any) -> Any:
    return (tenancy.scoped_query(Attachment)
            .filter(Attachment.entity == ent.key, Attachment.record_id == record.id,
                    Attachment.archived_at.is_(None)))


def listing(entity: Any, record_id: Any) -> list[Attachment]:
    """The record's attachments (archived ones hidden), oldest first."""
    ent, _decl, record = _record(entity, record_id, "read")
    return _active(ent, record).order_by(Attachment.id).all()


def _one(ent: Entity, record: Any, attachment_id: Any) -> Attachment:
    from core.records.inputs import parse_id
    pk = parse_id(attachment_id)
    found = _active(ent, record).filter(Attachment.id == pk).one_or_none() if pk is not None else None
    if found is None:
        raise _not_found()
    return found


def add(entity: Any, record_id: Any, filename: str, data: bytes | BinaryIO) -> Attachment:
    """Attach ``data`` (bytes or a binary file, uploaded as ``filename``;
    at most the size cap and one byte is read) to the record, if the user
    may write it: ``Invalid`` with the sentence to show for a file of a
    kind the entity does not allow (told from the bytes), too big, a zip
    bomb, a name with a folder path, one file too many, or an archived
    record. Flushed; the caller commits (a rollback removes the file)."""
    ent, decl, record = _record(entity, record_id, "write")
    if getattr(record, "archived_at", None) is not None:
        raise Invalid(_gettext("This record is archived: no files can be attached to it."), field="file")
    if _active(ent, record).count() >= decl.max_count:
        raise Invalid(_gettext("This record already has %(n)s attachments, the most allowed here; nothing was "
                               "stored. Remove one first.", n=decl.max_count), field="file")
    upload = inspect_upload(filename, data, decl.kinds, decl.max_bytes)
    store = storage()
    key = store.put(upload.data)
    db.session.info.setdefault(_STORED, []).append((store, key))
    attachment = Attachment(entity=ent.key, record_id=record.id, kind=upload.kind, name=upload.name,
                            content_type=upload.content_type, size=len(upload.data),
                            sha256=hashlib.sha256(upload.data).hexdigest(), storage_key=key)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def get(entity: Any, record_id: Any, attachment_id: Any) -> Attachment:
    """One attachment of the record (not archived), if the user may read the record."""
    ent, _decl, record = _record(entity, record_id, "read")
    return _one(ent, record, attachment_id)


def fetch(entity: Any, record_id: Any, attachment_id: Any) -> tuple[Attachment, bytes]:
    """One attachment of the record and its bytes, if the user may read the record."""
    attachment = get(entity, record_id, attachment_id)
    try:
        return attachment, storage().open(attachment.storage_key)
    except FileNotFoundError:
        raise _not_found() from None


def named_users(record: Any, decl: Attachments) -> set[int]:
    """Ids of the users the record names in ``protected_from`` (a user, an
    object with ``user_id``, or a user id)."""
    from core.records.protected import named_users as named
    return named(record, decl.protected_from)


def _refusal(ent: Entity, decl: Attachments, record: Any) -> str | None:
    user = tenancy.current_user()
    if user is not None and user.id in named_users(record, decl):
        return _gettext("You are named on this %(what)s, so you cannot remove its attachments: they are kept "
                        "as evidence. Nothing was changed.", what=ent.label())
    return None


def may_remove(entity: Any, record: Any) -> bool:
    """Whether the current user may remove the record's attachments (the
    delete permission, and not named in ``protected_from``): for the button."""
    ent, decl = declared(entity)
    return access.can(ent, "delete") and _refusal(ent, decl, record) is None


def remove(entity: Any, record_id: Any, attachment_id: Any) -> str:
    """Remove one attachment of the record, if the user may delete on it:
    ``"deleted"`` (row gone, the file removed at commit) or, for evidence
    (``append_only``, ``protected_from``), ``"archived"`` (kept, hidden,
    audited, the file untouched). A user the record names in
    ``protected_from`` is refused (``Forbidden``, nothing changed). The
    caller commits."""
    ent, decl, record = _record(entity, record_id, "delete")
    attachment = _one(ent, record, attachment_id)
    refusal = _refusal(ent, decl, record)
    if refusal is not None:
        raise Forbidden(refusal)
    if decl.evidence:
        attachment.archived_at = utcnow()
        db.session.flush()
        return "archived"
    db.session.info.setdefault(_DISCARD, []).append((storage(), attachment.storage_key))
    db.session.delete(attachment)
    db.session.flush()
    return "deleted"


def images_of(record: Any) -> list[Attachment]:
    """The record's image attachments of the current company (none when
    its entity did not opt in), for printed forms: no permission check of
    its own, the printing service has checked the printable's."""
    from core.records.entities import entity_of
    ent = entity_of(type(record))
    if ent is None or ent.attachments is None or getattr(record, "company_id", None) is None:
        return []
    if record.company_id != getattr(tenancy.current_company(), "id", None):
        return []
    return _active(ent, record).filter(Attachment.kind == "image").order_by(Attachment.id).all()


# --- files follow the transaction ---------------------------------------------------

@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_STORED, None)
    for store, key in session.info.pop(_DISCARD, []):
        store.delete(key)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_DISCARD, None)
    for store, key in session.info.pop(_STORED, []):
        store.delete(key)
