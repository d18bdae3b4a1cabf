"""record links

Which record was made from which (core.links): source and target named by
entity key and id, the kind of link (the record action that made it),
visible from both records' pages.

Revision ID: f3a1c9d27b40
Revises: 5686250ecd2b
Create Date: 2026-12-01 15:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3a1c9d27b40'
down_revision = '5686250ecd2b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('record_links',
    sa.Column('source_entity', sa.String(length=80), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_entity', sa.String(length=80), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=120), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_record_links_company_id_companies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_record_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_record_links_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_links')),
    sa.UniqueConstraint('company_id', 'source_entity', 'source_id', 'target_entity', 'target_id', 'kind',
                        name='uq_record_links_pair'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('record_links', schema=None) as batch_op:
        batch_op.create_index('ix_record_links_source', ['company_id', 'source_entity', 'source_id'], unique=False)
        batch_op.create_index('ix_record_links_target', ['company_id', 'target_entity', 'target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_links_company_id'), ['company_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('record_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_links_company_id'))
        batch_op.drop_index('ix_record_links_target')
        batch_op.drop_index('ix_record_links_source')

    op.drop_table('record_links')
