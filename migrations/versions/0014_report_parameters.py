"""print log: a period report's parameters

A period report (``core.printing.Report``) prints no records: its print log
entry keeps the parameters as typed (``{"period": "2026-Q3"}``) instead.

Revision ID: c3e8a1f5b702
Revises: b7d3e9f1a024
Create Date: 2026-12-01 18:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'c3e8a1f5b702'
down_revision = 'b7d3e9f1a024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('print_jobs') as batch:
        batch.add_column(sa.Column('parameters', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('print_jobs') as batch:
        batch.drop_column('parameters')
