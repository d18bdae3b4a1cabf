"""crm: contact-log indexes for the list (newest first) and its overdue filter

Revision ID: 1da894051ac5
Revises: c4f1d2a9e6b3
Create Date: 2026-11-22 23:10:21.710845
"""
from alembic import op


revision = '1da894051ac5'
down_revision = 'c4f1d2a9e6b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain CREATE INDEX (no batch mode): never rebuilds the table on SQLite.
    op.create_index('ix_crm_contact_log_company_occurred', 'crm_contact_log', ['company_id', 'occurred_at'])
    op.create_index('ix_crm_contact_log_company_open_due', 'crm_contact_log', ['company_id', 'state', 'reply_due', 'archived_at'])


def downgrade() -> None:
    op.drop_index('ix_crm_contact_log_company_open_due', table_name='crm_contact_log')
    op.drop_index('ix_crm_contact_log_company_occurred', table_name='crm_contact_log')
