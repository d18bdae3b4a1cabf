"""External providers 外部供方 (table ``customer_property_provider``): the
owners of property that are not customers (ISO 9001 §8.5.3 covers "property
belonging to customers or external providers", B1). A small record of this
module until core has a supplier register."""
from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import CompanyOwnedMixin, db


class Provider(CompanyOwnedMixin, db.Model):
    """An external provider whose property the company holds."""

    __tablename__ = "customer_property_provider"
    __table_args__ = (UniqueConstraint("company_id", "code", name="uq_customer_property_provider_company_code"),)

    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip() if self.code else (self.name or "")
