"""Company-owned records: ownership, stamps, optimistic locking, audit.

A plugin model inherits :class:`CompanyOwnedMixin`; everything else happens
here, once, in SQLAlchemy session events:

* ``company_id`` is stamped from the current company on insert (never from
  user input) and cannot be moved to another company;
* created/updated by and at are stamped;
* the ``version`` column is SQLAlchemy's ``version_id_col``: an UPDATE whose
  version no longer matches raises ``StaleDataError`` instead of overwriting;
* every insert, update, archive and delete writes an :class:`AuditEntry`
  with old and new values, in the same transaction;
* after commit, the ``record_changed`` hook is called for the plugins enabled
  in the record's company.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import logging
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import DateTime, ForeignKey, Integer, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from core import tenancy
from core.extensions import db
from core.models import AuditEntry, Company, utcnow

log = logging.getLogger("qdesk.records")

# Columns maintained by core; never shown in forms nor reported as changes.
SYSTEM_COLUMNS = ("id", "company_id", "created_at", "created_by_id", "updated_at",
                  "updated_by_id", "version")


class CompanyOwnedMixin:
    """Columns and behaviour of every record that belongs to a company."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

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
    for obj in session.dirty:
        if isinstance(obj, CompanyOwnedMixin) and session.is_modified(obj, include_collections=False):
            hist = inspect(obj).attrs.company_id.history
            if hist.deleted and hist.deleted[0] is not None:
                raise ValueError(f"{type(obj).__name__} {obj.id}: a record cannot move to another company")
            obj.updated_at = now
            obj.updated_by_id = user.id if user else None


@event.listens_for(Session, "after_flush")
def _audit(session: Session, flush_context: Any) -> None:
    user = tenancy.current_user()
    rows, events = [], session.info.setdefault("qdesk_record_events", [])
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not isinstance(obj, CompanyOwnedMixin):
                continue
            changes = _column_changes(obj, action)
            if action == "update":
                if not changes:
                    continue
                if "archived_at" in changes:
                    action_name = "archive" if changes["archived_at"][1] else "restore"
                else:
                    action_name = "update"
            else:
                action_name = action
            rows.append(dict(company_id=obj.company_id, table_name=obj.__tablename__,
                             record_id=obj.id, action=action_name, changes=changes,
                             user_id=user.id if user else None, at=utcnow()))
            events.append((obj.company_id, obj, action_name, changes))
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
    for company_id, record, action, changes in events:
        if company_id not in companies:  # flushed outside the app: resolve now
            company = db.session.get(Company, company_id)
            companies[company_id] = (company, tenancy.enabled_modules(company))
        company, enabled = companies[company_id]
        registry.hook_for(enabled).record_changed(
            company=company, record=record, action=action,
            changes={k: tuple(v) for k, v in changes.items()})


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("qdesk_record_events", None)
    session.info.pop("qdesk_record_companies", None)
