"""The quality workflows (core.workflow), one function per concern."""


def workflows() -> list:
    return [*_complaints(), *_tracking(), *_callbacks(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    """质量信息反馈单 along AS-54/AS-55: 已接收 → 已受理 (AS-53's evidence
    checks; a 消协 or court case tells the 法律事务部) → 已鉴定 (the technical
    department's finding) → 已定责 (cause, responsible department and person)
    → [a staff complaint: 总经理 approves 销售科's proposal, AS-48, and HR is
    told] → 已处理 (handling, replacement goods, compensation) → 已确认兑现
    (signed by the 企业管理部门) → 已告知顾客 (date and how) → 已办结. A case
    out of scope (AS-56: counterfeit, transport damage) is not accepted (why).
    Closed, it is locked but for the CAPA reference."""
    from core.workflow import Transition, Workflow

    from .complaint_rules import accept, check_staff_approval, require_proposal
    from .models.complaints import STATES, Complaint
    return [
        Workflow("quality.complaint", Complaint, states=STATES, initial="received", transitions=(
            Transition("accept", ("received",), "accepted", "受理", "Accept",
                       required=("description",), stamps=("accepted_at",), effect=accept),
            Transition("reject", ("received",), "rejected", "不予受理（转办）", "Do not accept (refer)",
                       comment="required"),
            Transition("appraise", ("accepted",), "appraised", "鉴定", "Appraise",
                       required=("appraisal",), stamps=("appraised_at",)),
            Transition("assign", ("appraised",), "analysed", "原因分析与定责", "Cause and responsibility",
                       required=("cause", "liable_department", "liable_person"), stamps=("analysed_at",)),
            Transition("approve_staff", ("analysed",), "staff_approved", "总经理批准处理意见",
                       "Approve the proposal (general manager)", required=("staff_proposal",),
                       signoff=("core.general_manager",), box="checked", stamps=("staff_approved_at",),
                       effect=require_proposal),
            Transition("handle", ("analysed", "staff_approved"), "handled", "处理", "Handle",
                       required=("handling",), stamps=("handled_at",), effect=check_staff_approval),
            Transition("confirm", ("handled",), "confirmed", "企业管理部门确认兑现",
                       "Confirm and pay out (enterprise management)", signoff=("quality.enterprise_management",),
                       box="approved", stamps=("confirmed_at",)),
            Transition("inform", ("confirmed",), "informed", "告知顾客", "Customer informed",
                       required=("informed_on", "informed_how"), stamps=("informed_at",)),
            Transition("close", ("informed",), "closed", "办结", "Close", stamps=("closed_at",),
                       effect=check_staff_approval),
        ), locked={"closed": ("capa_ref", "customer_opinion"), "rejected": ()}),
    ]


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    from core.workflow import Transition, Workflow
    from .models.tracking import TRACKING_STATES, QualityTracking
    from .tracking_rules import check_nothing_open
    return [Workflow("quality.tracking", QualityTracking, states=TRACKING_STATES, initial="draft", transitions=(
        # AS-66: 《质量跟踪记录表》 → head of 销售部 (prints in the 审核 box).
        Transition("sign", ("draft",), "signed", "销售部负责人审核", "Sign (head of sales)",
                   signoff=("quality.sales_head",), box="checked"),
        Transition("file", ("signed",), "filed", "归档（无待解决问题）", "File (nothing left to solve)",
                   effect=check_nothing_open),
        # AS-66/67: → 质管部; its receipt starts the 15 working days (quality.tracking.solve).
        Transition("receive", ("signed",), "received", "质管部接收", "Receive (质管部)",
                   signoff=("quality.qm_receiver",), required=("unsolved_problems",), stamps=("qm_received_at",)),
        Transition("solve", ("received",), "solved", "问题已解决", "Mark solved",
                   required=("cause_analysis", "handling_opinion"), stamps=("solved_at",)),
        Transition("close", ("solved",), "closed", "已告知用户，关闭", "User told: close",
                   required=("user_informed_on",)),
        Transition("reopen", ("solved",), "received", "重新处理", "Reopen", comment="required"),
    ), locked={"filed": (), "closed": ("notes",)})]


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    # A run: open → in progress ("generate": the level-1 list, or the
    # sample drawn, plugins/quality/callbacks_rules.py) → completed (every
    # line has an outcome). A completed run is locked; its lines keep their
    # follow-ups (callbacks_rules.apply_outcome refuses outcome changes).
    from core.workflow import Transition, Workflow
    from .callbacks_rules import fill_run, require_outcomes
    from .models.callbacks import RUN_STATES, CallbackRun
    return [Workflow("quality.callbackrun", CallbackRun, states=RUN_STATES, initial="open", transitions=(
        Transition("generate", ("open",), "in_progress", "生成回访名单/抽样", "Generate the list / draw the sample",
                   required=("period",), effect=fill_run, comment="none",
                   confirm_zh="生成所选回访的名单（抽样）？", confirm_en="Generate the lists of the selected runs?"),
        Transition("complete", ("in_progress",), "completed", "回访完成", "Complete", effect=require_outcomes,
                   confirm_zh="完成所选回访？", confirm_en="Complete the selected runs?"),
    ), locked={"completed": ("notes",)})]


# --- capa ---------------------------------------------------------------
def _capa() -> list:
    """CAPA: 草拟 → 已立项 (the nonconformity, its severity and the immediate
    containment recorded; 重大 tells the 总经理) → 措施实施中 (cause analysis,
    at least one action) → 效果验证中 (no action still to do) → 已关闭
    (every action done and verified effective; signed by the 管理者代表, the
    form's 批准 box); back from verification when an action was not
    effective; cancelled (why) before it closes. Closed or cancelled, it and
    its actions are locked.

    An action: 待实施 → 已完成 (实施情况; stamped) → 已验证 (verifier, date,
    effective or not: never its owner; stamped) ; reopened (why) when not
    effective, then done and verified again; cancelled (why)."""
    from core.workflow import Transition, Workflow
    from .capa_rules import (check_verifier, escalate, require_actions, require_done, require_nothing_open,
                             require_verified)
    from .models.capa import ACTION_STATES, CAPA_STATES, Capa, CapaAction
    return [
        Workflow("quality.capa", Capa, states=CAPA_STATES, initial="draft", transitions=(
            Transition("open", ("draft",), "open", "立项", "Open",
                       required=("nonconformity", "severity", "containment"), stamps=("opened_at",),
                       effect=escalate),
            Transition("start", ("open",), "in_progress", "实施措施", "Start the actions",
                       required=("cause_analysis",), stamps=("started_at",), effect=require_actions),
            Transition("to_verification", ("in_progress",), "verification", "提交效果验证", "Ask for verification",
                       effect=require_done),
            Transition("rework", ("verification",), "in_progress", "退回整改", "Back to the actions",
                       comment="required"),
            Transition("close", ("verification",), "closed", "管理者代表签字关闭", "Close (管理者代表)",
                       signoff=("core.management_rep",), box="approved", stamps=("closed_at",),
                       effect=require_verified),
            Transition("cancel", ("draft", "open", "in_progress"), "cancelled", "取消", "Cancel",
                       comment="required", effect=require_nothing_open),
        ), locked={"closed": (), "cancelled": ()}, locked_children=("actions",)),
        Workflow("quality.capaaction", CapaAction, states=ACTION_STATES, initial="open", transitions=(
            # Done (and verified) again after a rework: the last time counts (restamps).
            Transition("complete", ("open",), "done", "实施完成", "Done", required=("result",),
                       restamps=("done_at",)),
            Transition("verify", ("done",), "verified", "验证效果", "Verify",
                       required=("verifier", "verified_on", "effectiveness"), restamps=("verified_at",),
                       effect=check_verifier),
            Transition("reopen", ("done", "verified"), "open", "重新整改", "Rework", comment="required"),
            Transition("cancel", ("open",), "cancelled", "取消措施", "Cancel", comment="required"),
        ), locked={"verified": ("verification_comment",), "cancelled": ()}),
    ]
