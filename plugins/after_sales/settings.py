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
        Setting("after_sales.response", "deadline", label_zh="工单响应时限", label_en="Respond to orders within",
                help_zh="从接收时间起算（第6.3条：接收信息后24小时内作出反应）；服务协议或工单类别另有规定的从其规定。",
                help_en="Counted from receipt (24 hours, QP-7.5-02 6.3); a service agreement or the order's "
                        "category may promise another time."),
        Setting("after_sales.response_urgent", "deadline", label_zh="紧急工单响应时限",
                label_en="Respond to urgent orders within",
                help_zh="优先级为“紧急”的工单；热线30分钟响应可设为0.5小时。",
                help_en="Orders of priority urgent; a 30-minute hotline target is 0.5 hours."),
        Setting("after_sales.resolution_in_province", "deadline", label_zh="省内工单解决时限",
                label_en="Resolve in-province orders within",
                help_zh="按天计时不计接收当天，到最后一天24:00止；等待顾客期间暂停计时。",
                help_en="For days, the day of receipt is not counted and the time ends at 24:00 of the last day; "
                        "the clock stops while waiting for the customer."),
        Setting("after_sales.resolution_out_of_province", "deadline", label_zh="省外工单解决时限",
                label_en="Resolve out-of-province orders within",
                help_zh="顾客所在省份与本公司不同时适用。", help_en="For customers whose province differs from the company's."),
        Setting("after_sales.report_due", "deadline", label_zh="售后服务报告提交时限",
                label_en="Hand in service reports within",
                help_zh="从返厂日期起算（第6.5条9)：返厂两日内反馈）。",
                help_en="Counted from the engineer's return to the factory (within two days, QP-7.5-02 6.5 9)."),
    ]
