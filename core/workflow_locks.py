"""Read-only states of a workflow (``Workflow(locked=..., locked_children=...)``).

A record signed by the 管理者代表 must ship as it was signed; a confirmed
三包 decision must not change under the notice that relied on it. A
workflow names the states in which its record is locked, and the fields
that may still change there (a signed notice's carrier and waybill), and
core refuses any other change at flush, whatever made it (a form, an
import, code), with :class:`RecordLocked` and nothing saved.

What stays possible in a locked state:

* the workflow's own transitions (the state, and the fields they stamp);
* core's columns: the version and the stamps of the record
  (``updated_at``, ``archived_at``...: archiving is not editing), the due
  moments core keeps for the record's deadlines;
* the fields the state lists.

Rows of ``locked_children`` (a notice's lines) can be neither changed,
added nor removed while their parent is in a locked state. The state that
counts is the one the record had before this flush: the transition that
locks it may still carry the last edit with it.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from core.errors import Invalid
from core.records.mixin import SYSTEM_COLUMNS
from core.i18n import translate as _gettext

__all__ = ["RecordLocked", "check_locks"]

#: Columns of CompanyOwnedMixin that core keeps whatever the state (archiving is not editing).
_CORE_COLUMNS = frozenset({*SYSTEM_COLUMNS, "archived_at"})


class RecordLocked(Invalid):
    """A record in one of its workflow's ``locked`` states (or a row of its
    ``locked_children``) was changed; nothing was saved."""


def _state_before(obj: Any, field: str, fired: tuple | None) -> Any:
    if fired is not None:
        return fired[2]  # (workflow, transition, before, comment)
    history = inspect(obj).attrs[field].history
    return history.deleted[0] if history.deleted else getattr(obj, field)


def _due_fields(model: type) -> set[str]:
    """The columns core keeps the model's due moments in (core.deadlines,
    read from the app's registry: core.deadlines builds on the workflows)."""
    from flask import current_app
    registry = current_app.extensions.get("qdesk.deadlines")
    return {d.due_field for d in registry.for_model(model)} if registry is not None else set()


def _changed_columns(obj: Any) -> list[str]:
    state = inspect(obj)
    return [attr.key for attr in state.mapper.column_attrs if state.attrs[attr.key].history.has_changes()]


def _refuse(wf: Any, obj: Any, state: str, part: bool = False) -> RecordLocked:
    if part:  # the parent is unchanged: its name is the one the user knows
        return RecordLocked(_gettext("%(record)s is %(state)s: its lines can no longer be changed; nothing was "
                                     "saved.", record=str(obj) or wf.key, state=wf.state_label(state)))
    return RecordLocked(_gettext("This record is %(state)s: it can no longer be changed; nothing was saved.",
                                 state=wf.state_label(state)))


def _check_record(wf: Any, obj: Any, fired: tuple | None) -> None:
    before = _state_before(obj, wf.field, fired)
    if before not in wf.locked:
        return
    allowed = set(_CORE_COLUMNS) | {wf.field} | set(wf.locked[before])
    allowed |= _due_fields(type(obj))
    if fired is not None:
        allowed |= set(fired[1].stamps) | set(fired[1].restamps)
    if any(name not in allowed for name in _changed_columns(obj)):
        raise _refuse(wf, obj, before)


def _children(registry: Any) -> dict[type, list[tuple[Any, Any]]]:
    """``{child model: [(workflow, relationship), ...]}`` of every ``locked_children``."""
    found: dict[type, list[tuple[Any, Any]]] = {}
    for wf in registry.by_key.values():
        for name in wf.locked_children:
            relation = inspect(wf.model).relationships[name]
            found.setdefault(relation.mapper.class_, []).append((wf, relation))
    return found


def _parent_of(session: Any, child: Any, wf: Any, relation: Any) -> Any:
    """The parent record of a ``locked_children`` row: through its
    many-to-one relation back (a row added to a parent not yet flushed),
    else its foreign key as it was before this flush (a row moved away)."""
    state = inspect(child)
    for back in state.mapper.relationships:
        if not back.uselist and issubclass(back.mapper.class_, wf.model):
            history = state.attrs[back.key].history
            parent = history.deleted[0] if history.deleted and history.deleted[0] is not None else None
            parent = parent if parent is not None else getattr(child, back.key, None)
            if parent is not None:
                return parent
    (column,) = list(relation.remote_side)
    attr = state.mapper.get_property_by_column(column).key
    history = state.attrs[attr].history
    parent_id = history.deleted[0] if (history.deleted and history.deleted[0] is not None) else getattr(child, attr)
    if parent_id is None:
        return None
    with session.no_autoflush:
        return session.get(wf.model, parent_id)


def check_locks(session: Any, registry: Any, pending: dict) -> None:
    """Refuse (:class:`RecordLocked`) a change to a locked record or to a
    locked record's children in this flush; called by the workflow guard
    before flush with the transitions pending in it."""
    if not any(wf.locked for wf in registry.by_key.values()):
        return
    for obj in session.dirty:
        wf = registry.workflow_of(type(obj))
        if wf is not None and wf.locked and session.is_modified(obj, include_collections=False):
            _check_record(wf, obj, pending.get(obj))
    children = _children(registry)
    if not children:
        return
    # session.dirty is a new set at each access: take it once, so that a row
    # merely touched (a form setting the values it had) is told apart.
    dirty = session.dirty
    for rows in (session.new, dirty, session.deleted):
        for child in list(rows):
            for wf, relation in children.get(type(child), ()):
                if rows is dirty and not session.is_modified(child, include_collections=False):
                    continue
                parent = _parent_of(session, child, wf, relation)
                if parent is None or parent in session.new:  # a record being created: nothing was signed yet
                    continue
                fired = pending.get(parent)
                before = _state_before(parent, wf.field, fired)
                if before in wf.locked:
                    raise _refuse(wf, parent, before, part=True)
