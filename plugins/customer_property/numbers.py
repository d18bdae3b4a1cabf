"""登记编号 of the register (core.sequences); its prefix is a company setting, declared by core."""
from core.sequences import Sequence


def sequences() -> list[Sequence]:
    from .models import PropertyItem
    return [Sequence("customer_property.item", PropertyItem, "number", pattern="{prefix}-{yyyy}-{n:04d}",
                     reset="yearly", prefix_setting="customer_property.item.prefix", default_prefix="GKCC",
                     label_zh="顾客财产登记", label_en="Customer property")]
