"""notes: ids never reused on SQLite (AUTOINCREMENT)

See migrations/versions/0005_sqlite_autoincrement.py: a deleted row's id is
never given to a new one. PostgreSQL: nothing to do.

Revision ID: a71c3e95d204
Revises: 6e312a9f5cec
Create Date: 2026-12-01 10:00:00.000000
"""
from core.migrate import sqlite_autoincrement

revision = 'a71c3e95d204'
down_revision = '6e312a9f5cec'
branch_labels = None
depends_on = None

TABLES = ("notes_tag", "notes_note")


def upgrade() -> None:
    sqlite_autoincrement(*TABLES)


def downgrade() -> None:
    pass  # keeping AUTOINCREMENT is harmless
