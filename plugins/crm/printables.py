"""Printed forms: 客户档案卡 and 来电来函来访登记表."""
from core import Printable


def printables() -> list[Printable]:
    from .models import ContactLog, Customer
    return [
        Printable("crm.customer_card", title_zh="客户档案卡", title_en="Customer record card",
                  model=Customer, template="print/customer_card.html",
                  filename="customer-{record.code}.pdf", number="{record.code}",
                  form_code="JL-8.2-01-1", edition="A/0"),
        Printable("crm.contact_register", title_zh="来电来函来访登记表",
                  title_en="Register of calls, letters and visits", model=ContactLog,
                  template="print/contact_register.html", many=True, orientation="landscape",
                  filename="contact-register-{date}.pdf", form_code="JL-8.2-01-2", edition="A/0"),
    ]
