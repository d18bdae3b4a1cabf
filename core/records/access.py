"""One access layer: who may do what to which record, enforced once.

Every front-end (the admin screens, the printing service, the CLI, later
the REST API) goes through these functions and only translates what they
raise: :class:`~core.errors.NotFound` (404 on a screen), :class:`~core.errors.Forbidden`
(403), :class:`~core.errors.Conflict` (a message, nothing saved) and
:class:`~core.errors.Invalid` (a field error). None of them re-implements a
rule. In order, each function checks:

1. **the module gate**: the entity's module is enabled for the current
   company; if not, the entity does not exist for it (``NotFound``, as for
   an id of another company, so nothing can be probed);
2. **the permission** ``<entity>.<action>`` of the current user there
   (``Forbidden``);
3. **the company scope**: records are loaded through the company-scoped
   query, ids are parsed within the column's range (``NotFound``);
4. for changes, **the version** the user saw (``Conflict``) and the fields
   core keeps (a workflow's state, a sequence's number, a deadline's due
   moment: ``Invalid``);
5. the rest happens at flush, whatever the surface: company links
   (:mod:`core.records`), numbers, clocks, the workflow guard, the audit.

``entity`` is an :class:`~core.records.entities.Entity`, its key (``"crm.contactlog"``)
or its model. A model without a declared entity gets one from its screen
(key ``<plugin>.<screen entity>``), so older plugins are served too.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import inspect as sa_inspect

from core.i18n import translate as _gettext
from core.records import inputs, tenancy
from core.records.entities import Entity, EntityRegistry
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.extensions import db
from core.records import SYSTEM_COLUMNS

__all__ = ["resolve", "can", "require", "query", "get", "records", "scoped", "kept_fields", "Values", "check_owned",
           "create", "update", "check_version", "conflict_message", "archive", "transition"]


def _not_found() -> NotFound:
    return NotFound(_gettext("There is no such record."))


def resolve(entity: Entity | str | type) -> Entity:
    """The :class:`~core.records.entities.Entity` meant by ``entity`` (a key, a
    model or the entity itself); ``KeyError`` for one nobody declares (a
    programming error, not a user's)."""
    if isinstance(entity, Entity):
        return entity
    registry = EntityRegistry.current()
    found = registry.by_key.get(entity) if isinstance(entity, str) else registry.entity_of(entity)
    if found is None:
        raise KeyError(f"no entity {entity!r} (declared: {', '.join(sorted(registry.by_key)) or 'none'})")
    return found


def can(entity: Entity | str | type, action: str) -> bool:
    """Whether the current user may ``action`` on ``entity`` in the current
    company (module enabled, permission held): for menus and buttons."""
    from core.records.permissions import has_permission
    ent = resolve(entity)
    return (tenancy.current_company() is not None and tenancy.module_enabled(ent.module)
            and has_permission(ent.permission(action)))


def require(entity: Entity | str | type, action: str) -> Entity:
    """The entity, if the current user may ``action`` on it here; else
    ``NotFound`` (no company, or the module is disabled for it) or
    ``Forbidden`` (the permission is not held). A system run (CLI, job:
    a company and no user) may do anything in its company."""
    from core.records.permissions import has_permission
    ent = resolve(entity)
    if tenancy.current_company() is None or not tenancy.module_enabled(ent.module):
        raise _not_found()
    if tenancy.acting_as_system():
        return ent  # qdesk print, jobs
    if not has_permission(ent.permission(action)):
        raise Forbidden(_gettext("You may not do this here (%(permission)s).", permission=ent.permission(action)))
    return ent


def query(entity: Entity | str | type, archived: bool = False) -> Any:
    """The current company's records of ``entity`` the user may read (the
    archived ones only with ``archived=True``)."""
    ent = require(entity, "read")
    q = tenancy.scoped_query(ent.model)
    if not archived and hasattr(ent.model, "archived_at"):
        q = q.filter(ent.model.archived_at.is_(None))
    return q


def get(entity: Entity | str | type, record_id: Any, action: str = "read") -> Any:
    """The current company's record ``record_id`` (archived ones included)
    if the user may ``action`` on it; ``NotFound`` for an id of another
    company, one that does not exist and anything that is not an id."""
    ent = require(entity, action)
    pk = inputs.parse_id(record_id)
    if pk is None:
        raise _not_found()
    record = tenancy.scoped_query(ent.model).filter(ent.model.id == pk).one_or_none()
    if record is None:
        raise _not_found()
    return record


def records(entity: Entity | str | type, ids: Iterable[Any], action: str = "read",
            strict: bool = False) -> list[Any]:
    """The current company's records among ``ids``, in the order given, if
    the user may ``action`` on ``entity``. Ids of other companies (and
    non-ids) are dropped, or with ``strict`` make the whole call ``NotFound``."""
    return scoped(require(entity, action).model, ids, strict)


def scoped(model: type, ids: Iterable[Any], strict: bool = False) -> list[Any]:
    """The company scope alone (for a caller that has checked the gate and
    a permission of its own, e.g. a printable's): the current company's
    records of ``model`` among ``ids``, as :func:`records`."""
    wanted: list[int] = []
    for raw in ids:
        pk = inputs.parse_id(raw)
        if pk is None:
            if strict:
                raise _not_found()
            continue
        if pk not in wanted:
            wanted.append(pk)
    found = {r.id: r for r in tenancy.scoped_query(model).filter(model.id.in_(wanted)).all()} if wanted else {}
    if strict and (len(found) != len(wanted) or not found):
        raise _not_found()
    return [found[pk] for pk in wanted if pk in found]


def kept_fields(model: type) -> dict[str, str]:
    """The fields of ``model`` that only core sets, with what keeps them:
    the workflow's state field, the numbers of sequences no user sets, the
    due moments of deadlines. Screens leave them out of forms, inline edits
    and imports; :func:`create` and :func:`update` refuse them."""
    from core.deadlines import deadlines_for
    from core.sequences import number_fields
    from core.workflow import workflow_for
    kept = {name: "sequence" for name in number_fields(model)}
    workflow = workflow_for(model)
    if workflow is not None:
        kept[workflow.field] = f"workflow {workflow.key}"
    for d in deadlines_for(model):
        kept[d.due_field] = f"deadline {d.key}"
    return kept


#: What :func:`create` and :func:`update` apply: ``{field: value}``, or a
#: front-end's own way of setting a record's fields (a form's
#: ``populate_obj``, with its inline rows and uploads), called with the record.
Values = Mapping[str, Any] | Callable[[Any], None]


def _refuse_kept(name: str) -> Invalid:
    return Invalid(_gettext("%(field)s is kept by qdesk and cannot be set; nothing was saved.", field=name),
                   field=name)


def _kept_names(ent: Entity) -> set[str]:
    return set(kept_fields(ent.model)) | set(SYSTEM_COLUMNS) | {"archived_at"}


def _apply(ent: Entity, record: Any, values: Values) -> None:
    """Set ``values`` on ``record``: ``Invalid`` for a field core keeps or
    stamps, named in a mapping or changed by a front-end's function."""
    refused = _kept_names(ent)
    if not callable(values):
        for name in values:
            if name in refused:
                raise _refuse_kept(name)
        for name, value in values.items():
            setattr(record, name, value)
        return
    values(record)
    state = sa_inspect(record)
    for name in sorted(refused):
        if name in state.mapper.attrs and any(v is not None for v in state.attrs[name].history.added):
            raise _refuse_kept(name)


def check_owned(record: Any) -> None:
    """``NotFound`` unless ``record`` belongs to the current company: a
    record handed in by a caller (however it was loaded) is checked again
    before it is changed."""
    if getattr(record, "company_id", None) != tenancy.require_company().id:
        raise _not_found()


def create(entity: Entity | str | type, values: Values) -> Any:
    """A new record of ``entity`` in the current company, flushed (the
    caller commits). ``Invalid`` for a field core keeps; the flush raises
    the rules' own errors (a foreign link, a locked state...)."""
    ent = require(entity, "create")
    record = ent.model()
    # Filled outside the session: a query a front-end's step makes (a
    # setting, a lookup) must not autoflush the half-filled record through a
    # relationship it was just attached to (SQLAlchemy warns and skips it).
    with db.session.no_autoflush:
        _apply(ent, record, values)
    db.session.add(record)
    db.session.flush()
    return record


def check_version(record: Any, expected: Any) -> None:
    """``Conflict`` unless ``expected`` is the record's stored version (the
    one the user saw). A record without versions passes."""
    current = getattr(record, "version", None)
    if current is None:
        return
    if expected in (None, "") or str(expected) != str(current):
        raise Conflict(conflict_message(current))


def conflict_message(version: Any) -> str:
    """What the second of two concurrent saves is told (nothing was written)."""
    return _gettext(
        "This record was changed by someone else while you were editing it (now version "
        "%(version)s). Your changes were not saved: reopen the record to see the current "
        "values and make your change again.", version=version)


def update(record: Any, values: Values, expected_version: Any,
           entity: Entity | str | type | None = None, reason: str | None = None) -> Any:
    """Change ``record`` (of the current company) to ``values`` if the user
    may write it and saw its current version (``expected_version``: what the
    user's page or the caller read; a code path that just loaded the record
    passes ``record.version``). Flushed; the caller commits. ``entity``
    defaults to the record's model's. ``reason``: why, for the columns
    whose change needs one (:mod:`core.records.reasons`), kept in the
    audit entry."""
    from core.records.reasons import give_reason
    ent = require(entity if entity is not None else type(record), "write")
    check_owned(record)
    check_version(record, expected_version)
    if reason is not None:
        give_reason(record, reason)
    _apply(ent, record, values)
    db.session.flush()
    return record


def archive(record: Any) -> str:
    """Delete ``record`` if nothing refers to it and it has no history,
    else archive it (:func:`core.records.delete_or_archive`); returns
    ``"deleted"`` or ``"archived"``. The caller commits."""
    from core.records import delete_or_archive
    require(type(record), "delete")
    check_owned(record)
    return delete_or_archive(record)


def transition(record: Any, key: str, comment: str | None = None, expected_version: Any = None) -> Any:
    """Fire the workflow transition ``key`` on ``record`` (the module gate
    and company scope here, the transition's own permission and rules in
    :func:`core.workflow.transition`); with ``expected_version``, only if the
    user saw the current version. The caller commits."""
    from core.workflow import transition as fire
    require(type(record), "read")
    check_owned(record)
    if expected_version is not None:
        check_version(record, expected_version)
    return fire(record, key, comment)
