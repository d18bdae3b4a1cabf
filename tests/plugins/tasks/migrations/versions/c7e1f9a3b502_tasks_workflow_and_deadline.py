"""tasks: the example workflow (state) and deadline (opened, due, done)

Revision ID: c7e1f9a3b502
Revises: b94e2d17c6a8
Create Date: 2026-12-01 13:30:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'c7e1f9a3b502'
down_revision = 'b94e2d17c6a8'
branch_labels = None
depends_on = 'ec002e7968be'  # core: deadline_clocks


def upgrade() -> None:
    with op.batch_alter_table('tasks_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='new', nullable=False))
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks_task', schema=None) as batch_op:
        batch_op.drop_column('resolution')
        batch_op.drop_column('done_at')
        batch_op.drop_column('due_at')
        batch_op.drop_column('opened_at')
        batch_op.drop_column('state')
