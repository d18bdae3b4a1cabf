"""The after-sales knowledge base 售后服务知识库 (AS-30; table
``after_sales_article``), company-owned: a problem, its cause and its
solution, by product and category, written by hand or saved from a
resolved work order. The work orders it helped (or was saved from) point
at it (``WorkOrder.article``)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db

from .products import Product
from .work_orders import WorkOrderCategory


class KnowledgeArticle(CompanyOwnedMixin, db.Model):
    """知识库条目: problem / cause / solution."""

    __tablename__ = "after_sales_article"
    __table_args__ = (Index("uq_after_sales_article_company_number", "company_id", "number", unique=True),)

    #: 条目编号, e.g. ``ZS-0001``.
    number: Mapped[str | None] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_product.id"), index=True)
    product: Mapped[Product | None] = relationship()
    category_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales_category.id"), index=True)
    category: Mapped[WorkOrderCategory | None] = relationship()
    problem: Mapped[str] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip() if self.number else (self.title or "")
