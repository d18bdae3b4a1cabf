"""search: core's search index (core.search)

Tables:

* ``search_documents``: one row per searchable record (entity key, record
  id, company), ``body`` = its folded searchable text;
* ``search_grams``: the one- and two-character grams of each document,
  keyed ``(entity, company_id, gram, record_id)`` (SQLite: WITHOUT ROWID);
* ``search_index_state``: the declaration each entity's documents were
  built from.

Trigram index of ``body`` (no model object; ``migrations/env.py`` leaves
it out of the models/migrations comparison):

* SQLite: FTS5 table ``search_document_fts`` (tokenizer ``trigram``,
  external content ``search_documents``, rowid = document id) and the three
  triggers ``search_documents_fts_ai|ad|au`` that keep it in step with
  ``search_documents`` (a core table: no plugin migration rebuilds it);
* PostgreSQL: extension ``pg_trgm`` and the GIN index
  ``ix_search_document_body_trgm`` (``gin_trgm_ops``); a larger statistics
  target on ``search_grams.gram`` (common grams estimated as such).

No documents are written here: they are made of plugins' records and
declarations, which a core revision cannot know. ``qdesk db upgrade`` builds
them after the migrations (core.search.sync: every entity without a
``search_index_state`` row is rebuilt).

Revision ID: 0a7c5e3d9b14
Revises: c3e8a1f5b702
Create Date: 2026-12-01 19:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0a7c5e3d9b14'
down_revision = 'c3e8a1f5b702'
branch_labels = None
depends_on = None

FTS = "search_document_fts"
TRIGGERS = ("search_documents_fts_ai", "search_documents_fts_ad", "search_documents_fts_au")


def upgrade() -> None:
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=80), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'],
                            name=op.f('fk_search_documents_company_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('entity', 'record_id', name=op.f('uq_search_documents_entity_record_id')),
    sqlite_autoincrement=True
    )
    op.create_table('search_grams',
    sa.Column('entity', sa.String(length=80), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('gram', sa.BigInteger(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('entity', 'company_id', 'gram', 'record_id', name=op.f('pk_search_grams')),
    sqlite_with_rowid=False
    )
    op.create_table('search_index_state',
    sa.Column('entity', sa.String(length=80), nullable=False),
    sa.Column('fingerprint', sa.Text(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('entity', name=op.f('pk_search_index_state'))
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, content = 'search_documents', "
                   "content_rowid = 'id', tokenize = 'trigram')")
        op.execute(f"CREATE TRIGGER search_documents_fts_ai AFTER INSERT ON search_documents "
                   f"BEGIN INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END")
        op.execute(f"CREATE TRIGGER search_documents_fts_ad AFTER DELETE ON search_documents "
                   f"BEGIN INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); END")
        op.execute(f"CREATE TRIGGER search_documents_fts_au AFTER UPDATE ON search_documents "
                   f"BEGIN INSERT INTO {FTS}({FTS}, rowid, body) VALUES ('delete', old.id, old.body); "
                   f"INSERT INTO {FTS}(rowid, body) VALUES (new.id, new.body); END")
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_search_document_body_trgm ON search_documents USING gin (body gin_trgm_ops)")
        # Grams are many and skewed (a common one, such as the two characters
        # of a frequent word, is in one record in twenty): with the default
        # statistics the planner takes it for rare and scans the entity's
        # table instead of walking its list in order.
        op.execute("ALTER TABLE search_grams ALTER COLUMN gram SET STATISTICS 5000")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_document_body_trgm")
    op.drop_table('search_index_state')
    op.drop_table('search_grams')
    op.drop_table('search_documents')
