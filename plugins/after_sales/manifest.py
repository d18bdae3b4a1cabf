from core import Manifest

MANIFEST = Manifest(
    key="after_sales",
    name_zh="售后服务",
    name_en="After-sales service",
    version="0.1.0",
    depends=("crm",),
    category="Sales & service",
    sequence=20,
    description_zh="产品与销售台账（出厂编号）、三包判定、服务协议与承诺。",
    description_en="Products and units sold (serial numbers), the 三包 warranty decision, service agreements "
                   "and commitments.",
    settings={
        # D-11: the company's 三包 period, in months (1 year); a product may
        # set its own.
        "warranty_months": 12,
    },
)
