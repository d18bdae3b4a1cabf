"""The CRM's entities (core.records.entities): each model a user works with,
declared once. Core gives each its permissions crm.<name>.read|create|
write|delete (default grants), its screen's name and its printables'
permission; the schemas are the import columns. The customer declares
its search (core.search): the customer list's search box finds a customer
by its code, name, short name or phone, or the name or phone of one of its
active contact persons, through core's search index."""
from core.records.entities import Attachments, Entity
from core.search import Related, Search

#: What finds a customer (plugins/crm/search.py).
CUSTOMER_SEARCH = Search(fields=("code", "name", "short_name", "phone"),
                         related=(Related("contacts", fields=("name", "phone")),))


def entities() -> list[Entity]:
    from .models import (ContactLog, ContactPerson, Customer, PurchaseFigure, ReturnVisit, SurveyResponse,
                         SurveyTemplate, VisitReception)
    from .schemas import ContactLogSchema, CustomerSchema, PurchaseFigureSchema
    return [
        Entity("crm.customer", Customer, "客户", "Customer", schema=CustomerSchema,
               search=CUSTOMER_SEARCH),
        Entity("crm.contact", ContactPerson, "联系人", "Contact person"),
        # Documents a customer leaves (a visit's papers, a letter's scan) are
        # kept with the entry (seed 001-I 6.2): images and PDFs.
        Entity("crm.contactlog", ContactLog, "来电来函来访登记", "Contact log", schema=ContactLogSchema,
               attachments=Attachments(kinds=("image", "pdf"), max_bytes=10 * 1024 * 1024, max_count=20)),
        Entity("crm.visit", ReturnVisit, "回访", "Return visit"),
        Entity("crm.survey", SurveyResponse, "顾客满意度调查表", "Satisfaction survey"),
        Entity("crm.surveytemplate", SurveyTemplate, "调查问卷模板", "Survey template"),
        Entity("crm.purchase", PurchaseFigure, "采购数据", "Purchase figure", schema=PurchaseFigureSchema),
        # 顾客来访/参观接待: what the customer hands over is archived with the
        # reception (seed 001-I 6.2 "与顾客提供的资料一并存档").
        Entity("crm.visitreception", VisitReception, "顾客来访接待", "Customer visit reception",
               attachments=Attachments(kinds=("image", "pdf"), max_bytes=10 * 1024 * 1024, max_count=20)),
    ]
