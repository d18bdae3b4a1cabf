"""Rules of the spare-part notice 备件补发通知单 (JL-7.5-02-1) that hold on
every surface (screen, bulk action, code), not only on its screen.

* :func:`default_charge`: □三包 □有偿 follows the work order's 三包 decision
  (AS-14, AS-16: the outcome that counts, an override once signed) unless
  the clerk chose it; without a decision it is 三包 (the procedure's
  spare parts are 三包 parts, AS-12).
* :func:`require_lines`: the effect of the "sign" transition. The
  管理者代表 signs what is shipped (AS-8: part name, spec, quantity...), so a
  notice without a line has nothing to sign; the transition is refused and
  nothing changes.
"""
from __future__ import annotations

from typing import Any

from core.errors import Invalid
from core.i18n import translate as _gettext

__all__ = ["default_charge", "require_lines"]


def default_charge(work_order: Any) -> str:
    """``"sanbao"`` or ``"paid"``: the effective outcome of the work order's
    三包 decision when it has one, else ``"sanbao"``."""
    from .decisions import decision_of
    decision = decision_of(work_order.id) if work_order is not None else None
    outcome = decision.effective_outcome if decision is not None else None
    return outcome or "sanbao"


def require_lines(notice: Any) -> None:
    """Refuse (:class:`~core.errors.Invalid`) to sign a notice without a line."""
    if not notice.lines:
        raise Invalid(_gettext("%(notice)s has no lines: add the parts to ship (name, quantity) before "
                               "it is signed. Nothing was changed.", notice=str(notice) or _gettext("The notice")),
                      field="lines")

