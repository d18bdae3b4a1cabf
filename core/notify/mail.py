"""E-mail for notifications: SMTP from ``QDESK_MAIL_*``, sent after the commit.

Configuration (``app.config``, i.e. the variables without ``QDESK_``):
``MAIL_SERVER`` (none: inbox only, no error), ``MAIL_PORT`` (25),
``MAIL_FROM``, ``MAIL_USERNAME`` / ``MAIL_PASSWORD`` (login when given),
``MAIL_STARTTLS`` (``1``/``true``: STARTTLS before the login).

A message is rendered in the recipient's language while the caller's
transaction is open (the company's zone is a setting: SQL), kept in the
database session's ``info`` and sent when that transaction commits, never
inside it: a rolled-back change sends nothing, and a slow server does not
hold locks. A failed send is logged and marked ``failed`` on the row; the
job ``core.notify_mail`` (:func:`retry_failed`) sends it again later.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from core.extensions import db
from core.models import utcnow
from core.notify.kinds import render_for
from core.notify.models import Notification

__all__ = ["MailConfig", "mail_config", "Outgoing", "send", "queue_after_commit", "retry_failed", "MAX_ATTEMPTS"]

log = logging.getLogger(__name__)

#: Sends tried per notification before it is given up (the inbox keeps it).
MAX_ATTEMPTS = 5
#: A ``pending`` row older than this was never sent (the process stopped
#: between commit and send): the job sends it.
STALE_PENDING = dt.timedelta(minutes=15)
_PENDING = "qdesk.mail_pending"
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class MailConfig:
    server: str
    port: int
    sender: str
    username: str | None
    password: str | None
    starttls: bool


def mail_config(config: Any = None) -> MailConfig | None:
    """The SMTP settings of ``config`` (default: the app's), or ``None`` when
    no ``MAIL_SERVER`` is configured (then notifications stay in the inbox)."""
    config = config if config is not None else current_app.config
    server = (config.get("MAIL_SERVER") or "").strip()
    if not server:
        return None
    try:
        port = int(config.get("MAIL_PORT") or 25)
    except (TypeError, ValueError):
        log.error("QDESK_MAIL_PORT %r is not a number: using 25", config.get("MAIL_PORT"))
        port = 25
    return MailConfig(server=server, port=port, sender=config.get("MAIL_FROM") or f"qdesk@{server}",
                      username=config.get("MAIL_USERNAME") or None, password=config.get("MAIL_PASSWORD") or None,
                      starttls=str(config.get("MAIL_STARTTLS") or "").strip().lower() in _TRUE)


@dataclass(frozen=True)
class Outgoing:
    """One rendered e-mail of one notification."""

    notification_id: int
    to: str
    name: str
    subject: str
    body: str


def send(cfg: MailConfig, message: Outgoing) -> None:
    """Send one message (UTF-8 subject and body); raises on any failure."""
    mail = EmailMessage()
    mail["From"] = cfg.sender
    mail["To"] = formataddr((message.name, message.to)) if message.name else message.to
    mail["Subject"] = message.subject
    mail.set_content(message.body or message.subject)
    with smtplib.SMTP(cfg.server, cfg.port, timeout=10) as smtp:
        if cfg.starttls:
            smtp.starttls()
        if cfg.username:
            smtp.login(cfg.username, cfg.password or "")
        smtp.send_message(mail)


def _mark(conn: Any, notification_id: int, error: str | None) -> None:
    table = Notification.__table__
    values: dict[str, Any] = {"mail_attempts": table.c.mail_attempts + 1}
    if error is None:
        values.update(mail_status="sent", mailed_at=utcnow(), mail_error=None)
    else:
        values.update(mail_status="failed", mail_error=error[:300])
    conn.execute(update(table).where(table.c.id == notification_id).values(**values))


def queue_after_commit(session: Session, message: Outgoing) -> None:
    """Send ``message`` when ``session``'s transaction commits (dropped on rollback)."""
    session.info.setdefault(_PENDING, []).append(message)


def _deliver(messages: list[Outgoing]) -> None:
    cfg = mail_config()
    if cfg is None:
        return
    results = []
    for message in messages:
        try:
            send(cfg, message)
            results.append((message.notification_id, None))
        except Exception as exc:  # the inbox entry stays; the job retries
            log.warning("e-mail of notification %s to %s failed: %s", message.notification_id, message.to, exc)
            results.append((message.notification_id, f"{type(exc).__name__}: {exc}"))
    # The caller's transaction is over: the outcome is written on a
    # connection of its own.
    with db.engine.begin() as conn:
        for notification_id, error in results:
            _mark(conn, notification_id, error)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    messages = session.info.pop(_PENDING, None)
    if messages and has_app_context():
        _deliver(messages)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def retry_failed(company: Any) -> str:
    """Send again ``company``'s notifications whose e-mail failed (and those
    left ``pending`` for a while), each at most :data:`MAX_ATTEMPTS` times.
    The job ``core.notify_mail``; the caller commits."""
    cfg = mail_config()
    if cfg is None:
        return "no mail server configured"
    stale = utcnow() - STALE_PENDING
    rows = (db.session.query(Notification)
            .filter(Notification.company_id == company.id,
                    (Notification.mail_status == "failed")
                    | ((Notification.mail_status == "pending") & (Notification.created_at < stale)))
            .order_by(Notification.id).all())
    sent = failed = 0
    for row in rows:
        recipient = row.recipient
        if not recipient.email or not recipient.active:
            row.mail_status = "none"
            continue
        try:
            subject, body = render_for(row, recipient.locale, company)
        except KeyError:  # its plugin is no longer installed: nothing to say by mail
            row.mail_status = "none"
            continue
        try:
            send(cfg, Outgoing(row.id, recipient.email, recipient.name or "", subject, body))
        except Exception as exc:
            log.warning("e-mail of notification %s to %s failed again: %s", row.id, recipient.email, exc)
            row.mail_attempts = (row.mail_attempts or 0) + 1
            row.mail_error = f"{type(exc).__name__}: {exc}"[:300]
            row.mail_status = "given_up" if row.mail_attempts >= MAX_ATTEMPTS else "failed"
            failed += 1
            continue
        row.mail_attempts = (row.mail_attempts or 0) + 1
        row.mail_status, row.mailed_at, row.mail_error = "sent", utcnow(), None
        sent += 1
    return f"{sent} e-mail(s) sent, {failed} failed"
