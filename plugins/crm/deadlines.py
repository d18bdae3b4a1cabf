"""The contact log's reply deadline (core.deadlines).

省内二天、省外四天 (seed 002-B), calendar days by D-15, each a company
setting of amount and unit; a customer whose province is unknown gets the
in-province time limit. Core counts, stores and checks it."""
from core.deadlines import Deadline


def _reply_setting(log) -> str:
    from core import db
    from .models import Customer
    customer = log.customer
    if customer is None and log.customer_id is not None:
        customer = db.session.get(Customer, log.customer_id)
    in_province = customer.in_province if customer is not None else None
    return "crm.reply_out_of_province" if in_province is False else "crm.reply_in_province"


def deadlines() -> list[Deadline]:
    from .models import ContactLog
    return [
        Deadline("crm.contactlog.reply", ContactLog, start="occurred_at", amount=_reply_setting,
                 settings=("crm.reply_in_province", "crm.reply_out_of_province"),
                 due_field="reply_due", done=("replied", "closed"), met_field="replied_at",
                 depends=("customer", "customer_id"),
                 # 跟进人 and the clerk who took it hear of a reply due soon or overdue.
                 notify=("follow_up_owner", "handled_by"),
                 label_zh="来电来函答复", label_en="Contact reply",
                 tile_zh="逾期未答复来电来函", tile_en="Overdue contacts"),
    ]
