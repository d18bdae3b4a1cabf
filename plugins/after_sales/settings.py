"""The after-sales company settings (defaults in the manifest)."""
from core.settings import Setting


def settings() -> list[Setting]:
    return [
        # D-11: 三包 runs for the company's period (default 1 year, seed
        # 002-B 5.1.6) unless the product sets its own.
        Setting("after_sales.warranty_months", "int", min=1, max=120,
                label_zh="三包期（月）", label_en="Warranty period (months)",
                help_zh="产品未单独规定三包期时适用；到期月的对应日为最后一天，没有对应日的，为该月最后一天。",
                help_en="Applies to products without a period of their own; the last day is the corresponding "
                        "date of the last month, or that month's last day when it has none."),
    ]
