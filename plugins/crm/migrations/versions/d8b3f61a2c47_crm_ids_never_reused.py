"""crm: ids never reused on SQLite (AUTOINCREMENT)

See migrations/versions/0005_sqlite_autoincrement.py: a deleted row's id is
never given to a new one. PostgreSQL: nothing to do.

Revision ID: d8b3f61a2c47
Revises: 1da894051ac5
Create Date: 2026-12-01 10:00:00.000000
"""
from core.migrate import sqlite_autoincrement

revision = 'd8b3f61a2c47'
down_revision = '1da894051ac5'
branch_labels = None
depends_on = None

TABLES = ("crm_customer", "crm_contact_person", "crm_contact_log", "crm_survey_template", "crm_survey_question",
          "crm_purchase_figure", "crm_return_visit", "crm_survey_response", "crm_survey_answer")


def upgrade() -> None:
    sqlite_autoincrement(*TABLES)


def downgrade() -> None:
    pass  # keeping AUTOINCREMENT is harmless
