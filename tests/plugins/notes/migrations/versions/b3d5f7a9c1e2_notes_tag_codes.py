"""notes: tag codes from the sequence notes.tag

Existing tags keep an empty code (they are test data: nothing to number).

Revision ID: b3d5f7a9c1e2
Revises: a71c3e95d204
Create Date: 2026-12-01 11:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'b3d5f7a9c1e2'
down_revision = 'a71c3e95d204'
branch_labels = None
depends_on = 'd3a7e2b9c401'  # core: sequence_counters


def upgrade() -> None:
    op.add_column('notes_tag', sa.Column('code', sa.String(length=30), nullable=True))
    op.create_index('uq_notes_tag_company_code', 'notes_tag', ['company_id', 'code'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_notes_tag_company_code', table_name='notes_tag')
    op.drop_column('notes_tag', 'code')
