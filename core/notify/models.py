"""The stored notification: one row per recipient, in the record's company."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User, stamp_info
from core.records import CompanyOwnedMixin

__all__ = ["Notification", "MAIL_STATUSES"]

#: ``none``: no e-mail (no server configured, or the user has no address);
#: ``pending``: to be sent after the commit; ``sent``; ``failed``: retried
#: by the job ``core.notify_mail``; ``given_up``: failed too often.
MAIL_STATUSES = ("none", "pending", "sent", "failed", "given_up")


class Notification(CompanyOwnedMixin, db.Model):
    """One notification of one user in one company (``core.notify.notify``)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # Once-only: a reminder key is used at most once per recipient and company.
        UniqueConstraint("company_id", "recipient_id", "dedupe_key"),
        # The inbox and its unread badge: a user's notifications in a company.
        Index("ix_notifications_inbox", "company_id", "recipient_id", "read_at"),
    )

    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(80))
    #: The record it is about: its entity key (``tasks.task``) and id.
    entity: Mapped[str | None] = mapped_column(String(80))
    record_id: Mapped[int | None] = mapped_column(Integer)
    #: The kind's template values (JSON; date-times as ``{"$utc": iso}``),
    #: with ``record`` (the record as text) and ``company``.
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info=stamp_info())
    mail_status: Mapped[str] = mapped_column(String(10), default="none")
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    mailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info=stamp_info())
    mail_error: Mapped[str | None] = mapped_column(String(300))

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])

    def has_history(self) -> bool:
        # Reading a notification is no history worth keeping it for.
        return False

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
