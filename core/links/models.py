"""The record-link table: which record was made from (or belongs with) which."""
from __future__ import annotations

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.records.mixin import CompanyOwnedMixin


class RecordLink(CompanyOwnedMixin, db.Model):
    """``source`` → ``target`` of one company, each named by its entity key
    (``notes.note``) and id, with the ``kind`` of link (the record action
    that made it, ``tasks.from_note``). Records of any two plugins can be
    linked without either importing the other; each side's page shows it."""

    __tablename__ = "record_links"
    __table_args__ = (
        UniqueConstraint("company_id", "source_entity", "source_id", "target_entity", "target_id", "kind",
                         name="uq_record_links_pair"),
        Index("ix_record_links_source", "company_id", "source_entity", "source_id"),
        Index("ix_record_links_target", "company_id", "target_entity", "target_id"),
    )

    source_entity: Mapped[str] = mapped_column(String(80))
    source_id: Mapped[int] = mapped_column(Integer)
    target_entity: Mapped[str] = mapped_column(String(80))
    target_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(120))

    def __str__(self) -> str:
        return f"{self.source_entity} {self.source_id} → {self.target_entity} {self.target_id} ({self.kind})"
