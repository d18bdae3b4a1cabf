"""crm: customer search index (SQLite FTS5 trigram table, PostgreSQL pg_trgm)

The customer list's search (plugins/crm/search.py) is served by:

* SQLite: the FTS5 table ``crm_customer_search`` (tokenizer ``trigram``,
  SQLite >= 3.34), rowid = customer id, ``body`` = code, name, short name,
  phone and the names/phones of the active contacts, kept up to date by
  triggers on crm_customer and crm_contact_person;
* PostgreSQL: GIN ``gin_trgm_ops`` indexes on the searched columns.

Neither is a model object: migrations/env.py leaves ``*_search*`` tables
and ``*_trgm`` indexes out of the models/migrations comparison.

Revision ID: c4f1d2a9e6b3
Revises: 7b8868e8ff69
Create Date: 2026-11-22 23:00:00.000000
"""
from alembic import op


revision = 'c4f1d2a9e6b3'
down_revision = '7b8868e8ff69'
branch_labels = None
depends_on = None

FTS = "crm_customer_search"
CUSTOMER_COLUMNS = ("code", "name", "short_name", "phone")
CONTACT_COLUMNS = ("name", "phone")
TRIGGERS = ("crm_customer_search_ai", "crm_customer_search_au", "crm_customer_search_ad",
            "crm_contact_search_ai", "crm_contact_search_au", "crm_contact_search_ad")


def _body(c: str) -> str:
    """SQL of the searchable text of customer alias ``c`` (fields joined by
    a space: a search term never contains one, so never spans two fields)."""
    contacts = ("(SELECT group_concat(coalesce(p.name, '') || ' ' || coalesce(p.phone, ''), ' ') "
                f"FROM crm_contact_person p WHERE p.customer_id = {c}.id AND p.archived_at IS NULL)")
    parts = [f"coalesce({c}.{name}, '')" for name in CUSTOMER_COLUMNS] + [f"coalesce({contacts}, '')"]
    return " || ' ' || ".join(parts)


def _refresh(customer_id: str) -> str:
    """Statements rewriting one customer's row (none if it no longer exists)."""
    return (f"DELETE FROM {FTS} WHERE rowid = {customer_id}; "
            f"INSERT INTO {FTS}(rowid, body) SELECT c.id, {_body('c')} "
            f"FROM crm_customer c WHERE c.id = {customer_id};")


def _sqlite_upgrade() -> None:
    op.execute(f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, tokenize = 'trigram')")
    op.execute(f"CREATE TRIGGER crm_customer_search_ai AFTER INSERT ON crm_customer "
               f"BEGIN {_refresh('new.id')} END")
    op.execute(f"CREATE TRIGGER crm_customer_search_au AFTER UPDATE OF code, name, short_name, phone "
               f"ON crm_customer BEGIN {_refresh('new.id')} END")
    op.execute(f"CREATE TRIGGER crm_customer_search_ad AFTER DELETE ON crm_customer "
               f"BEGIN DELETE FROM {FTS} WHERE rowid = old.id; END")
    op.execute(f"CREATE TRIGGER crm_contact_search_ai AFTER INSERT ON crm_contact_person "
               f"BEGIN {_refresh('new.customer_id')} END")
    # Archiving a contact sets archived_at: its name and phone leave the text.
    op.execute(f"CREATE TRIGGER crm_contact_search_au AFTER UPDATE OF customer_id, name, phone, archived_at "
               f"ON crm_contact_person BEGIN {_refresh('old.customer_id')} "
               f"{_refresh('new.customer_id')} END")
    op.execute(f"CREATE TRIGGER crm_contact_search_ad AFTER DELETE ON crm_contact_person "
               f"BEGIN {_refresh('old.customer_id')} END")
    op.execute(f"INSERT INTO {FTS}(rowid, body) SELECT c.id, {_body('c')} FROM crm_customer c")


def _sqlite_downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {FTS}")


def _pg_indexes():
    for name in CUSTOMER_COLUMNS:
        yield f"ix_crm_customer_{name}_trgm", "crm_customer", name
    for name in CONTACT_COLUMNS:
        yield f"ix_crm_contact_person_{name}_trgm", "crm_contact_person", name


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for index, table, column in _pg_indexes():
            op.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_downgrade()
    elif dialect == "postgresql":
        for index, _table, _column in _pg_indexes():
            op.execute(f"DROP INDEX IF EXISTS {index}")
        # The pg_trgm extension stays: other objects may use it.
