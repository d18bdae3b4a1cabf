"""workflow transitions in the audit; deadline clocks

A fired transition is the record's audit entry with its key and the
user's comment (core/workflow.py); each declared deadline of a record has a
clock (core/deadlines/), the overdue filter served by an index.

Revision ID: ec002e7968be
Revises: e4b8f3c0d512
Create Date: 2026-12-01 12:07:05.077525
"""
from alembic import op
import sqlalchemy as sa


revision = 'ec002e7968be'
down_revision = 'e4b8f3c0d512'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deadline_clocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.String(length=80), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('paused_since', sa.DateTime(), nullable=True),
    sa.Column('pauses', sa.JSON(), nullable=False),
    sa.Column('met_at', sa.DateTime(), nullable=True),
    sa.Column('breached_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_deadline_clocks_company_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_clocks')),
    sa.UniqueConstraint('deadline', 'record_id', name=op.f('uq_deadline_clocks_deadline_record_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('deadline_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_clocks_company_open', ['company_id', 'deadline', 'status', 'due_at'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transition', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('comment')
        batch_op.drop_column('transition')

    with op.batch_alter_table('deadline_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_clocks_company_open')

    op.drop_table('deadline_clocks')
