"""After-sales models (tables ``after_sales_*``), one module per concern;
all company-owned: audited, versioned and archived by core."""
from .agreements import TARGET_UNITS, ServiceAgreement
from .products import WARRANTY_BASES, Product, UnitSold

ALL_MODELS = [Product, UnitSold, ServiceAgreement]

__all__ = ["ALL_MODELS", "TARGET_UNITS", "WARRANTY_BASES", "Product", "ServiceAgreement", "UnitSold"]
