"""What the example plugin ``tasks`` does besides its screens: reopening a
finished task tells the people who follow it (``core.notify``)."""
from __future__ import annotations

from core.notify import notify, recipients_for
from core.records import tenancy
from core.workflow import transition


def reopen(task, comment: str):
    """Reopen ``task`` (workflow transition ``reopen``, with its required
    comment) and tell :func:`core.notify.recipients_for` the task, but not
    the person reopening it, in the same transaction; the caller commits."""
    transition(task, "reopen", comment=comment)
    user = tenancy.current_user()
    followers = [u for u in recipients_for(task) if user is None or u.id != user.id]
    return notify("tasks.reopened", followers, record=task,
                  context={"by": str(user) if user else "", "comment": comment})
