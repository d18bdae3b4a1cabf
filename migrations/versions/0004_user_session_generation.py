"""user session generation

Logout and password changes bump ``users.session_generation``; a session
holding another generation is logged out. Existing users start at 0 (the
server default), so sessions from before this revision (which hold no
generation) are logged out once.

Revision ID: b1a5e7c3d9f0
Revises: 102c9e41d4c7
Create Date: 2026-11-23 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b1a5e7c3d9f0'
down_revision = '102c9e41d4c7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
