"""The columns and lifecycle of every company-owned record.

:class:`CompanyOwnedMixin` gives a plugin model its company, stamps,
version and archive column; :func:`delete_or_archive` is the one rule for
removing a record.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.extensions import db
from core.models import AuditEntry, Company, stamp_info, utcnow
from core.records import tenancy

# Columns maintained by core; never shown in forms nor reported as changes.
SYSTEM_COLUMNS = ("id", "company_id", "created_at", "created_by_id", "updated_at",
                  "updated_by_id", "version")


class CompanyOwnedMixin:
    """Columns and behaviour of every record that belongs to a company."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Stamps: naive UTC, set by core, shown in the company's zone (core.timezone).
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, info=stamp_info())
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info=stamp_info())
    archived_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info=stamp_info())

    @declared_attr
    def company_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("companies.id"), index=True, nullable=False)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def owner_company(self) -> Any:
        """The company the record belongs to; before its first flush (no
        ``company_id`` yet) the current company, which core will stamp."""
        if self.company_id is not None:
            return db.session.get(Company, self.company_id)
        return tenancy.current_company()

    def has_history(self) -> bool:
        """Whether the record changed since creation (then it is archived,
        not deleted)."""
        return db.session.query(AuditEntry.id).filter(
            AuditEntry.table_name == self.__tablename__,
            AuditEntry.record_id == self.id,
            AuditEntry.action != "create",
        ).first() is not None

    def is_referenced(self) -> bool:
        """Whether any other row points at this record (a foreign key to its
        table, in any installed plugin, whatever its company or module)."""
        return is_referenced(self)


def is_referenced(record: Any) -> bool:
    """Whether any row of any table has a foreign key to ``record``."""
    table = record.__table__
    for other in db.metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is not table or not fk.column.primary_key:
                continue
            query = select(1).select_from(other).where(fk.parent == record.id)
            if other is table:  # a row pointing at itself does not keep it
                query = query.where(other.c.id != record.id)
            if db.session.execute(query.limit(1)).first() is not None:
                return True
    return False


def delete_or_archive(record: Any) -> str:
    """Delete ``record``, or archive it when it has a history or another
    record points at it (deleting would orphan them, or let a new record
    inherit their link). Returns ``"deleted"`` or ``"archived"``; the caller
    commits. Elsewhere (an inline row removed, code) the database's foreign
    keys refuse to delete a row that others point at.
    """
    if isinstance(record, CompanyOwnedMixin) and (record.has_history() or record.is_referenced()):
        if record.archived_at is None:
            record.archived_at = utcnow()
        return "archived"
    db.session.delete(record)
    return "deleted"
