"""Notifications and reminders: one inbox and e-mail for every plugin.

A plugin declares the kinds of notification it sends with
``register_notifications`` (:class:`NotificationKind`: key, labels, subject
and body templates in Chinese and English), then calls::

    from core.notify import notify, recipients_for
    notify("tasks.assigned", [task.assignee], record=task,
           context={"title": task.title, "due": task.due_at_utc},
           key=f"tasks.assigned:{task.id}:{task.assignee_id}")

and core does the rest: one :class:`Notification` per recipient (members of
the record's company only) in the caller's transaction, shown in the
recipient's inbox (navbar bell, unread count) in the current company only;
with ``QDESK_MAIL_SERVER`` set, an e-mail in the recipient's language
(``user.locale``, Chinese by default) sent after the commit, retried by the
job ``core.notify_mail`` when it failed; with ``key``, once only per
recipient and company.

Deadline reminders (``core.deadline_due_soon``, ``core.deadline_breached``)
come from the deadline service (:func:`core.deadlines.check_breaches`) and
go to :func:`recipients_for` the record: its creator and whoever the
resolvers added with :func:`add_recipient_resolver` name.
"""
from core.notify.kinds import NotificationKind, NotificationRegistry, UnknownKind, notification_registry, render_for
from core.notify.models import MAIL_STATUSES, Notification
from core.notify.mail import MailConfig, mail_config, retry_failed
from core.notify.sending import add_recipient_resolver, notify, recipient_resolvers, recipients_for
from core.notify.inbox import inbox, mark_all_read, mark_read, unread_count

for _cls in (NotificationKind, NotificationRegistry, UnknownKind):
    _cls.__module__ = "core.notify"

__all__ = ["NotificationKind", "NotificationRegistry", "UnknownKind", "notification_registry", "Notification",
           "MAIL_STATUSES", "MailConfig", "mail_config", "retry_failed", "notify", "recipients_for",
           "add_recipient_resolver", "recipient_resolvers", "render_for", "inbox", "unread_count", "mark_read",
           "mark_all_read", "init_notifications"]


def init_notifications(app, plugins) -> NotificationRegistry:
    """Collect every plugin's ``register_notifications`` at start."""
    return NotificationRegistry.install(app, plugins)
