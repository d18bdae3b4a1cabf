from core import Manifest

MANIFEST = Manifest(
    key="crm",
    name_zh="客户关系",
    name_en="Customer relations",
    version="0.2.0",
    depends=(),
    category="Sales & service",
    sequence=10,
    description_zh="客户档案与联系人、来电来函来访登记、客户分类、回访与顾客满意度调查。",
    description_en="Customer archive and contacts, the log of calls, letters and visits, customer "
                   "classification, return visits and satisfaction surveys.",
    settings={
        "reply_days_in_province": 2,
        "reply_days_out_of_province": 4,
        "key_customer_visit_days": 30,
    },
)
