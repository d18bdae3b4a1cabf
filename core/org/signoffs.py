"""Sign-offs: a transition fired by the holder of a named responsibility.

:func:`core.workflow.transition` calls :func:`record_signoff` when the
transition asks for one; the record page lists them (:func:`signoffs_of`)
and printed forms fill their 经办人 / 审核 / 批准 boxes from them
(:func:`signature_boxes`), which stay blank lines when nobody signed.
"""
from __future__ import annotations

from typing import Any

from core.errors import Invalid
from core.extensions import db
from core.i18n import translate as _gettext
from core.models import utcnow
from core.records import tenancy


def record_signoff(record: Any, transition: Any, responsibility: str, comment: str | None) -> Any:
    """Store that the current user signed ``transition`` of ``record`` as
    ``responsibility`` (in the caller's transaction)."""
    from core.org.models import Signoff
    from core.org.people import employee_of
    if record.id is None:
        raise Invalid(_gettext("Save the record before it is signed off."))
    user = tenancy.current_user()
    employee = employee_of(user, record.owner_company)
    signoff = Signoff(company_id=record.company_id, table_name=record.__tablename__, record_id=record.id,
                      transition=transition.key, responsibility=responsibility, box=transition.box,
                      user_id=user.id, employee_id=employee.id, signer_name=employee.name, at=utcnow(),
                      comment=comment)
    db.session.add(signoff)
    return signoff


def signoffs_of(record: Any) -> list[Any]:
    """The sign-offs of ``record``, oldest first."""
    from core.org.models import Signoff
    if getattr(record, "id", None) is None:
        return []
    return (tenancy.scoped_query(Signoff, record.owner_company)
            .filter(Signoff.table_name == record.__tablename__, Signoff.record_id == record.id)
            .order_by(Signoff.at, Signoff.id).all())


def signature_boxes(record: Any) -> dict[str, dict[str, str]]:
    """``{box: {"name": 王芳, "date": 2026-12-01, "as": 管理者代表}}`` for the
    boxes signed on ``record`` (the latest sign-off of each box); the date
    is the company's local date."""
    from core.calendar.timezone import format_local
    from core.org.responsibilities import ResponsibilityRegistry
    names = ResponsibilityRegistry.current().by_key
    boxes: dict[str, dict[str, str]] = {}
    if not hasattr(record, "owner_company"):  # not a company record: nobody signs it
        return boxes
    for s in signoffs_of(record):
        held = names.get(s.responsibility)
        boxes[s.box] = {"name": s.signer_name, "date": format_local(s.at, record.owner_company, "%Y-%m-%d"),
                        "as": held.label() if held else s.responsibility}
    return boxes
