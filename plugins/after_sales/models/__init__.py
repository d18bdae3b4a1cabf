"""After-sales models (tables ``after_sales_*``), one module per concern;
all company-owned: audited, versioned and archived by core."""

ALL_MODELS: list = []

__all__ = ["ALL_MODELS"]
