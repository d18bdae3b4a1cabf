"""core tables: ids never reused on SQLite (AUTOINCREMENT)

SQLite without AUTOINCREMENT gives the highest id again after that row is
deleted; whatever still pointed at the deleted row (audit entries, print
jobs, another company's records on a database without foreign keys) would
then show the new one. PostgreSQL: nothing to do.

Revision ID: c2f0a11d0e01
Revises: b1a5e7c3d9f0
Create Date: 2026-12-01 10:00:00.000000
"""
from core.migrate import sqlite_autoincrement

revision = 'c2f0a11d0e01'
down_revision = 'b1a5e7c3d9f0'
branch_labels = None
depends_on = None

TABLES = ("companies", "company_modules", "users", "memberships", "audit_entries", "print_jobs",
          "company_settings", "company_calendar_days")


def upgrade() -> None:
    sqlite_autoincrement(*TABLES)


def downgrade() -> None:
    pass  # keeping AUTOINCREMENT is harmless
