"""The after-sales record numbers (core.sequences): 协议编号 of service
agreements. The prefix is a company setting, declared by core."""
from core.sequences import Sequence


def sequences() -> list[Sequence]:
    from .models import ServiceAgreement
    return [
        Sequence("after_sales.agreement", ServiceAgreement, "number", pattern="{prefix}-{yyyy}-{n:04d}",
                 reset="yearly", prefix_setting="after_sales.agreement.prefix", default_prefix="FWXY",
                 label_zh="服务协议", label_en="Service agreement"),
    ]
