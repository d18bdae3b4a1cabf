"""The after-sales entities (core.records.entities): each model a user works
with, declared once. Core gives each its permissions
after_sales.<name>.read|create|write|delete (default grants), its screen's
name and its printables' permission; the schemas are the import columns."""
from core.records.entities import Entity


def entities() -> list[Entity]:
    from .models import Product, ServiceAgreement, UnitSold
    from .schemas import ProductSchema, UnitSoldSchema
    return [
        Entity("after_sales.product", Product, "产品", "Product", schema=ProductSchema),
        Entity("after_sales.unit", UnitSold, "销售台账", "Unit sold", schema=UnitSoldSchema),
        Entity("after_sales.agreement", ServiceAgreement, "服务协议", "Service agreement"),
    ]
