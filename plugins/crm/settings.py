"""The CRM's company settings (defaults in the manifest)."""
from core.settings import Setting


def settings() -> list[Setting]:
    return [
        Setting("crm.reply_days_in_province", "days", max=60,
                label_zh="省内来电来函答复时限（工作日）", label_en="Reply within, in-province (working days)",
                help_en="Counted from the time of the call, letter or visit on the company calendar."),
        Setting("crm.reply_days_out_of_province", "days", max=60,
                label_zh="省外来电来函答复时限（工作日）", label_en="Reply within, out-of-province (working days)",
                help_en="For customers whose province differs from the company's."),
        Setting("crm.key_customer_visit_days", "int", min=1, max=366,
                label_zh="重点客户回访周期（天）", label_en="Key customer visit interval (days)"),
    ]
