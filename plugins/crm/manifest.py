from core import Manifest

MANIFEST = Manifest(
    key="crm",
    name_zh="客户关系",
    name_en="Customer relations",
    version="0.1.0",
    depends=(),
    category="Sales & service",
    sequence=10,
    description_zh="客户档案、联系人与来电来函来访登记。",
    description_en="Customer archive, contact persons and the log of calls, letters and visits.",
    settings={
        "reply_days_in_province": 2,
        "reply_days_out_of_province": 4,
        "key_customer_visit_days": 30,
    },
)
