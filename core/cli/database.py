"""``qdesk db`` (schema upgrades and revisions) and ``qdesk demo`` (demo data)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.cli.base import main
from core.extensions import db
from core.models import Company


@main.group()
def db_group() -> None:
    """Database schema: upgrade, generate revisions."""


db_group.name = "db"


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Upgrade core and every installed plugin to their latest revision."""
    from core import migrate
    searched = migrate.upgrade()
    click.echo("database is up to date (all heads)")
    for entity, done in sorted(searched.items()):
        if done != "up to date":
            click.echo(f"search index of {entity}: {done}")


@db_group.command("revision")
@click.option("--plugin", "plugin", required=True, help="plugin key, or 'core'")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="do not autogenerate")
@with_appcontext
def db_revision(plugin: str, message: str, empty: bool) -> None:
    """Autogenerate a revision into PLUGIN's migration branch."""
    from core import migrate
    try:
        path = migrate.revision(plugin, message, autogenerate=not empty)
    except KeyError:
        raise click.ClickException(f"no loaded plugin {plugin!r}") from None
    click.echo(f"created {path}")


@main.group()
def demo() -> None:
    """Demonstration data."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="do nothing when companies exist")
@with_appcontext
def demo_load(if_empty: bool) -> None:
    """Create two demo companies with users, enable all modules, print logins."""
    from core.demo import demo_logins_in_use, load_demo
    if if_empty and db.session.query(Company.id).first() is not None:
        click.echo("The database already has data; demo data not loaded again.")
        logins = demo_logins_in_use()
    elif db.session.query(Company.id).filter(Company.code.in_(["HZ", "CD"])).first() is not None:
        raise click.ClickException("the demo companies HZ and CD already exist")
    else:
        logins = load_demo()
    if logins:
        click.echo("Demo logins (e-mail / password / role):")
    for email, password, role in logins:
        click.echo(f"  {email:<24} {password:<12} {role}")
