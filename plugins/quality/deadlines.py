"""The quality deadlines (core.deadlines), one function per concern."""


def deadlines() -> list:
    return [*_complaints(), *_tracking(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    """办结 (AS-57, D-1): 3 working days for a 一般 complaint, 10 for a 重大
    one (two settings, the severity picks: as after_sales picks its urgent
    response), from 接收时间, the day of receipt not counted; met when the
    customer is told (告知顾客, ``informed_at``). A complaint not accepted
    leaves it (void)."""
    import datetime as dt

    from core.deadlines import Deadline

    from .models.complaints import Complaint

    def setting(complaint) -> str:
        return "quality.complaint_major" if complaint.severity == "major" else "quality.complaint_general"

    return [Deadline("quality.complaint.close", Complaint, start="received_at", amount=setting,
                     settings=("quality.complaint_general", "quality.complaint_major"), due_field="close_due",
                     done=("informed", "closed"), met_field="informed_at", void_states=("rejected",),
                     depends=("severity",), notify=("received_by",), remind_before=dt.timedelta(days=1),
                     label_zh="投诉办结", label_en="Complaint closing",
                     tile_zh="逾期未办结投诉", tile_en="Complaints overdue")]


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    import datetime as dt
    from core.deadlines import Deadline
    from .models.tracking import QualityTracking
    # AS-67: solved within 15 working days of 质管部's receipt. Before the
    # receipt (draft, signed) and for a record filed with nothing to solve
    # the deadline does not apply: void states, so it starts at the receipt.
    return [Deadline("quality.tracking.solve", QualityTracking, start="qm_received_at",
                     amount="quality.tracking_solve_within", due_field="solve_due", done=("solved", "closed"),
                     met_field="solved_at", void_states=("draft", "signed", "filed"), notify=("qm_handler",),
                     remind_before=dt.timedelta(days=2),
                     label_zh="质量跟踪问题解决", label_en="Tracked problem solved",
                     tile_zh="逾期未解决的质量跟踪问题", tile_en="Tracked problems overdue")]


# --- capa ---------------------------------------------------------------
def _typed_due(action):
    """The action's own 整改期限: the end of ``due_on`` (calendar days from
    the day it was planned; a due day before it counts as that day)."""
    from core.deadlines import DeadlineRule
    if action.due_on is None or action.planned_at is None:
        return None
    return DeadlineRule(max(0, (action.due_on - action.planned_at.date()).days), "calendar_days")


def _capa() -> list:
    """整改期限 of each CAPA action (AS-77): the due date typed on the action
    (else the company's default from the day it was planned), met when the
    action is done; reminders three days before and when breached go to
    its owner and department head (core.org), and its creator. Core's KPI
    ``quality.capaaction.due.on_time`` is the CAPA 按期完成率."""
    import datetime as dt
    from core.deadlines import Deadline
    from .models.capa import CapaAction
    return [Deadline("quality.capaaction.due", CapaAction, start="planned_at", amount="quality.capa_action_due",
                     override=_typed_due, depends=("due_on",), due_field="due_at", done=("done", "verified"),
                     met_field="done_at", void_states=("cancelled",), remind_before=dt.timedelta(days=3),
                     label_zh="纠正预防措施整改", label_en="CAPA action due",
                     tile_zh="逾期未完成的纠正预防措施", tile_en="Overdue CAPA actions")]
