"""``qdesk module``: enable and disable modules per company."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli.base import company_by_code, main


@main.group()
def module() -> None:
    """Per-company module enablement."""


@module.command("list")
@click.option("--company", "company_code", required=True)
@with_appcontext
def module_list(company_code: str) -> None:
    """List installed modules and whether each is enabled for the company."""
    from core.records import tenancy
    company = company_by_code(company_code)
    enabled = tenancy.enabled_modules(company)
    for info in current_app.extensions["qdesk.plugins"].loaded():
        state = "enabled" if info.key in enabled else "disabled"
        click.echo(f"{info.key:<20} {info.version:<10} {state:<9} {info.manifest.name_en}")


def _change_module(verb: str, name: str, company_code: str) -> None:
    from core.plugin.modules import ModuleError, disable_module, enable_module
    company = company_by_code(company_code)
    try:
        if verb == "enable":
            pulled = enable_module(company, name)
            click.echo(f"enabled {name} for {company.code}"
                       + (f"; also enabled: {', '.join(pulled)}" if pulled else ""))
        else:
            disable_module(company, name)
            click.echo(f"disabled {name} for {company.code} (data kept)")
    except ModuleError as exc:
        raise click.ClickException(str(exc)) from None


@module.command("enable")
@click.argument("name")
@click.option("--company", "company_code", required=True)
@with_appcontext
def module_enable(name: str, company_code: str) -> None:
    """Enable module NAME (and its dependencies) for a company."""
    _change_module("enable", name, company_code)


@module.command("disable")
@click.argument("name")
@click.option("--company", "company_code", required=True)
@with_appcontext
def module_disable(name: str, company_code: str) -> None:
    """Disable module NAME for a company (refused while others depend on it)."""
    _change_module("disable", name, company_code)
