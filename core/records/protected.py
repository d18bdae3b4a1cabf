"""Records the people they name may read but never change
(``Entity(protected_from=("accused",))``): the person a complaint is about
must not destroy evidence or give false evidence (AS-61, 被投诉人不得销毁、
灭失有关证据或提供伪证), so whatever their role they can neither edit the
complaint, fire its workflow nor delete it. Their attachments stay theirs
to add (a statement), never to remove (``Attachments(protected_from=)``).

Checked before every flush, whatever made the change (a screen, an
inline edit, an import, code): :class:`NamedInRecord`, nothing saved. The
people are those the fields name before the change and after it, so
nobody takes their own name out of a record to change it. A system run
(no current user) is not refused.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core.errors import Invalid
from core.i18n import join_names, translate as _gettext

__all__ = ["NamedInRecord", "named_users"]


class NamedInRecord(Invalid):
    """A person a record names in its entity's ``protected_from`` changed it; nothing was saved."""


def _user_id(item: Any) -> int | None:
    from core.models import User
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    # A login is named by its id; anything else (an employee, which has an
    # e-mail of its own too) by its ``user_id``.
    uid = item.id if isinstance(item, User) else getattr(item, "user_id", None)
    return uid if isinstance(uid, int) else None


def named_users(record: Any, fields: tuple[str, ...], before: bool = False) -> set[int]:
    """Ids of the users ``record`` names in ``fields`` (a user, an object
    with ``user_id``, or a user id); with ``before``, also those the fields
    named before the changes not yet flushed."""
    out: set[int] = set()
    state = inspect(record) if before else None
    for name in fields:
        values = [getattr(record, name, None)]
        if state is not None and name in state.attrs:
            values += list(state.attrs[name].history.deleted or ())
        for value in values:
            for item in value if isinstance(value, (list, tuple, set)) else [value]:
                uid = _user_id(item) if item is not None else None
                if uid is not None:
                    out.add(uid)
    return out


@event.listens_for(Session, "before_flush")
def _refuse_the_named(session: Session, flush_context: Any, instances: Any) -> None:
    from core.records import tenancy
    from core.records.entities import EntityRegistry
    registry = EntityRegistry.current_or_none()
    user = tenancy.current_user() if registry is not None else None
    if user is None:
        return
    for obj in [*session.dirty, *session.deleted]:
        entity = registry.entity_of(type(obj))
        fields = getattr(entity, "protected_from", ()) if entity is not None else ()
        if not fields or (obj not in session.deleted and not session.is_modified(obj)):
            continue
        if user.id in named_users(obj, fields, before=True):
            raise NamedInRecord(_gettext("You are named in this record (%(who)s): you may read it, but not "
                                         "change it; nothing was saved.",
                                         who=join_names(_field_labels(type(obj), fields))))


def _field_labels(model: type, fields: tuple[str, ...]) -> list[str]:
    from core.records.entities import field_label
    return [field_label(model, name) for name in fields]
