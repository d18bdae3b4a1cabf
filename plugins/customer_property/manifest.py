from core import Manifest

MANIFEST = Manifest(
    key="customer_property",
    name_zh="顾客财产",
    name_en="Customer property",
    version="0.1.0",
    depends=("crm",),
    category="Quality",
    sequence=40,
    description_zh="顾客及外部供方财产登记（ISO 9001 8.5.3）：接收验证、标识、存放与保管，领用、消耗、隔离、"
                   "归还与处置的数量始终平衡。",
    description_en="The register of customers' and external providers' property (ISO 9001 8.5.3): receipt "
                   "verification, identification, storage and custody; issues, consumption, quarantine, "
                   "returns and disposals whose quantities always reconcile.",
)
