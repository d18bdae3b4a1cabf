"""After-sales screens, one module per concern; ``VIEWS`` is what
``register_admin_views`` returns (each module lists its own)."""
from . import categories, decisions, knowledge, ledger, notices, reports, work_orders
from .agreements import ServiceAgreementView
from .products import ProductView, UnitSoldView

VIEWS = [ProductView, UnitSoldView, ServiceAgreementView, *categories.VIEWS, *work_orders.VIEWS, *reports.VIEWS,
         *decisions.VIEWS, *notices.VIEWS, *ledger.VIEWS, *knowledge.VIEWS]

__all__ = ["VIEWS", "ProductView", "ServiceAgreementView", "UnitSoldView"]
