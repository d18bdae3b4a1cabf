"""Movements of customer property (table ``customer_property_movement``):
append-only (no one edits or deletes one: entities.py), each stamped by
core (who, when) and posted to its item's balances in the same transaction
(plugins/customer_property/balances.py)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.records.choices import Labelled, enum_column

from .items import PropertyItem

#: What happened to the property (customer_property.md §2.3 领用/消耗, 归还/处置).
MOVEMENT_KINDS = {"receipt": ("接收入库", "Receipt"), "issue": ("领用", "Issue to use"),
                  "return_to_store": ("退回仓库", "Return to store"), "consume": ("消耗", "Consumption"),
                  "quarantine": ("隔离", "Quarantine"), "release": ("解除隔离", "Release"),
                  "return_to_owner": ("归还所有者", "Return to the owner"),
                  "dispose": ("处置（经所有者同意）", "Disposal (owner's consent)")}


class PropertyMovement(Labelled, CompanyOwnedMixin, db.Model):
    """One movement of a register line's quantity."""

    __tablename__ = "customer_property_movement"
    # A generic sample (tests, the integrators' matrices) that any item can take: a receipt.
    __sample__ = {"kind": "receipt", "quantity": 1}
    CHOICES = {"kind": MOVEMENT_KINDS}
    __table_args__ = (
        Index("ix_customer_property_movement_company_item", "company_id", "item_id", "moved_at"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    item_id: Mapped[int] = mapped_column(ForeignKey("customer_property_item.id"), index=True)
    item: Mapped[PropertyItem] = relationship()
    kind: Mapped[str] = mapped_column(enum_column(MOVEMENT_KINDS, "customer_property_movement_kind"))
    #: Whole units of the item's unit.
    quantity: Mapped[int] = mapped_column(Integer)
    #: When it happened (company-local; the moment it was recorded when left empty).
    moved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: 用途订单: the order the property was issued to or consumed on.
    order_ref: Mapped[str | None] = mapped_column(String(60))
    #: A return to the owner or a disposal from quarantine rather than from the store.
    from_quarantine: Mapped[bool] = mapped_column(Boolean, default=False)
    #: 顾客签收 (the owner's receipt) of a return; 顾客同意 (its written consent) of a disposal.
    owner_document: Mapped[str | None] = mapped_column(String(100))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    handled_by: Mapped["Employee | None"] = relationship("Employee")  # noqa: F821 (core.org)
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.item} · {self.label('kind')} {self.quantity}" if self.item is not None else ""
