"""The CAPA rules that are the quality procedure's own, run by core's
workflow as transition effects (same transaction, ``Invalid`` refuses and
nothing is saved), and the CAPA made from a source record.

* **start** (措施实施): at least one action is planned;
* **to verification**: no action is still to do (the refusal names them);
* **close**: every action is done and verified **effective** (AS-79); the
  refusal names the actions still open, unverified or not effective. Core
  asks the 管理者代表's sign-off (plugins/quality/workflows.py);
* **cancel**: no action is still to do (cancel or finish them first);
* **verify** an action: the verifier is not its owner, and the user who
  verifies is not its owner either (AS-79: verification by someone else);
* **open** a 重大 CAPA: the holders of ``core.general_manager`` are told
  (AS-77), once per CAPA (notification ``quality.capa_major``);
* **a service report closes** (after_sales, T-AS-16) at once when 技质部
  decided 持续改进; when it decided 需采取纠正/预防措施, only once a CAPA made
  from it has a verification result (closed: every action verified
  effective). Refused through core's ``transition_refused``.
"""
from __future__ import annotations

from typing import Any

from core.errors import Invalid
from core.i18n import join_names, translate as _gettext

#: The source kinds a record of another concern gives, by its entity key.
SOURCE_OF_ENTITY = {"quality.complaint": "complaint", "quality.tracking": "tracking",
                    "after_sales.report": "service_report"}


def _names(actions) -> str:
    return join_names(actions)


def require_actions(capa: Any) -> None:
    """Effect of "start": something is planned."""
    if not capa.live_actions():
        raise Invalid(_gettext("Plan at least one corrective or preventive action first (措施内容, owner, "
                               "department, due date)."))


def require_done(capa: Any) -> None:
    """Effect of "to verification": no action is still to do."""
    waiting = [a for a in capa.live_actions() if a.state == "open"]
    if waiting:
        raise Invalid(_gettext("These actions are not done yet: %(actions)s.", actions=_names(waiting)))


def require_verified(capa: Any) -> None:
    """Effect of "close": every action done and verified effective."""
    live = capa.live_actions()
    if not live:
        raise Invalid(_gettext("This CAPA has no action: it cannot be closed."))
    blocking = [a for a in live if a.state != "verified" or a.effectiveness != "effective"]
    if blocking:
        raise Invalid(_gettext("The CAPA cannot be closed until every action is done and verified effective. "
                               "Still open, unverified or not effective: %(actions)s.",
                               actions=_names(blocking)))


def require_nothing_open(capa: Any) -> None:
    """Effect of "cancel": the actions still to do are cancelled or done first."""
    waiting = [a for a in capa.live_actions() if a.state == "open"]
    if waiting:
        raise Invalid(_gettext("Cancel or finish these actions first: %(actions)s.", actions=_names(waiting)))


def check_verifier(action: Any) -> None:
    """Effect of an action's "verify": nobody verifies their own action."""
    from core.org import employee_of
    from core.records import tenancy
    owner_id = action.responsible_id
    if owner_id is not None and action.verifier_id == owner_id:
        raise Invalid(_gettext("The owner of an action cannot verify it: choose someone else as the verifier."),
                      field="verifier")
    user = tenancy.current_user()
    me = employee_of(user) if user is not None else None
    if owner_id is not None and me is not None and me.id == owner_id:
        raise Invalid(_gettext("You own this action: someone else must verify its effectiveness."))


def escalate(capa: Any) -> None:
    """Effect of "open": a 重大 CAPA is reported to the 总经理 (AS-77)."""
    if capa.severity != "major":
        return
    from core.notify import notify
    from core.org import holder_users
    from core.records import tenancy
    users = holder_users("core.general_manager", capa.owner_company)
    user = tenancy.current_user()
    notify("quality.capa_major", users, record=capa, key=f"quality.capa_major:{capa.id}",
           context={"by": str(user) if user else "", "nonconformity": (capa.nonconformity or "")[:300]})


def source_text(record: Any, kind: str) -> str:
    """The nonconformity a CAPA made from ``record`` starts with: what the
    source says went wrong (its fields, by the names the concerns use: a
    tracking record's problems and those left for 质管部 both count), at
    most two of them; the customer's opinion only when it says nothing else."""
    parts = []
    for name in ("verified_fault", "nonconformity", "problem", "problems", "unsolved_problems", "description",
                 "content", "symptom", "subject"):
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip() and value.strip() not in parts:
            parts.append(value.strip())
        if len(parts) == 2:
            break
    opinion = getattr(record, "opinion", None)
    if not parts and isinstance(opinion, str) and opinion.strip():
        parts.append(opinion.strip())
    cause = getattr(record, "cause_analysis", None)
    text = "\n".join(parts)
    if isinstance(cause, str) and cause.strip() and kind == "service_report":
        text += "\n" + _gettext("Cause found on site: %(cause)s", cause=cause.strip())
    return text.strip()


def capa_from(record: Any, user: Any = None) -> Any:
    """A draft CAPA of ``record`` (a complaint, a tracking record or a
    service report: recognised by its entity key), its nonconformity
    prefilled, made through core's access layer; the caller links and
    commits (core does both for the record action). A service report gets
    the CAPA's number as its ``capa_ref`` (AS-19), and so does a complaint
    (its form's CAPA 单号), through core."""
    from core.links import entity_key_of
    from core.records import access
    kind = SOURCE_OF_ENTITY.get(entity_key_of(record))
    if kind is None:
        raise Invalid(_gettext("A CAPA cannot be made from this record."))
    values = {"source_kind": kind, "source_ref": getattr(record, "number", None) or None,
              "nonconformity": source_text(record, kind) or None}
    for name in ("severity",):  # a 重大 complaint gives a 重大 CAPA
        if getattr(record, name, None) in ("major", "minor"):
            values[name] = getattr(record, name)
    capa = access.create("quality.capa", values)
    if hasattr(record, "capa_ref") and not record.capa_ref:
        access.update(record, {"capa_ref": capa.number}, record.version)
    return capa


def capas_of(record: Any) -> list[Any]:
    """The CAPAs linked to ``record`` (either side of core's record links),
    of the record's company (core's scoped query)."""
    from core.links import entity_key_of, linked_records
    if entity_key_of(record) == "quality.capa":
        return []
    return linked_records(record, "quality.capa")


def report_close_refused(record: Any, workflow: str, transition: str) -> str | None:
    """Why a service report may not close yet (T-AS-16), or None."""
    if (workflow, transition) != ("after_sales.report", "close") or getattr(record, "capa_needed", None) != "yes":
        return None
    capas = [c for c in capas_of(record) if c.state != "cancelled"]
    if not capas:
        return _gettext("技质部 asked for corrective action: create the CAPA (Create CAPA) and close it "
                        "verified before the report closes.")
    if not any(c.state == "closed" for c in capas):
        return _gettext("The report closes when its CAPA %(numbers)s has a verification result (closed, every "
                        "action verified effective).", numbers=", ".join(str(c) for c in capas))
    return None
