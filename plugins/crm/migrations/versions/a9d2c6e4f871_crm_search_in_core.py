"""crm: customer search through core's search index (core.search)

The customer list's search is now core's (``crm.customer`` declares
``Search(...)`` in plugins/crm/entities.py; documents in core's
``search_documents``, migration 0015_search). The CRM's own index of
revision c4f1d2a9e6b3 goes: on SQLite the FTS5 table
``crm_customer_search`` and its six triggers on crm_customer and
crm_contact_person (which a batch rebuild of those tables would also have
lost), on PostgreSQL the six ``ix_crm_..._trgm`` indexes.

The customers' documents are not written here (a migration cannot use the
models of a later code): ``qdesk db upgrade`` builds them right after the
migrations (core.search.sync), as for any entity whose search declaration
is new. Downgrade puts the CRM's own index back (revision c4f1d2a9e6b3's
upgrade, which fills it again).

Revision ID: a9d2c6e4f871
Revises: f2d4b6a8c013
Create Date: 2026-12-01 19:00:00.000000
"""
import importlib.util
from pathlib import Path

from alembic import op


revision = 'a9d2c6e4f871'
down_revision = 'c4fa00603d18'
branch_labels = None
depends_on = None


def _old():
    """Revision c4f1d2a9e6b3 (the CRM's own search index), loaded from its file."""
    path = Path(__file__).with_name("c4f1d2a9e6b3_crm_customer_search_index.py")
    spec = importlib.util.spec_from_file_location("crm_search_index_c4f1d2a9e6b3", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    _old().downgrade()


def downgrade() -> None:
    _old().upgrade()
