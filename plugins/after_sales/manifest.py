from core import Manifest

MANIFEST = Manifest(
    key="after_sales",
    name_zh="售后服务",
    name_en="After-sales service",
    version="0.1.0",
    depends=("crm",),
    category="Sales & service",
    sequence=20,
    description_zh="工单（响应与解决时限）、产品与销售台账、服务协议、三包判定、备件补发与三包备件台账、"
                   "售后服务报告单、售后服务知识库。",
    description_en="Work orders with response and resolution deadlines, products and units sold, service "
                   "agreements, the 三包 warranty decision, spare-part notices and the warranty ledger, service "
                   "reports, the knowledge base.",
    settings={
        # D-11: the company's 三包 period, in months (1 year); a product may
        # set its own.
        "warranty_months": 12,
        # AS-2: respond within 24 hours (calendar hours, A1); an urgent
        # order, a channel (a hotline's 0.5 h, A7) or an urgent resolution
        # only when the company sets one (settings.py: optional, empty).
        "response": {"amount": 24, "unit": "hours"},
        # AS-38: 省内不超过二天，省外不超过四天 (calendar days, D-15).
        "resolution_in_province": {"amount": 2, "unit": "calendar_days"},
        "resolution_out_of_province": {"amount": 4, "unit": "calendar_days"},
        # AS-17: 返厂两日内 (calendar days, T-AS-8).
        "report_due": {"amount": 2, "unit": "calendar_days"},
    },
)
