"""The audit trail and the ``record_changed`` hook.

After every flush each insert, update, archive and delete of a
company-owned record gets an :class:`~core.models.AuditEntry` with old and
new values, in the same transaction; after commit the per-company hooks are
called for the modules enabled in the record's company.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
import logging
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from core.extensions import db
from core.models import AuditEntry, Company, utcnow
from core.records import tenancy
from core.records.mixin import SYSTEM_COLUMNS, CompanyOwnedMixin
from core.records.parents import label_of, parents_with_collection

log = logging.getLogger("qdesk.records")

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


def add_audit_comment(session: Session, record: Any, comment: str) -> None:
    """Add ``comment`` to ``record``'s audit entry of the coming flush: to
    the comment of a transition firing in it (``"; "`` between), else as the
    comment of a plain update. Called from a ``before_flush`` listener (the
    reason a changed column needs, :mod:`core.records.reasons`)."""
    notes = session.info.get("qdesk_audit_notes", {})
    if record not in notes:
        annotate_audit(session, record, "update", comment=comment)
        return
    action, columns, notify = notes[record]
    joined = "; ".join(c for c in (columns.get("comment"), comment) if c)
    notes[record] = (action, {**columns, "comment": joined}, notify)


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
        for parent, collection in parents_with_collection(obj):
            if entries.get(parent, ("create",))[0] == "create" or not changes:
                continue
            key = f"{collection}[{obj.id}]"
            if action == "create":
                lines = {key: [None, label_of(obj)]}
            elif action == "delete":
                lines = {key: [label_of(obj), None]}
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
        _each_plugin(registry, enabled, "record_changed", company=company, record=record, action=action,
                     changes={k: tuple(v) for k, v in changes.items()})
        if notify is not None:
            hook, arguments = notify
            _each_plugin(registry, enabled, hook, company=company, record=record, user=user, **arguments)


def _each_plugin(registry: Any, enabled: Any, hook: str, **kwargs: Any) -> None:
    """Call the after-commit ``hook`` for core and each plugin enabled in the
    record's company, one plugin at a time: the record is saved already, so
    a plugin that raises is logged (naming it and the record) and the
    others still hear about it; the request that saved it still succeeds."""
    for name, caller in registry.callers(hook, enabled):
        try:
            caller(**kwargs)
        except Exception:  # noqa: BLE001 - third-party code after the commit
            record = kwargs["record"]
            log.exception("plugin %r raised in %s for %s %s (company %s); the record is saved, "
                          "the other plugins were still called", name, hook, type(record).__name__,
                          getattr(record, "id", None), getattr(kwargs.get("company"), "code", "?"))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("qdesk_record_events", None)
    session.info.pop("qdesk_audit_notes", None)
    session.info.pop("qdesk_record_companies", None)
