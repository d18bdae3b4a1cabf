"""The CRM's record numbers (core.sequences): 登记编号 of the contact log,
调查表编号 of satisfaction surveys, customer codes a user leaves empty and
接待编号 of customer visit receptions.
Each prefix is a company setting, declared by core from these sequences."""
from core.sequences import Sequence


def sequences() -> list[Sequence]:
    from .models import ContactLog, Customer, SurveyResponse, VisitReception
    return [
        Sequence("crm.contactlog", ContactLog, "number", pattern="{prefix}-{yyyy}-{n:04d}", reset="yearly",
                 prefix_setting="crm.contactlog.prefix", default_prefix="LD",
                 label_zh="来电来函来访登记", label_en="Contact log"),
        Sequence("crm.survey", SurveyResponse, "number", pattern="{prefix}-{yyyy}-{n:04d}", reset="yearly",
                 prefix_setting="crm.survey.prefix", default_prefix="MYD",
                 label_zh="顾客满意度调查表", label_en="Satisfaction survey"),
        # A code the user types wins (unique per company); left empty, the
        # next one of the company's sequence, skipping codes already typed.
        Sequence("crm.customer", Customer, "code", pattern="{prefix}{n:05d}", reset="never",
                 prefix_setting="crm.customer.prefix", default_prefix="KH", user_value=True,
                 label_zh="客户", label_en="Customer"),
        Sequence("crm.visitreception", VisitReception, "number", pattern="{prefix}-{yyyy}-{n:04d}", reset="yearly",
                 prefix_setting="crm.visitreception.prefix", default_prefix="JD",
                 label_zh="顾客来访接待", label_en="Customer visit reception"),
    ]
