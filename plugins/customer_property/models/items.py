"""The customer property register 顾客财产登记表 (table
``customer_property_item``): one line per item or lot held for a customer
(crm) or an external provider (customer_property.md §2.3, CP-1 … CP-3).

The quantities are balances kept **by the database**: a movement
(models/movements.py) moves its quantity between them in the same
transaction (plugins/customer_property/balances.py), and CHECK constraints
make them reconcile always::

    received = on_hand + in_use + quarantined + consumed + returned + disposed

with none of them below zero: on hand can never go negative, whoever posts.
The balances are never typed (not on any form). Quantities are whole
numbers of the line's unit (2.5 kg is 2500 g): exact on every database, so
the sum above is an equality the database can hold.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db
from core.records.choices import Labelled, enum_column

#: Whose property it is (B1).
OWNER_KINDS = {"customer": ("顾客", "Customer"), "provider": ("外部供方", "External provider")}
#: 类别 (CP-3, and d from ISO: tools, equipment, premises).
KINDS = {"material": ("a 材料/来料加工", "a Material / processing"),
         "packaging": ("b 包装/商标/标签", "b Packaging / trademark / label"),
         "ip": ("c 知识产权：图样/规格/数据", "c Intellectual property: drawings / specs / data"),
         "other": ("d 其他：工装/设备/场地", "d Other: tools / equipment / premises")}
#: 接收验证结果.
VERIFICATIONS = {"good": ("完好", "Good"), "defective": ("有缺陷", "Defective")}
#: The balances a movement moves quantities between, in the register's order.
BALANCES = ("on_hand", "in_use", "quarantined", "consumed", "returned", "disposed")



class PropertyItem(Labelled, CompanyOwnedMixin, db.Model):
    """One register line: an item or lot of someone else's property."""

    __tablename__ = "customer_property_item"
    # What a generic sample (tests, the integrators' matrices) needs: an owner.
    __sample_relations__ = ("customer",)
    __exclusive_relations__ = (("customer", "provider"),)
    CHOICES = {"kind": KINDS, "verification": VERIFICATIONS}
    __table_args__ = (
        Index("uq_customer_property_item_company_number", "company_id", "number", unique=True),
        Index("ix_customer_property_item_company_customer", "company_id", "customer_id"),
        CheckConstraint("customer_id IS NOT NULL OR provider_id IS NOT NULL",
                        name="one_owner"),
        CheckConstraint("kind <> 'other' OR (sub_kind IS NOT NULL AND sub_kind <> '')", name="other_sub_kind"),
        CheckConstraint("verification <> 'defective' OR (defect IS NOT NULL AND defect <> '')",
                        name="defect_described"),
        *(CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative") for name in ("received", *BALANCES)),
        CheckConstraint("received = on_hand + in_use + quarantined + consumed + returned + disposed",
                        name="reconciles"),
    )

    #: 登记编号, e.g. ``GKCC-2026-0001`` (sequence customer_property.item).
    number: Mapped[str | None] = mapped_column(String(30))
    #: The owner: a customer or an external provider, one of the two (the
    #: screen refuses both; the database refuses neither).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("crm_customer.id"))
    customer: Mapped["Customer | None"] = relationship("Customer")  # noqa: F821 (crm, a declared dependency)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("customer_property_provider.id"), index=True)
    provider: Mapped["Provider | None"] = relationship("Provider")  # noqa: F821 (this module)
    kind: Mapped[str] = mapped_column(enum_column(KINDS, "customer_property_kind"))
    #: For kind d: 工装, 测量设备, 场地 … (T-CP-5).
    sub_kind: Mapped[str | None] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    #: 规格型号, or 图号 for drawings.
    spec: Mapped[str | None] = mapped_column(String(200))
    revision: Mapped[str | None] = mapped_column(String(30))
    unit: Mapped[str] = mapped_column(String(20))
    lot: Mapped[str | None] = mapped_column(String(60))
    serial: Mapped[str | None] = mapped_column(String(60))
    #: 标识方式 (label, tag, colour code, engraving …).
    marking: Mapped[str | None] = mapped_column(String(100))
    #: 合同/订单号 (CP-4: the contract's special requirements).
    contract_ref: Mapped[str | None] = mapped_column(String(60))
    location: Mapped[str | None] = mapped_column(String(100))
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    custodian: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[custodian_id])  # noqa: F821
    #: 保护/保密要求.
    protection: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    received_by: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[received_by_id])  # noqa: F821
    #: 接收验证: good, or defective with what was found.
    verification: Mapped[str] = mapped_column(enum_column(VERIFICATIONS, "customer_property_verification"),
                                              default="good")
    defect: Mapped[str | None] = mapped_column(Text)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    verified_by: Mapped["Employee | None"] = relationship("Employee", foreign_keys=[verified_by_id])  # noqa: F821
    notes: Mapped[str | None] = mapped_column(Text)
    # The balances (never typed: balances.py moves them, the CHECKs keep them whole).
    received: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_hand: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    in_use: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quarantined: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    consumed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    returned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    disposed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    #: Read only: a movement is made on its own and posted by balances.py.
    movements: Mapped[list["PropertyMovement"]] = relationship(  # noqa: F821
        order_by="PropertyMovement.id", viewonly=True)

    @property
    def owner_kind(self) -> str | None:
        """``customer`` or ``provider`` (:data:`OWNER_KINDS`): whose it is."""
        if self.customer_id is not None or self.customer is not None:
            return "customer"
        return "provider" if self.provider_id is not None or self.provider is not None else None

    @property
    def owner(self):
        """The customer or provider it belongs to."""
        return self.customer if self.owner_kind == "customer" else self.provider

    def __str__(self) -> str:
        return f"{self.number or ''} {self.name or ''}".strip()
