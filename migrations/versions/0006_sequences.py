"""per-company sequences (record numbers)

One counter row per company, sequence and period (core.sequences): the
last number given, incremented in the transaction of each numbered insert.

Revision ID: d3a7e2b9c401
Revises: c2f0a11d0e01
Create Date: 2026-12-01 10:30:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'd3a7e2b9c401'
down_revision = 'c2f0a11d0e01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sequence_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_sequence_counters_company_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sequence_counters')),
    sa.UniqueConstraint('company_id', 'key', 'period', name=op.f('uq_sequence_counters_company_id_key_period')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('sequence_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sequence_counters_company_id'), ['company_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sequence_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sequence_counters_company_id'))
    op.drop_table('sequence_counters')
