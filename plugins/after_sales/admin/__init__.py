"""After-sales screens, one module per concern; ``VIEWS`` is what
``register_admin_views`` returns."""
from .products import ProductView, UnitSoldView

VIEWS = [ProductView, UnitSoldView]

__all__ = ["VIEWS", "ProductView", "UnitSoldView"]
