"""Printed forms: 客户档案卡, 来电来函来访登记表, 顾客满意度调查表 (blank
or filled in) and 顾客来访接待审批单."""
from core import Printable


def printables() -> list[Printable]:
    from .models import ContactLog, Customer, SurveyResponse, SurveyTemplate, VisitReception
    return [
        Printable("crm.customer_card", title_zh="客户档案卡", title_en="Customer record card",
                  model=Customer, template="print/customer_card.html",
                  filename="customer-{record.code}.pdf",  # record number: the code (sequence crm.customer)
                  form_code="JL-8.2-01-1", edition="A/0"),
        Printable("crm.contact_register", title_zh="来电来函来访登记表",
                  title_en="Register of calls, letters and visits", model=ContactLog,
                  template="print/contact_register.html", many=True, orientation="landscape",
                  filename="contact-register-{date}.pdf", form_code="JL-8.2-01-2", edition="A/0"),
        # One controlled form, JL-8.2-01-3, printed blank (to take to a
        # customer) or filled in (a recorded response); one template for both.
        # The record number and date of a blank form are left to be written
        # by hand. Printing needs the read permission of the model's screen
        # (crm.surveytemplate.read, crm.survey.read), set by the admin shell.
        Printable("crm.survey_blank", title_zh="顾客满意度调查表",
                  title_en="Customer satisfaction survey", model=SurveyTemplate,
                  template="print/survey.html",
                  filename="survey-form-{record.id}.pdf", number="",
                  form_code="JL-8.2-01-3", edition="A/0"),
        # Its record number is the response's 调查表编号 (sequence crm.survey,
        # MYD-2026-0001): core.printing prints a sequence's number, never an id.
        Printable("crm.survey_response", title_zh="顾客满意度调查表",
                  title_en="Customer satisfaction survey", model=SurveyResponse,
                  template="print/survey.html",
                  filename="survey-{record.number}.pdf",
                  form_code="JL-8.2-01-3", edition="A/0"),
        # One visit per form (seed 001-I 6.2): the request, the arrangements,
        # what is introduced, the customer's questions; the 批准 box is
        # filled by core from the approver's sign-off (管理者代表 or 总经理).
        Printable("crm.visit_reception", title_zh="顾客来访接待审批单",
                  title_en="Customer visit approval form", model=VisitReception,
                  template="print/visit_reception.html",
                  filename="visit-reception-{record.number}.pdf",
                  form_code="JL-8.2-01-4", edition="A/0"),
    ]
