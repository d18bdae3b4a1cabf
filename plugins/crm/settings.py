"""The CRM's company settings (defaults in the manifest)."""
from core.settings import Setting


def settings() -> list[Setting]:
    return [
        # D-15: the seed's 省内二天/省外四天 are calendar days; a company may
        # switch to working days (or hours). Counted by core (deadline crm.contactlog.reply).
        Setting("crm.reply_in_province", "deadline",
                label_zh="省内来电来函答复时限", label_en="Reply within, in-province",
                help_zh="从来电、来函、来访的时间起算；按天计时不计当天，到最后一天 24:00 止。",
                help_en="Counted from the time of the call, letter or visit; for days, that day is not "
                        "counted and the time ends at 24:00 of the last day."),
        Setting("crm.reply_out_of_province", "deadline",
                label_zh="省外来电来函答复时限", label_en="Reply within, out-of-province",
                help_zh="客户所在省份与本公司不同时适用。",
                help_en="For customers whose province differs from the company's."),
        Setting("crm.key_customer_visit_days", "int", min=1, max=366,
                label_zh="重点客户回访周期（天）", label_en="Key customer visit interval (days)"),
    ]
