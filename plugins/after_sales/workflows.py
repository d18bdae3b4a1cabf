"""The after-sales workflows (core.workflow); the states change only
through these actions, each stamped and audited by core.

Work order 工单 (AS-27): 已登记 → 已分类 (category and priority; the first
response is stamped here unless typed) → 已派工 (an engineer and the 排故任务
fixed before departure, AS-13) → 处理中 ⇄ 等待顾客 (the resolution clock
stands still) → 已解决 (what solved it) → 已回访 (the callback, part 2's
chain starts here) → 已关闭. A resolved, called-back or closed order may be
reopened (why), and the first reopening is stamped: such an order was not
solved at the first attempt (FCR). A duplicate or mistaken order is
cancelled (why).

Service report 售后服务报告单: 填写中 → 已提交 (stamped: on time if within
two days of the return, AS-17) → 技质部已审 (the CAPA decision, AS-19);
reviewed, the report and its parts are locked but for the CAPA reference
and the review notes.

三包 decision: 待确认 → 已确认, or → 改判待批 (an outcome and a reason) →
已改判, signed by the 管理者代表 or the 质量负责人 (or sent back, why).
Confirmed or overridden it is locked; reopening it (why) recomputes it.

Spare-part notice 备件补发通知单 (AS-8, T-AS-10): 待签批 → 已签批 (only the
管理者代表 signs) → 已发货 (生产部: carrier and waybill; a 三包 notice posts
its ledger lines) → 已签收. From 已签批 on the notice and its lines are
locked but for 生产部's shipping fields.
"""
from core.workflow import Transition, Workflow

#: Who signs a 三包 override (a decision against the rules' outcome).
OVERRIDE_SIGNERS = ("core.management_rep", "core.quality_head")
#: Who signs a spare-part notice (AS-8: "经管理者代表签字").
NOTICE_SIGNER = ("core.management_rep",)


def workflows() -> list[Workflow]:
    from .ledger import post_ledger
    from .notices import require_lines
    from .models import (DECISION_STATES, NOTICE_STATES, REPORT_STATES, SOLVED_STATES, STATES, PartNotice,
                         ServiceReport, WarrantyDecision, WorkOrder)
    return [
        Workflow("after_sales.workorder", WorkOrder, states=STATES, initial="recorded", transitions=(
            Transition("classify", ("recorded",), "classified", "分类定级", "Classify",
                       required=("category", "priority"), stamps=("responded_at",)),
            Transition("dispatch", ("classified",), "dispatched", "派工", "Dispatch",
                       required=("responsible", "repair_task"), stamps=("dispatched_at",)),
            Transition("start", ("dispatched",), "in_progress", "开始处理", "Start work", stamps=("started_at",)),
            Transition("wait", ("dispatched", "in_progress"), "waiting", "等待顾客", "Wait for the customer",
                       comment="required"),
            Transition("resume", ("waiting",), "in_progress", "继续处理", "Resume"),
            Transition("resolve", ("in_progress",), "resolved", "已解决", "Resolve",
                       required=("resolution",), stamps=("resolved_at",)),
            Transition("callback", ("resolved",), "callback_done", "回访完成", "Callback done",
                       required=("callback_opinion",), stamps=("callback_at",)),
            Transition("close", ("callback_done",), "closed", "关闭", "Close", stamps=("closed_at",)),
            Transition("reopen", SOLVED_STATES, "in_progress", "重新处理", "Reopen", comment="required",
                       stamps=("reopened_at",)),
            Transition("cancel", ("recorded", "classified", "dispatched"), "cancelled", "取消", "Cancel",
                       comment="required"),
        )),
        Workflow("after_sales.report", ServiceReport, states=REPORT_STATES, initial="draft", transitions=(
            Transition("submit", ("draft",), "submitted", "提交", "Submit",
                       required=("returned_at", "verified_fault", "work_done"), stamps=("submitted_at",)),
            Transition("review", ("submitted",), "reviewed", "技质部审核", "Review (技质部)",
                       required=("capa_needed",), box="checked"),
            Transition("return_draft", ("submitted",), "draft", "退回修改", "Send back", comment="required"),
            # T-AS-16: 持续改进 closes at once; 需采取 once the CAPA is verified
            # (the quality module refuses it before, through transition_refused).
            Transition("close", ("reviewed",), "closed", "关闭", "Close", stamps=("closed_at",)),
        ), locked={"reviewed": ("capa_ref", "review_notes"), "closed": ()}, locked_children=("parts",)),
        Workflow("after_sales.decision", WarrantyDecision, states=DECISION_STATES, initial="open", transitions=(
            Transition("confirm", ("open",), "confirmed", "确认判定", "Confirm"),
            Transition("request_override", ("open",), "override_requested", "申请改判", "Ask to override",
                       required=("override_outcome", "override_reason")),
            Transition("approve_override", ("override_requested",), "overridden", "批准改判", "Approve override",
                       signoff=OVERRIDE_SIGNERS, box="approved"),
            Transition("reject_override", ("override_requested",), "open", "不同意改判", "Refuse override",
                       signoff=OVERRIDE_SIGNERS, box="approved", comment="required"),
            Transition("reopen", ("confirmed", "overridden"), "open", "重新判定", "Decide again",
                       comment="required"),
        ), locked={"confirmed": (), "overridden": ()}),
        Workflow("after_sales.notice", PartNotice, states=NOTICE_STATES, initial="pending", transitions=(
            Transition("sign", ("pending",), "signed", "管理者代表签批", "Sign (管理者代表)",
                       signoff=NOTICE_SIGNER, box="approved", effect=require_lines,
                       confirm_zh="签批所选备件补发通知单？", confirm_en="Sign the selected notices?"),
            Transition("ship", ("signed",), "shipped", "备货发货", "Ship", permission="after_sales.notice.ship",
                       required=("carrier",), stamps=("shipped_at",), effect=post_ledger),
            Transition("receive", ("shipped",), "received", "顾客签收", "Received", stamps=("received_at",)),
            Transition("cancel", ("pending", "signed"), "cancelled", "作废", "Cancel", comment="required"),
        ), locked={"signed": ("carrier", "waybill", "notes"), "shipped": ("waybill", "notes"),
                   "received": ("notes",), "cancelled": ()}, locked_children=("lines",)),
    ]
