"""After-sales models (tables ``after_sales_*``), one module per concern;
all company-owned: audited, versioned and archived by core."""
from .products import WARRANTY_BASES, Product, UnitSold

ALL_MODELS = [Product, UnitSold]

__all__ = ["ALL_MODELS", "WARRANTY_BASES", "Product", "UnitSold"]
