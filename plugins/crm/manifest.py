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
        "reply_in_province": {"amount": 2, "unit": "calendar_days"},
        "reply_out_of_province": {"amount": 4, "unit": "calendar_days"},
        "key_customer_visit_days": 30,
    },
)
