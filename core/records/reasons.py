"""Changes that need a reason: a column declared with
``info={"reason": True}`` may change on a saved record only with a reason,
which core keeps in the change's audit entry (its ``comment``, shown in the
record's history next to the old and new values).

A CAPA action's 整改期限 is such a column: moving a due date is allowed, but
the history must say why (``plugins/quality/models/capa.py``)::

    due_on: Mapped[dt.date | None] = mapped_column(Date, info={"reason": True})

Give the reason before the flush, with :func:`give_reason` (code) or
``access.update(record, values, version, reason=...)``; the edit screens
of such a model show a "Reason for the change" box (``admin/saving.py``).
A change without one is refused at flush, whatever the surface (a screen,
an inline edit, an import, code): :class:`ReasonRequired`, nothing saved.
Setting the column for the first time (on insert, or from empty) needs no
reason.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from core.errors import Invalid
from core.i18n import join_names, translate as _gettext
from core.records.audit import add_audit_comment
from core.records.mixin import CompanyOwnedMixin

__all__ = ["ReasonRequired", "reason_fields", "give_reason", "REASON_MAX"]

#: Longest reason kept (as long as a transition's comment).
REASON_MAX = 2000
_KEY = "qdesk_change_reasons"


class ReasonRequired(Invalid):
    """A column that needs a reason changed without one; nothing was saved."""


def reason_fields(model: type) -> tuple[str, ...]:
    """The columns of ``model`` whose change needs a reason, in table order."""
    try:
        columns = inspect(model).columns
    except Exception:  # noqa: BLE001 - not a mapped class
        return ()
    return tuple(c.key for c in columns if c.info.get("reason"))


def give_reason(record: Any, reason: str | None) -> None:
    """Why ``record``'s reasoned columns change in the coming flush (stripped;
    empty is no reason). Kept in the session until that flush."""
    text = (reason or "").strip()[:REASON_MAX]
    reasons = _reasons()
    if text:
        reasons[record] = text
    else:
        reasons.pop(record, None)


def _reasons() -> dict[Any, str]:
    from core.extensions import db
    return db.session.info.setdefault(_KEY, {})


def _label(model: type, name: str) -> str:
    from core.records.entities import field_label
    return field_label(model, name)


@event.listens_for(Session, "before_flush")
def _require_reasons(session: Session, flush_context: Any, instances: Any) -> None:
    reasons = session.info.get(_KEY) or {}
    for obj in list(session.dirty):
        if not isinstance(obj, CompanyOwnedMixin):
            continue
        names = reason_fields(type(obj))
        if not names:
            continue
        attrs = inspect(obj).attrs
        changed = []
        for name in names:
            hist = attrs[name].history
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if hist.has_changes() and old is not None and old != new:
                changed.append(name)
        if not changed:
            continue
        reason = reasons.pop(obj, None)
        if not reason:
            labels = join_names(_label(type(obj), n) for n in changed)
            raise ReasonRequired(_gettext("Give the reason for changing %(fields)s; nothing was saved.",
                                          fields=labels), field=changed[0])
        add_audit_comment(session, obj, reason)  # a transition in the same flush keeps its entry


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
