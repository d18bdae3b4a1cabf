"""The after-sales entities (core.records.entities): each model a user works
with, declared once. Core gives each its permissions
after_sales.<name>.read|create|write|delete (default grants), its screen's
name and its printables' permission; the schemas are the import columns;
the work orders and articles declare their search (core.search).

The warranty ledger is posted by core's transition of a 三包 notice, never
typed: nobody creates or deletes its lines by hand."""
from core.records.entities import Attachments, Entity
from core.search import Related, Search

#: Photos of the job (AS-15: "photos as attachments") and scanned papers.
_PHOTOS = Attachments(kinds=("image", "pdf"), max_bytes=10 * 1024 * 1024, max_count=30)


def entities() -> list[Entity]:
    from .models import (KnowledgeArticle, LedgerLine, PartNotice, PartNoticeLine, Product, ReportPart,
                         ServiceAgreement, ServiceReport, UnitSold, WarrantyDecision, WorkOrder, WorkOrderCategory)
    from .schemas import ProductSchema, UnitSoldSchema
    return [
        Entity("after_sales.product", Product, "产品", "Product", schema=ProductSchema),
        Entity("after_sales.unit", UnitSold, "销售台账", "Unit sold", schema=UnitSoldSchema),
        Entity("after_sales.agreement", ServiceAgreement, "服务协议", "Service agreement"),
        Entity("after_sales.category", WorkOrderCategory, "工单类别", "Work order category",
               create=("admin", "manager"), write=("admin", "manager")),
        Entity("after_sales.workorder", WorkOrder, "工单", "Work order", attachments=_PHOTOS,
               search=Search(fields=("number", "subject", "description"),
                             related=(Related("customer", fields=("name", "code"), archived=True),))),
        Entity("after_sales.report", ServiceReport, "售后服务报告单", "Service report", attachments=_PHOTOS),
        Entity("after_sales.reportpart", ReportPart, "更换零部件", "Part used"),
        Entity("after_sales.decision", WarrantyDecision, "三包判定", "三包 decision"),
        Entity("after_sales.notice", PartNotice, "备件补发通知单", "Spare-part notice"),
        Entity("after_sales.noticeline", PartNoticeLine, "备件补发明细", "Notice line"),
        Entity("after_sales.ledger", LedgerLine, "三包备件登记台账", "Warranty parts ledger",
               create=(), delete=()),
        Entity("after_sales.article", KnowledgeArticle, "售后服务知识库", "Knowledge article",
               search=Search(fields=("number", "title", "problem", "cause", "solution"))),
    ]
