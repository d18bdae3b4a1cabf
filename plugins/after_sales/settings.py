"""The after-sales company settings (defaults in the manifest).

The urgent and per-channel targets are optional: empty, the general target
applies (A7: a hotline may answer within 30 minutes while a letter keeps the
24 hours). Which one counts for an order: deadlines.py.
"""
from core.settings import Setting

from .models import CHANNELS


def channel_response_key(channel: str) -> str:
    """The setting of the response target of orders received by ``channel``."""
    return f"after_sales.response_{channel}"


def _channel_response(code: str, zh: str, en: str) -> Setting:
    return Setting(channel_response_key(code), "deadline", optional=True, default=None,
                   label_zh=f"{zh}工单响应时限", label_en=f"Respond to orders by {en.lower()} within",
                   help_zh="留空：按工单响应时限。", help_en="Empty: as the general response target.")


def settings() -> list[Setting]:
    return [
        # D-11: 三包 runs for the company's period (default 1 year, seed
        # 002-B 5.1.6) unless the product sets its own.
        Setting("after_sales.warranty_months", "int", min=1, max=120,
                label_zh="三包期（月）", label_en="Warranty period (months)",
                help_zh="产品未单独规定三包期时适用；到期月的对应日为最后一天，没有对应日的，为该月最后一天。",
                help_en="Applies to products without a period of their own; the last day is the corresponding "
                        "date of the last month, or that month's last day when it has none."),
        Setting("after_sales.response", "deadline", label_zh="工单响应时限", label_en="Respond to orders within",
                help_zh="从接收时间起算（第6.3条：接收信息后24小时内作出反应）；服务协议或工单类别另有规定的从其规定。",
                help_en="Counted from receipt (24 hours, QP-7.5-02 6.3); a service agreement or the order's "
                        "category may promise another time."),
        Setting("after_sales.response_urgent", "deadline", optional=True, default=None,
                label_zh="紧急工单响应时限", label_en="Respond to urgent orders within",
                help_zh="优先级为“紧急”的工单，优先于按渠道的时限；留空：按渠道或工单响应时限。",
                help_en="Orders of priority urgent, before the channel's target; empty: as the channel's or "
                        "the general target."),
        *(_channel_response(code, zh, en) for code, (zh, en) in CHANNELS.items()),
        Setting("after_sales.resolution_in_province", "deadline", label_zh="省内工单解决时限",
                label_en="Resolve in-province orders within",
                help_zh="按天计时不计接收当天，到最后一天24:00止；等待顾客期间暂停计时。",
                help_en="For days, the day of receipt is not counted and the time ends at 24:00 of the last day; "
                        "the clock stops while waiting for the customer."),
        Setting("after_sales.resolution_out_of_province", "deadline", label_zh="省外工单解决时限",
                label_en="Resolve out-of-province orders within",
                help_zh="顾客所在省份与本公司不同时适用。", help_en="For customers whose province differs from the company's."),
        Setting("after_sales.resolution_urgent", "deadline", optional=True, default=None,
                label_zh="紧急工单解决时限", label_en="Resolve urgent orders within",
                help_zh="优先级为“紧急”的工单，不分省内省外；留空：按省内、省外时限。",
                help_en="Orders of priority urgent, wherever the customer is; empty: as in- or out-of-province."),
        Setting("after_sales.report_due", "deadline", label_zh="售后服务报告提交时限",
                label_en="Hand in service reports within",
                help_zh="从返厂日期起算（第6.5条9)：返厂两日内反馈）。",
                help_en="Counted from the engineer's return to the factory (within two days, QP-7.5-02 6.5 9)."),
    ]
