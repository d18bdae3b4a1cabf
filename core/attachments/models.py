"""The attachment row: which record a file belongs to and what it is; its
bytes are in the store (:mod:`core.attachments.storage`) under ``storage_key``."""
from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.records import CompanyOwnedMixin


class Attachment(CompanyOwnedMixin, db.Model):
    """A file attached to one record of an entity that opted in
    (:class:`core.records.entities.Attachments`). Who added it and when are
    the mixin's stamps; an archived attachment (evidence removed by a
    manager) is kept, hidden, with its file."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_record", "company_id", "entity", "record_id"),)

    entity: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)

    @property
    def print_url(self) -> str:
        """The URL a printed form places the image with (``attachment:<id>``),
        which only the printing service's fetcher resolves."""
        return f"attachment:{self.id}"

    def __str__(self) -> str:
        return self.name
