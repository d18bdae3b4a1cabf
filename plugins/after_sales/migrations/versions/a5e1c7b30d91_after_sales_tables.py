"""after_sales tables

Revision ID: a5e1c7b30d91
Revises:
Create Date: 2026-12-01 18:20:00.000000
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'a5e1c7b30d91'
down_revision = None
branch_labels = ('after_sales',)
depends_on = ('c3e8a1f5b702', 'f2d4b6a8c013')  # core head (0014), crm head


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
