"""``qdesk search reindex|status`` (core.search: the search index)."""
from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from core.cli.base import main


@main.group()
def search() -> None:
    """The search index of list screens (core.search)."""


@search.command("reindex")
@click.argument("entities", nargs=-1)
@with_appcontext
def search_reindex(entities: tuple[str, ...]) -> None:
    """Rebuild the search documents of ENTITIES (keys, e.g. crm.customer;
    default: every searchable entity). Needed after writes that bypass the
    ORM (bulk SQL loads)."""
    from core.search import SearchRegistry, reindex
    registry = SearchRegistry.current()
    unknown = [e for e in entities if e not in registry.by_entity]
    if unknown:
        raise click.ClickException(f"no searchable entity {', '.join(unknown)} "
                                   f"(searchable: {', '.join(sorted(registry.by_entity)) or 'none'})")
    for entity in entities or sorted(registry.by_entity):
        start = time.perf_counter()
        count = reindex(entity)[entity]
        click.echo(f"{entity}: {count} documents in {time.perf_counter() - start:.1f}s")


@search.command("status")
@with_appcontext
def search_status() -> None:
    """Each searchable entity with its documents and searched fields."""
    from core.extensions import db
    from core.search import SearchRegistry
    from core.search.index import document_count
    registry = SearchRegistry.current()
    with db.engine.connect() as conn:
        for entity, plan in sorted(registry.by_entity.items()):
            click.echo(f"{entity:28} {document_count(conn, entity):>9} documents  {plan.fingerprint()}")
