"""The one Alembic environment of qdesk.

Run through ``qdesk db ...`` (inside the app), which puts the version folders
of core and of every loaded plugin on ``version_locations``. When a revision
is generated for one plugin, autogenerate only looks at that plugin's tables.
"""
from alembic import context
from flask import current_app

from core.extensions import db

config = context.config
registry = current_app.extensions["qdesk.plugins"]
only = config.attributes.get("qdesk_plugin")


def include_object(obj, name, type_, reflected, compare_to):
    # Full-text search objects created by migrations in raw SQL, with no
    # model behind them: SQLite FTS5 tables "<table>_search" / "<table>_fts"
    # and their shadow tables "<name>_data|idx|content|docsize|config",
    # PostgreSQL trigram indexes "ix_..._trgm" (core.search: migration 0015).
    if reflected and compare_to is None and name:
        base, _, shadow = name.rpartition("_")
        if shadow not in ("data", "idx", "content", "docsize", "config"):
            base = name
        if type_ == "table" and base.endswith(("_search", "_fts")):
            return False
        if type_ == "index" and name.endswith("_trgm"):
            return False
    if type_ == "table":
        table = name
    else:
        table_obj = getattr(obj, "table", None)
        table = table_obj.name if table_obj is not None else None
    if table is None or table == "alembic_version":
        return type_ != "table"
    if only is None:
        return True
    return registry.owner_of_table(table) == only


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        with db.engine.connect() as connection:
            _configure_and_run(connection)
    else:
        _configure_and_run(connection)


def _configure_and_run(connection) -> None:
    # SQLite rebuilds tables (batch mode, core.migrate.sqlite_autoincrement):
    # with foreign keys enforced, dropping the old copy of a table others
    # point at would fail. The pragma only changes outside a transaction.
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        _run(connection)
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=db.metadata,
        include_object=include_object,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


run()
