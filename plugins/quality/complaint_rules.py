"""The rules of the quality complaint, once, for the screens, the actions,
the imports and the workflow's effects:

* **D-12 severity**: 重大 is suggested when the source is 消协, a court,
  工商局 or 质监局, or the compensation passes the company's threshold
  (``quality.complaint_major_amount``). A new complaint without a chosen
  severity gets the suggestion; afterwards the clerk may change it, and the
  record page shows the suggestion (and why) when it differs.
* **AS-53 evidence**: countable evidence needs 项目、数量、时间、地点、批号
  before the complaint can be accepted (受理); uncountable evidence needs a
  description (T-AS-15). The refusal names the missing fields.
* **AS-48 staff complaint**: a complaint about our own staff names the
  person complained about and needs 销售科's proposal approved by the
  总经理 (a sign-off, plugins/quality/workflows.py) before it is handled;
  the approval tells the 人力资源科 (``quality.hr``) to carry it out.
* **AS-46 legal**: a complaint from the 消协 or a court tells the
  法律事务部 (``quality.legal``), once per complaint.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.errors import Invalid
from core.i18n import join_names, translate as _gettext

from .models.complaints import LEGAL_SOURCES, MAJOR_SOURCES, SOURCES

#: AS-53's five checks for countable evidence, in the seed's order.
COUNTABLE_FIELDS = ("item", "quantity", "occurred_at", "place", "batch")


def _labels() -> dict[str, str]:
    return {"item": _gettext("Item (项目)"), "quantity": _gettext("Quantity (数量)"),
            "occurred_at": _gettext("Time (时间)"), "place": _gettext("Place (地点)"),
            "batch": _gettext("Batch No. (批号)"), "evidence_description": _gettext("Description of the evidence")}


def threshold(company: Any = None) -> Decimal:
    """The company's compensation threshold for 重大 (元)."""
    from core.settings import get_setting
    return Decimal(str(get_setting("quality.complaint_major_amount", company=company)))


def severity_reason(complaint: Any) -> str | None:
    """Why D-12 suggests 重大 for ``complaint`` (anything with ``source``
    and ``compensation_amount``): a phrase, or None (一般)."""
    from core.records.choices import current_label
    if complaint.source in MAJOR_SOURCES:
        return _gettext("the source is %(source)s", source=current_label(SOURCES[complaint.source]))
    amount = complaint.compensation_amount
    limit = threshold(getattr(complaint, "owner_company", None))
    if amount is not None and Decimal(amount) > limit:
        return _gettext("the compensation of %(amount)s yuan is above %(limit)s yuan",
                        amount=f"{Decimal(amount).normalize():f}", limit=f"{limit.normalize():f}")
    return None


def suggested_severity(complaint: Any) -> str:
    """``"major"`` or ``"general"`` by D-12."""
    return "major" if severity_reason(complaint) is not None else "general"


def apply_defaults(complaint: Any) -> None:
    """A new complaint without a chosen severity takes the suggested one."""
    if not complaint.severity:
        complaint.severity = suggested_severity(complaint)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_evidence(complaint: Any) -> list[str]:
    """The fields AS-53 still wants before acceptance (their names)."""
    if complaint.evidence == "countable":
        return [name for name in COUNTABLE_FIELDS if _blank(getattr(complaint, name))]
    if complaint.evidence == "uncountable" and _blank(complaint.evidence_description):
        return ["evidence_description"]
    return []


def check_evidence(complaint: Any) -> None:
    """Effect of "accept": refuse while AS-53's checks are not met (T-AS-15)."""
    missing = missing_evidence(complaint)
    if not missing:
        return
    labels = _labels()
    names = join_names(labels[name] for name in missing)
    if complaint.evidence == "countable":
        raise Invalid(_gettext("Countable evidence must be verified before the complaint is accepted: fill in "
                               "%(fields)s.", fields=names), field=missing[0])
    raise Invalid(_gettext("Uncountable evidence must be described in detail before the complaint is accepted: "
                           "fill in %(fields)s.", fields=names), field=missing[0])


def accept(complaint: Any) -> None:
    """Effect of "accept": the evidence rule, then the legal notice (once)."""
    check_evidence(complaint)
    notify_legal(complaint)


def check_staff_approval(complaint: Any) -> None:
    """Effect of "handle" (and "close"): a complaint about our own staff
    goes on only once the 总经理 approved 销售科's proposal (T-AS-17)."""
    if not complaint.about_staff:
        return
    if complaint.accused is None and complaint.accused_id is None:
        raise Invalid(_gettext("A complaint about our own staff names the person complained about: choose them "
                               "before it is handled."), field="accused")
    if complaint.staff_approved_at is None:
        raise Invalid(_gettext("This complaint is about our own staff: the sales department's proposal needs the "
                               "general manager's approval before the complaint is handled or closed (AS-48)."))


def require_proposal(complaint: Any) -> None:
    """Effect of "approve_staff": only a staff complaint, then HR is told."""
    if not complaint.about_staff:
        raise Invalid(_gettext("Only a complaint about our own staff needs the general manager's approval."))
    if complaint.accused is None and complaint.accused_id is None:
        raise Invalid(_gettext("Choose the person complained about first."), field="accused")
    notify_hr(complaint)


def notify_legal(complaint: Any) -> int:
    """Tell the 法律事务部 of a complaint at the 消协 or a court (AS-46), once."""
    from core.notify import notify
    from core.records.choices import current_label
    if complaint.source not in LEGAL_SOURCES or complaint.id is None:
        return 0
    from core.org import holder_users
    users = holder_users("quality.legal", complaint.owner_company)
    if not users:
        return 0
    return len(notify("quality.complaint_legal", users, record=complaint, key=f"quality.complaint_legal:{complaint.id}",
                      context={"source": current_label(SOURCES[complaint.source]),
                               "description": complaint.description or ""}) or [])


def notify_hr(complaint: Any) -> int:
    """The HR task of AS-48: tell the 人力资源科 the approved proposal."""
    from core.notify import notify
    from core.records import tenancy
    from core.org import holder_users
    users = holder_users("quality.hr", complaint.owner_company)
    if not users:
        return 0
    user = tenancy.current_user()
    accused = complaint.accused
    return len(notify("quality.complaint_hr", users, record=complaint, key=f"quality.complaint_hr:{complaint.id}",
                      context={"by": str(user) if user else "", "accused": str(accused) if accused else "",
                               "proposal": complaint.staff_proposal or ""}) or [])
