"""Customer property models (tables ``customer_property_*``), one module per
concern; all company-owned: audited, versioned and archived by core."""
from .owners import Provider
from .items import BALANCES, KINDS, OWNER_KINDS, VERIFICATIONS, PropertyItem
from .movements import MOVEMENT_KINDS, PropertyMovement

ALL_MODELS = [Provider, PropertyItem, PropertyMovement]

__all__ = ["ALL_MODELS", "BALANCES", "KINDS", "MOVEMENT_KINDS", "OWNER_KINDS", "VERIFICATIONS", "PropertyItem",
           "PropertyMovement", "Provider"]
