"""The search index's tables (created by ``migrations/versions/0015_search.py``).

* :class:`SearchDocument`: one row per searchable record, keyed by
  ``(entity, record_id)`` with its company, whose ``body`` is the record's
  folded searchable text (:mod:`core.search.text`). Terms of three
  characters or more are found in it through a trigram index the migration
  creates outside the models: on SQLite the FTS5 table
  ``search_document_fts`` (tokenizer ``trigram``, external content: it
  indexes ``body`` without a second copy; triggers on this table keep it in
  step), on PostgreSQL the GIN index ``ix_search_document_body_trgm``
  (``gin_trgm_ops``).
* :class:`SearchGram`: the grams of each document (one- and two-character
  terms), keyed ``(entity, company_id, gram, record_id)``: a term's records
  of one entity in one company are one contiguous range of the key, read
  from the index alone. On SQLite a ``WITHOUT ROWID`` table (the key is the
  table).
* :class:`SearchIndexState`: which declaration each entity's documents were
  built from, so that ``qdesk db upgrade`` knows which entities to rebuild.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, PrimaryKeyConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db


class SearchDocument(db.Model):
    """The searchable text of one record of an entity."""

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("entity", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[int] = mapped_column(Integer)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    body: Mapped[str] = mapped_column(Text)


class SearchGram(db.Model):
    """One gram (:func:`core.search.text.gram`) of one record's document."""

    __tablename__ = "search_grams"
    __table_args__ = (PrimaryKeyConstraint("entity", "company_id", "gram", "record_id"),
                      {"sqlite_with_rowid": False})

    entity: Mapped[str] = mapped_column(String(80), autoincrement=False)
    company_id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    gram: Mapped[int] = mapped_column(BigInteger, autoincrement=False)
    record_id: Mapped[int] = mapped_column(Integer, autoincrement=False)


class SearchIndexState(db.Model):
    """The declaration (:meth:`core.search.declare.Plan.fingerprint`) an
    entity's documents were last rebuilt from."""

    __tablename__ = "search_index_state"

    entity: Mapped[str] = mapped_column(String(80), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(Text)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime)
