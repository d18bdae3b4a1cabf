"""``notify``: store one notification per recipient in the caller's
transaction and queue its e-mail for after the commit; who is told about a
record (``recipients_for`` and its resolvers)."""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import select

from core.extensions import db
from core.models import Company, Membership, User
from core.notify.kinds import NotificationKind, dump_context, notification_registry
from core.notify.mail import Outgoing, mail_config, queue_after_commit
from core.notify.models import Notification
from core.records import tenancy

__all__ = ["notify", "recipients_for", "add_recipient_resolver", "recipient_resolvers"]

log = logging.getLogger(__name__)

#: Functions ``record -> iterable of users`` adding who is told about a record.
_RESOLVERS: list[Callable[[Any], Iterable[User]]] = []


def add_recipient_resolver(fn: Callable[[Any], Iterable[User]]) -> Callable[[Any], Iterable[User]]:
    """Add ``fn(record) -> users`` to :func:`recipients_for` (the record's
    responsible employee, the department head, ...). Called once, at import
    of the module that owns the rule; adding the same function again does
    nothing. Returns ``fn`` (usable as a decorator)."""
    if fn not in _RESOLVERS:
        _RESOLVERS.append(fn)
    return fn


def recipient_resolvers() -> tuple[Callable[[Any], Iterable[User]], ...]:
    """The resolvers added so far, in order."""
    return tuple(_RESOLVERS)


def recipients_for(record: Any) -> list[User]:
    """Who is told about ``record`` (deadline reminders): its creator
    (``created_by_id``) and every user the resolvers return, each once, in
    that order. Who is not a member of the record's company is dropped by
    :func:`notify`."""
    found: list[User] = []
    creator_id = getattr(record, "created_by_id", None)
    if creator_id is not None:
        creator = db.session.get(User, creator_id)
        if creator is not None:
            found.append(creator)
    for resolver in _RESOLVERS:
        found.extend(u for u in resolver(record) or () if u is not None)
    unique: dict[int, User] = {}
    for user in found:
        unique.setdefault(user.id, user)
    return list(unique.values())


def _record_company(record: Any) -> Company:
    company_id = getattr(record, "company_id", None)
    if company_id is not None:
        return db.session.get(Company, company_id)
    company = tenancy.current_company()
    if company is None:
        raise ValueError("notify without a record needs a current company (tenancy.acting_as)")
    return company


def _members(company: Company, users: Iterable[User]) -> list[User]:
    users = [u for u in users if u is not None and u.active]
    if not users:
        return []
    ids = set(db.session.execute(select(Membership.user_id).where(
        Membership.company_id == company.id, Membership.user_id.in_({u.id for u in users}))).scalars())
    kept = [u for u in users if u.id in ids]
    for u in users:
        if u.id not in ids:
            # A resolver may name someone who left the company: the reminder
            # goes to the others instead of failing the caller's change.
            log.warning("notification not sent to %s: not a member of company %s", u.email, company.code)
    return kept


def _already_sent(company: Company, key: str) -> set[int]:
    return set(db.session.execute(select(Notification.recipient_id).where(
        Notification.company_id == company.id, Notification.dedupe_key == key)).scalars())


def notify(kind: str, recipients: Iterable[User], record: Any = None, context: Mapping[str, Any] | None = None,
           key: str | None = None) -> list[Notification]:
    """Tell ``recipients`` about ``record`` with a notification of ``kind``.

    One :class:`Notification` per recipient is added to the caller's
    transaction (in the record's company, else the current one); the caller
    commits. Recipients who are not active members of that company are
    dropped (logged). With ``key``, once only: a recipient who already has
    a notification with that key in the company gets nothing (a reminder
    sent by the previous run of a job). When a mail server is configured,
    each recipient with an e-mail address gets the notification by mail in
    their own language, sent after the commit.

    :param kind: a declared kind (``core.deadline_breached``); an unknown
        one raises :class:`core.notify.UnknownKind` naming it.
    :param context: the kind's template values (JSON, date-times as UTC stamps).
    :returns: the notifications added.
    """
    declared: NotificationKind = notification_registry().get(kind)
    company = _record_company(record) if record is not None else _record_company(None)
    users = _members(company, recipients)
    if key is not None:
        done = _already_sent(company, key)
        users = [u for u in users if u.id not in done]
    if not users:
        return []
    values = dump_context(context)
    values.setdefault("company", company.name)
    entity = None
    if record is not None:
        from core.records.entities import entity_of
        values.setdefault("record", str(record))
        found = entity_of(type(record))
        entity = found.key if found is not None else None
    cfg = mail_config()
    rows = []
    for user in users:
        row = Notification(company_id=company.id, recipient=user, kind=declared.key, entity=entity,
                           record_id=getattr(record, "id", None), context=values, dedupe_key=key,
                           mail_status="pending" if cfg is not None and user.email else "none")
        db.session.add(row)
        rows.append(row)
    db.session.flush()  # ids for the e-mails; the once-only key checked by the database too
    for row, user in zip(rows, users):
        if row.mail_status == "pending":
            subject, body = declared.render(user.locale, values, company)
            queue_after_commit(db.session(), Outgoing(row.id, user.email, user.name or "", subject, body))
    return rows
