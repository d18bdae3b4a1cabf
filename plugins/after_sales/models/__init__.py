"""After-sales models (tables ``after_sales_*``), one module per concern;
all company-owned: audited, versioned and archived by core."""
from .agreements import TARGET_UNITS, ServiceAgreement
from .products import WARRANTY_BASES, Product, UnitSold
from .work_orders import (CHANNELS, DEFAULT_CATEGORIES, OPEN_STATES, OPINIONS, PRIORITIES, SOLVED_STATES, STAGES,
                          STATES, WorkOrder, WorkOrderCategory)
from .knowledge import KnowledgeArticle
from .reports import (CAPA_DECISIONS, CAUSES, DECISION_STATES, OUTCOMES, REPORT_STATES, ReportPart, ServiceReport,
                      WarrantyDecision)
from .notices import NOTICE_STATES, LedgerLine, PartNotice, PartNoticeLine

ALL_MODELS = [Product, UnitSold, ServiceAgreement, WorkOrderCategory, WorkOrder, KnowledgeArticle, ServiceReport,
              ReportPart, WarrantyDecision, PartNotice, PartNoticeLine, LedgerLine]

__all__ = ["ALL_MODELS", "OPEN_STATES", "SOLVED_STATES", "TARGET_UNITS", "WARRANTY_BASES", "CHANNELS", "DEFAULT_CATEGORIES", "OPINIONS",
           "PRIORITIES", "STAGES", "STATES", "CAPA_DECISIONS", "CAUSES", "DECISION_STATES", "OUTCOMES",
           "REPORT_STATES", "NOTICE_STATES", "Product", "ServiceAgreement", "UnitSold", "WorkOrder",
           "WorkOrderCategory", "KnowledgeArticle", "ServiceReport", "ReportPart", "WarrantyDecision",
           "PartNotice", "PartNoticeLine", "LedgerLine"]
