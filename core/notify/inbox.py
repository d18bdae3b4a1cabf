"""The current user's inbox in the current company: what the navbar bell
counts and the Inbox screen lists. Every read here is scoped to the
current company (``tenancy.scoped_query``) and to the current user: a
notification of another user, or of another company, does not exist here."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func

from core.errors import NotFound
from core.extensions import db
from core.i18n import translate as _gettext
from core.models import utcnow
from core.notify.models import Notification
from core.records import inputs, tenancy

__all__ = ["inbox", "unread_count", "mark_read", "mark_all_read", "get_own"]


def _own() -> Any:
    user = tenancy.current_user()
    if user is None:
        raise NotFound(_gettext("There is no such notification."))
    return tenancy.scoped_query(Notification).filter(Notification.recipient_id == user.id,
                                                     Notification.archived_at.is_(None))


def inbox(unread_only: bool = False, limit: int = 50, offset: int = 0) -> tuple[list[Notification], int]:
    """The current user's notifications in the current company, newest
    first (``limit`` from ``offset``), and how many there are in all."""
    query = _own()
    if unread_only:
        query = query.filter(Notification.read_at.is_(None))
    total = query.order_by(None).count()
    rows = query.order_by(Notification.created_at.desc(), Notification.id.desc()).offset(offset).limit(limit).all()
    return rows, total


def unread_count() -> int:
    """How many of the current user's notifications in the current company
    are unread (the navbar badge); 0 without a user or company."""
    if tenancy.current_user() is None or tenancy.current_company() is None:
        return 0
    return db.session.execute(_own().filter(Notification.read_at.is_(None))
                              .with_entities(func.count(Notification.id)).statement).scalar_one()


def get_own(notification_id: Any) -> Notification:
    """The current user's notification ``notification_id`` in the current
    company; :class:`~core.errors.NotFound` for any other (another user's,
    another company's, no such id)."""
    pk = inputs.parse_id(notification_id)
    row = _own().filter(Notification.id == pk).first() if pk is not None else None
    if row is None:
        raise NotFound(_gettext("There is no such notification."))
    return row


def mark_read(notification_id: Any) -> Notification:
    """Mark one of the current user's notifications read (the caller commits)."""
    row = get_own(notification_id)
    if row.read_at is None:
        row.read_at = utcnow()
    return row


def mark_all_read() -> int:
    """Mark every unread notification of the current user in the current
    company read; returns how many (the caller commits)."""
    rows = _own().filter(Notification.read_at.is_(None)).all()
    now = utcnow()
    for row in rows:
        row.read_at = now
    return len(rows)
