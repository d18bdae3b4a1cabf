"""tasks: ids never reused on SQLite (AUTOINCREMENT)

See migrations/versions/0005_sqlite_autoincrement.py: a deleted row's id is
never given to a new one. PostgreSQL: nothing to do.

Revision ID: b94e2d17c6a8
Revises: 5c49019db52b
Create Date: 2026-12-01 10:00:00.000000
"""
from core.migrate import sqlite_autoincrement

revision = 'b94e2d17c6a8'
down_revision = '5c49019db52b'
branch_labels = None
depends_on = None

TABLES = ("tasks_task",)


def upgrade() -> None:
    sqlite_autoincrement(*TABLES)


def downgrade() -> None:
    pass  # keeping AUTOINCREMENT is harmless
