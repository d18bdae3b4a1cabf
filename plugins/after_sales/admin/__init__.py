"""After-sales screens, one module per concern; ``VIEWS`` is what
``register_admin_views`` returns."""
from .agreements import ServiceAgreementView
from .products import ProductView, UnitSoldView

VIEWS = [ProductView, UnitSoldView, ServiceAgreementView]

__all__ = ["VIEWS", "ProductView", "ServiceAgreementView", "UnitSoldView"]
