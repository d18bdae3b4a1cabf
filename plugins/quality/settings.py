"""The quality company settings (defaults in the manifest)."""


def settings() -> list:
    return [*_complaints(), *_tracking(), *_callbacks(), *_capa()]


# --- complaints ---------------------------------------------------------------
def _complaints() -> list:
    """办结 deadlines (AS-57, D-1: amount and unit), the D-12 threshold, the
    printed form's title and code (D-16)."""
    from decimal import Decimal

    from core.settings import Setting
    return [
        Setting("quality.complaint_general", "deadline", label_zh="一般投诉办结时限",
                label_en="Close general complaints within",
                help_zh="从接收时间起算，不计接收当天（第三条(五)：一般投诉一到三个工作日内办结）。",
                help_en="Counted from receipt, the day of receipt not counted (general complaints: within "
                        "one to three working days)."),
        Setting("quality.complaint_major", "deadline", label_zh="重大投诉办结时限",
                label_en="Close major complaints within",
                help_zh="重大投诉不超过十个工作日办结。", help_en="Major complaints: within ten working days."),
        Setting("quality.complaint_major_amount", "decimal", min=Decimal(0),
                label_zh="重大投诉赔付金额阈值（元）", label_en="Compensation making a complaint major (yuan)",
                help_zh="赔付金额超过此数时建议定为重大投诉；来源为消协、法院、工商局、质监局时同样建议。",
                help_en="A compensation above it suggests 重大 (major), as do the sources 消协, court, "
                        "工商局 and 质监局."),
    ]


# --- tracking ---------------------------------------------------------------
def _tracking() -> list:
    from core.settings import Setting
    from .tracking_rules import validate_report_kpis
    return [
        # AS-67: 质管部 solves a tracked problem within 15 working days of its receipt (D-1).
        Setting("quality.tracking_solve_within", "deadline", label_zh="质量跟踪问题解决时限",
                label_en="Solve tracked problems within",
                help_zh="从质管部接收之日起算（第4.6条：15个工作日内解决）；按天计时不计接收当天，到最后一天24:00止。",
                help_en="Counted from 质管部's receipt (002-S 4.6: within 15 working days); the day of receipt "
                        "is not counted and the time ends at 24:00 of the last day."),
        # AS-62 "定期访问": the seed gives no interval; 3 months is our choice.
        Setting("quality.tracking_interval_months", "int", min=1, max=36,
                label_zh="质量跟踪周期（月）", label_en="Track each customer every (months)",
                help_zh="距上次跟踪满该月数（对应日）的顾客列入待跟踪清单并提醒负责人；从未跟踪的顾客也列入。",
                help_en="Customers whose last tracking is this many months ago (the corresponding date) are due "
                        "and their responsible person is reminded; customers never tracked are due too."),
        Setting("quality.report_kpis", "str", max_length=2000, validate=validate_report_kpis,
                label_zh="服务质量报告指标及目标值", label_en="Service quality report: KPIs and targets",
                help_zh="以逗号分隔的“指标键:目标值”，如 after_sales.resolution_rate:95；未注册或未启用的指标不列出。",
                help_en="Comma-separated KPI key:target, e.g. after_sales.resolution_rate:95; KPIs no enabled "
                        "module declares are left out."),
    ]


# --- callbacks ---------------------------------------------------------------
def _callbacks() -> list:
    from core.settings import Setting
    return [
        Setting("quality.callback_sample_percent", "decimal", min=0.01, max=100,
                label_zh="抽访比例（%）", label_en="Sample rate (%)",
                help_zh="直效营销科从100%回访的合格记录中抽访的比例；样本数向上取整，至少1条。",
                help_en="The share of the level-1 qualified records direct marketing calls back; the size is "
                        "rounded up, at least 1."),
        Setting("quality.callback_resample_mode", "choice",
                choices=[("percent", ("按比例", "A per cent")), ("count", ("按条数", "A count"))],
                label_zh="复抽方式", label_en="Re-sample by"),
        Setting("quality.callback_resample_value", "decimal", min=0.01, max=10000,
                label_zh="复抽比例（%）或条数", label_en="Re-sample per cent or count",
                help_zh="顾客服务部从已抽访用户中再随机抽访若干：按比例时为百分数，按条数时为条数；至少1条。",
                help_en="How many of the sampled users customer service calls again: a per cent or a count, "
                        "as the mode says; at least 1."),
    ]


# --- capa ---------------------------------------------------------------
def _capa() -> list:
    from core.settings import Setting
    return [Setting("quality.capa_action_due", "deadline",
                    label_zh="纠正/预防措施默认整改期限", label_en="CAPA action due by default",
                    help_zh="措施未填写整改期限时，从制定措施之日起算；填写了整改期限的，按所填日期。",
                    help_en="Counted from the day the action is planned when it has no due date of its own; "
                            "an action with a due date is due at the end of that day.")]
