from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import CompanyOwnedMixin, db


class Tag(CompanyOwnedMixin, db.Model):
    __tablename__ = "notes_tag"
    __table_args__ = (Index("uq_notes_tag_company_code", "company_id", "code", unique=True),)

    name: Mapped[str] = mapped_column(String(50))
    # Numbered by the sequence notes.tag (TG-2026-001), see register_sequences.
    code: Mapped[str | None] = mapped_column(String(30))

    def __str__(self) -> str:
        return self.name


class Note(CompanyOwnedMixin, db.Model):
    __tablename__ = "notes_note"

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("notes_tag.id"))
    tag: Mapped[Tag | None] = relationship()

    def __str__(self) -> str:
        return self.title
