"""The CRM's workflows (core.workflow).

The contact log: 待答复 → 已答复 → 已关闭. An entry is answered (答复,
stamping 答复时间), then closed; one that needs no answer (a wrong number, a
notice) may be closed straight away, with a comment saying why.

Customer visit reception (seed 001-I 6.2): 待核准 → 已核准 → 已接待. The
project team reports the visit to the 管理者代表 or the 总经理, who approves
it (or does not, saying why): core lets only a holder of either
responsibility fire it, and prints the sign-off in the form's 批准 box. The
visit is then received, once the customer's questions are recorded; a visit
that does not take place is cancelled, with a comment.

The state changes only through these actions."""
from core.workflow import Transition, Workflow

#: Who approves a customer's visit: 管理者代表 or 总经理 (either suffices).
VISIT_APPROVERS = ("core.management_rep", "core.general_manager")


def workflows() -> list[Workflow]:
    from .models import RECEPTION_STATES, STATES, ContactLog, VisitReception
    return [
        Workflow("crm.contactlog", ContactLog, states=STATES, initial="open", transitions=(
            Transition("reply", ("open",), "replied", "答复", "Reply", stamps=("replied_at",),
                       confirm_zh="将所选登记标记为已答复？", confirm_en="Mark the selected entries as replied?"),
            Transition("close", ("replied",), "closed", "关闭", "Close",
                       confirm_zh="关闭所选登记？", confirm_en="Close the selected entries?"),
            Transition("close_unanswered", ("open",), "closed", "无需答复，关闭", "Close without reply",
                       comment="required"),
        )),
        Workflow("crm.visitreception", VisitReception, states=RECEPTION_STATES, initial="requested", transitions=(
            Transition("approve", ("requested",), "approved", "核准", "Approve",
                       signoff=VISIT_APPROVERS, box="approved",
                       confirm_zh="核准所选顾客来访？", confirm_en="Approve the selected customer visits?"),
            Transition("reject", ("requested",), "rejected", "不予核准", "Do not approve",
                       signoff=VISIT_APPROVERS, box="approved", comment="required"),
            Transition("receive", ("approved",), "received", "接待完成", "Mark received",
                       required=("questions",), stamps=("received_at",)),
            Transition("cancel", ("requested", "approved"), "cancelled", "取消来访", "Cancel the visit",
                       comment="required"),
        )),
    ]
