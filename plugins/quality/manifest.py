from core import Manifest

MANIFEST = Manifest(
    key="quality",
    name_zh="质量管理",
    name_en="Quality",
    version="0.1.0",
    depends=("crm", "after_sales"),
    category="Sales & service",
    sequence=30,
    description_zh="质量信息反馈单（顾客投诉）、质量跟踪、100%回访与5%抽访、纠正和预防措施、季度服务质量报告。",
    description_en="Quality complaints (质量信息反馈单), quality tracking, the 100 % callback and 5 % sampling "
                   "chain, corrective and preventive actions (CAPA), the quarterly service quality report.",
    settings={
        # --- complaints (AS-57, D-1: working days) ---
        # 一般投诉一到三个工作日内办结, 重大投诉不超过十个工作日 (002-P 第三条(五)).
        "complaint_general": {"amount": 3, "unit": "working_days"},
        "complaint_major": {"amount": 10, "unit": "working_days"},
        # D-12: a compensation above this (元) suggests 重大.
        "complaint_major_amount": "5000",
        # --- quality tracking (AS-67: 15 working days) ---
        "tracking_solve_within": {"amount": 15, "unit": "working_days"},
        # AS-62 定期访问: no interval in the seed; every 3 months is our choice.
        "tracking_interval_months": 3,
        # The quarterly 服务质量报告: KPI key:target (unknown or disabled keys are skipped).
        "report_kpis": ("after_sales.resolution_rate:95, after_sales.feedback_handling_rate:95, "
                        "after_sales.workorder.response.on_time:95, after_sales.workorder.resolution.on_time:90, "
                        "quality.complaint_rate:3, quality.complaint.close.on_time:95, "
                        "quality.callback_rate:100, quality.sample_satisfaction_rate:95, "
                        "quality.resample_agreement_rate:95, quality.fake_records:0, "
                        "quality.capaaction.due.on_time:90, quality.capa_closed_on_time:90, "
                        "quality.tracking.solve.on_time:95, "
                        "quality.tracked_customers:0"),
        # --- callbacks and sampling (D-8) ---
        # AS-43: 直效营销科 samples 5 % of the qualified records.
        "callback_sample_percent": 5,
        # AS-44 "若干", reading A6: 10 % of the 5 % sample, at least 1.
        "callback_resample_mode": "percent",
        "callback_resample_value": 10,
        # --- CAPA ---
        # An action without a 整改期限 of its own: 30 calendar days from when it is planned.
        "capa_action_due": {"amount": 30, "unit": "calendar_days"},
    },
)
