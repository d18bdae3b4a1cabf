"""The contact log's workflow (core.workflow): 待答复 → 已答复 → 已关闭.

An entry is answered (答复, stamping 答复时间), then closed; one that needs
no answer (a wrong number, a notice) may be closed straight away, with a
comment saying why. The state changes only through these actions."""
from core.workflow import Transition, Workflow


def workflows() -> list[Workflow]:
    from .models import STATES, ContactLog
    return [
        Workflow("crm.contactlog", ContactLog, states=STATES, initial="open", transitions=(
            Transition("reply", ("open",), "replied", "答复", "Reply", stamps=("replied_at",),
                       confirm_zh="将所选登记标记为已答复？", confirm_en="Mark the selected entries as replied?"),
            Transition("close", ("replied",), "closed", "关闭", "Close",
                       confirm_zh="关闭所选登记？", confirm_en="Close the selected entries?"),
            Transition("close_unanswered", ("open",), "closed", "无需答复，关闭", "Close without reply",
                       comment="required"),
        )),
    ]
