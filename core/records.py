"""Company-owned records: ownership, stamps, optimistic locking, audit.

A plugin model inherits :class:`CompanyOwnedMixin`; everything else happens
here, once, in SQLAlchemy session events:

* ``company_id`` is stamped from the current company on insert (never from
  user input) and cannot be moved to another company;
* a link to another record (a many-to-one relation or a foreign-key column,
  set by a form, an import, a hidden field or code) must point at a record
  of the same company, or a member of it for users; anything else, a
  non-existent id included, raises :class:`core.errors.ForeignRecord` and
  nothing is written;
* a change to a record that is part of a parent (the parent declares the
  collection of them, e.g. a customer's ``contacts``) bumps the parent's
  version and shows in the parent's history;
* created/updated by and at are stamped;
* the ``version`` column is SQLAlchemy's ``version_id_col``: an UPDATE whose
  version no longer matches raises ``StaleDataError`` instead of overwriting;
* every insert, update, archive and delete writes an :class:`AuditEntry`
  with old and new values, in the same transaction;
* :func:`delete_or_archive` deletes a record only when it has no history and
  nothing points at it; otherwise it archives it;
* after commit, the ``record_changed`` hook is called for the plugins enabled
  in the record's company.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import logging
from dataclasses import dataclass
from typing import Any, Iterable

from flask import current_app, has_app_context
from sqlalchemy import DateTime, ForeignKey, Integer, event, insert, inspect, select
from sqlalchemy.orm import Mapped, RelationshipDirection, Session, declared_attr, mapped_column

from core.i18n import translate as _gettext
from core import tenancy
from core.errors import ForeignRecord
from core.extensions import db
from core.models import AuditEntry, Company, Membership, User, stamp_info, utcnow

log = logging.getLogger("qdesk.records")

# Columns maintained by core; never shown in forms nor reported as changes.
SYSTEM_COLUMNS = ("id", "company_id", "created_at", "created_by_id", "updated_at",
                  "updated_by_id", "version")


class CompanyOwnedMixin:
    """Columns and behaviour of every record that belongs to a company."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Stamps: naive UTC, set by core, shown in the company's zone (core.timezone).
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, info=stamp_info())
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info=stamp_info())
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info=stamp_info())

    @declared_attr
    def company_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("companies.id"), index=True, nullable=False)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def owner_company(self) -> Any:
        """The company the record belongs to; before its first flush (no
        ``company_id`` yet) the current company, which core will stamp."""
        from core import tenancy
        from core.models import Company
        if self.company_id is not None:
            return db.session.get(Company, self.company_id)
        return tenancy.current_company()

    def has_history(self) -> bool:
        """Whether the record changed since creation (then it is archived,
        not deleted)."""
        return db.session.query(AuditEntry.id).filter(
            AuditEntry.table_name == self.__tablename__,
            AuditEntry.record_id == self.id,
            AuditEntry.action != "create",
        ).first() is not None

    def is_referenced(self) -> bool:
        """Whether any other row points at this record (a foreign key to its
        table, in any installed plugin, whatever its company or module)."""
        return is_referenced(self)


def is_referenced(record: Any) -> bool:
    """Whether any row of any table has a foreign key to ``record``."""
    table = record.__table__
    for other in db.metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is not table or not fk.column.primary_key:
                continue
            query = select(1).select_from(other).where(fk.parent == record.id)
            if other is table:  # a row pointing at itself does not keep it
                query = query.where(other.c.id != record.id)
            if db.session.execute(query.limit(1)).first() is not None:
                return True
    return False


def delete_or_archive(record: Any) -> str:
    """Delete ``record``, or archive it when it has a history or another
    record points at it (deleting would orphan them, or let a new record
    inherit their link). Returns ``"deleted"`` or ``"archived"``; the caller
    commits. Elsewhere (an inline row removed, code) the database's foreign
    keys refuse to delete a row that others point at.
    """
    if isinstance(record, CompanyOwnedMixin) and (record.has_history() or record.is_referenced()):
        if record.archived_at is None:
            record.archived_at = utcnow()
        return "archived"
    db.session.delete(record)
    return "deleted"


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


def _column_changes(obj: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SYSTEM_COLUMNS:
            continue
        hist = state.attrs[attr.key].history
        if action == "create":
            value = state.attrs[attr.key].value
            if value is not None:
                changes[attr.key] = [None, _json_safe(value)]
        elif action == "delete":
            changes[attr.key] = [_json_safe(state.attrs[attr.key].value), None]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                changes[attr.key] = [_json_safe(old), _json_safe(new)]
    return changes


# --- links between records ----------------------------------------------------

@dataclass(frozen=True)
class _Link:
    """A many-to-one link of a company-owned model that core checks."""

    relation: str | None    # relationship key (None: a bare foreign-key column)
    column: str             # the foreign-key attribute
    target: type            # a company-owned model, or User


def model_of_table(table: Any) -> type | None:
    """The mapped class of ``table`` (a ``Table`` or its name), or None."""
    name = getattr(table, "name", table)
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == name:
            return mapper.class_
    return None


def _checked_target(target: type | None) -> bool:
    return target is not None and (issubclass(target, CompanyOwnedMixin) or target is User)


@functools.cache
def links_of(model: type) -> tuple[_Link, ...]:
    """The links of ``model`` that must stay inside its company: many-to-one
    relations and foreign-key columns to company-owned models and to users
    (core's own stamps excepted)."""
    mapper = inspect(model)
    links: list[_Link] = []
    for rel in mapper.relationships:
        if rel.direction is not RelationshipDirection.MANYTOONE or rel.viewonly:
            continue
        columns = list(rel.local_columns)
        if len(columns) != 1 or not _checked_target(rel.mapper.class_):
            continue
        key = mapper.get_property_by_column(columns[0]).key
        if key not in SYSTEM_COLUMNS:
            links.append(_Link(rel.key, key, rel.mapper.class_))
    covered = {link.column for link in links}
    for attr in mapper.column_attrs:
        if attr.key in covered or attr.key in SYSTEM_COLUMNS or len(attr.columns) != 1:
            continue
        for fk in attr.columns[0].foreign_keys:
            target = model_of_table(fk.column.table)
            if _checked_target(target):
                links.append(_Link(None, attr.key, target))
    return tuple(links)


def _refuse(obj: Any, link: _Link) -> ForeignRecord:
    field = link.relation or link.column
    return ForeignRecord(_gettext(
        "%(field)s: the record chosen does not exist in this company; nothing was saved.",
        field=field), field=field)


def _as_id(value: Any) -> int | None:
    from core.inputs import parse_id  # the one rule for ids (ASCII digits, the column's range)
    return parse_id(value)


def _check_links(session: Session, company: Company | None) -> None:
    """Refuse any new or changed link to a record of another company (or to
    a non-member user, or to an id that does not exist)."""
    by_id: dict[tuple[type, int], list[tuple[Any, _Link, int]]] = {}
    for obj in (*session.new, *session.dirty):
        if not isinstance(obj, CompanyOwnedMixin) or obj in session.deleted:
            continue
        state = inspect(obj)
        for link in links_of(type(obj)):
            if link.relation is not None:
                for target in state.attrs[link.relation].history.added:
                    if target is None:
                        continue
                    if isinstance(target, User):
                        if target.id is not None:
                            by_id.setdefault((User, obj.company_id), []).append((obj, link, target.id))
                        continue
                    owner = target.company_id
                    if owner is None and target in session.new and company is not None:
                        owner = company.id  # stamped below, like obj
                    if owner != obj.company_id:
                        raise _refuse(obj, link)
            for value in state.attrs[link.column].history.added:
                if value is None:
                    continue
                pk = _as_id(value)
                if pk is None:
                    raise _refuse(obj, link)
                by_id.setdefault((link.target, obj.company_id), []).append((obj, link, pk))
    for (target, company_id), uses in by_id.items():
        ids = {pk for _obj, _link, pk in uses}
        if target is User:
            query = select(Membership.user_id).where(Membership.company_id == company_id,
                                                      Membership.user_id.in_(ids))
        else:
            query = select(target.id).where(target.company_id == company_id, target.id.in_(ids))
        found = set(session.connection().execute(query).scalars())
        # Records created in this same flush have no id yet: they are not in by_id.
        for obj, link, pk in uses:
            if pk not in found:
                raise _refuse(obj, link)


# --- parts of a parent ----------------------------------------------------------
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


def _label(record: Any) -> str:
    """How a part is named in its parent's history: its own text, else its id."""
    return str(record) if type(record).__str__ is not object.__str__ else f"#{record.id}"


def _parents(obj: Any) -> Iterable[tuple[Any, str]]:
    """``(parent, collection)`` of ``obj``, including the parent it just left."""
    state = inspect(obj)
    for relation, collection in parents_of(type(obj)):
        hist = state.attrs[relation].load_history()  # the parent may not be loaded yet
        for parent in {*hist.added, *hist.unchanged, *hist.deleted}:
            if parent is not None:
                yield parent, collection


def _touch_parents(session: Session) -> None:
    """A part changed: its parent is saved too (its version goes up, so a
    concurrent editor of the parent gets the conflict message)."""
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not parents_of(type(obj)):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        for parent, _collection in _parents(obj):
            if parent not in session.deleted and inspect(parent).persistent:
                parent.updated_at = utcnow()


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, flush_context: Any, instances: Any) -> None:
    user = tenancy.current_user()
    company = tenancy.current_company()
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, CompanyOwnedMixin):
            if obj.company_id is None:
                if company is None:
                    raise tenancy.NoCurrentCompany(
                        f"cannot create {type(obj).__name__} without a current company")
                obj.company_id = company.id
            elif company is not None and obj.company_id != company.id:
                raise ValueError(f"{type(obj).__name__}: cannot create a record of another "
                                 "company than the current one")
            obj.created_by_id = obj.created_by_id or (user.id if user else None)
            obj.created_at = obj.created_at or now
    # Links first: a part's forged parent id must be refused before the
    # parent is looked up to be touched.
    _check_links(session, company)
    _touch_parents(session)
    for obj in session.dirty:
        if isinstance(obj, CompanyOwnedMixin) and session.is_modified(obj, include_collections=False):
            hist = inspect(obj).attrs.company_id.history
            if hist.deleted and hist.deleted[0] is not None:
                raise ValueError(f"{type(obj).__name__} {obj.id}: a record cannot move to another company")
            obj.updated_at = now
            obj.updated_by_id = user.id if user else None


def annotate_audit(session: Session, record: Any, action: str, notify: tuple[str, dict] | None = None,
                   **columns: Any) -> None:
    """Give ``record``'s audit entry of the coming flush the action
    ``action`` (instead of ``update``) and the extra ``columns`` of
    :class:`~core.models.AuditEntry` (``transition``, ``comment``). With
    ``notify=(hook, arguments)``, that per-company hook is called after the
    commit too, after ``record_changed``, with ``company``, ``record`` and
    ``user`` added (:mod:`core.workflow`: ``record_transitioned``). Called
    from a ``before_flush`` listener."""
    session.info.setdefault("qdesk_audit_notes", {})[record] = (action, columns, notify)


@event.listens_for(Session, "after_flush")
def _audit(session: Session, flush_context: Any) -> None:
    user = tenancy.current_user()
    rows, events = [], session.info.setdefault("qdesk_record_events", [])
    notes = session.info.pop("qdesk_audit_notes", {})
    entries: dict[Any, tuple[str, dict[str, list[Any]]]] = {}
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if isinstance(obj, CompanyOwnedMixin):
                entries[obj] = (action, _column_changes(obj, action))
    # A part's change is also a change of its parent (e.g. "contacts[12].phone").
    # (A parent created with its parts lists only its own columns: each part
    # has its own entry.)
    for obj, (action, changes) in list(entries.items()):
        for parent, collection in _parents(obj):
            if entries.get(parent, ("create",))[0] == "create" or not changes:
                continue
            key = f"{collection}[{obj.id}]"
            if action == "create":
                lines = {key: [None, _label(obj)]}
            elif action == "delete":
                lines = {key: [_label(obj), None]}
            else:
                lines = {f"{key}.{field}": values for field, values in changes.items()}
            entries[parent][1].update(lines)
    for obj, (action, changes) in entries.items():
        if action == "update":
            if not changes:
                continue
            if "archived_at" in changes:
                action_name = "archive" if changes["archived_at"][1] else "restore"
            else:
                action_name = "update"
        else:
            action_name = action
        extra, notify = {"transition": None, "comment": None}, None
        if obj in notes:
            action_name, columns, notify = notes[obj]
            extra.update(columns)
        rows.append(dict(company_id=obj.company_id, table_name=obj.__tablename__,
                         record_id=obj.id, action=action_name, changes=changes,
                         user_id=user.id if user else None, at=utcnow(), **extra))
        # The user object itself: after_commit may not load it.
        events.append((obj.company_id, obj, action_name, changes, notify, user))
    if rows:
        # A Core insert on the flush's own connection: same transaction, and
        # no ORM objects added while the flush is running.
        session.connection().execute(insert(AuditEntry.__table__), rows)
        if has_app_context() and "qdesk.plugins" in current_app.extensions:
            # after_commit may not emit SQL: resolve each company and its
            # enabled modules now, while the transaction is still active.
            companies = session.info.setdefault("qdesk_record_companies", {})
            for company_id in {r["company_id"] for r in rows} - companies.keys():
                company = session.get(Company, company_id)
                companies[company_id] = (company, tenancy.enabled_modules(company))


@event.listens_for(Session, "after_commit")
def _notify(session: Session) -> None:
    events = session.info.pop("qdesk_record_events", [])
    companies = session.info.pop("qdesk_record_companies", {})
    if not events or not has_app_context() or "qdesk.plugins" not in current_app.extensions:
        return
    registry = current_app.extensions["qdesk.plugins"]
    for company_id, record, action, changes, notify, user in events:
        if company_id not in companies:  # flushed outside the app: resolve now
            company = db.session.get(Company, company_id)
            companies[company_id] = (company, tenancy.enabled_modules(company))
        company, enabled = companies[company_id]
        hooks = registry.hook_for(enabled)
        hooks.record_changed(company=company, record=record, action=action,
                             changes={k: tuple(v) for k, v in changes.items()})
        if notify is not None:
            hook, arguments = notify
            getattr(hooks, hook)(company=company, record=record, user=user, **arguments)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("qdesk_record_events", None)
    session.info.pop("qdesk_audit_notes", None)
    session.info.pop("qdesk_record_companies", None)
