"""``qdesk plugin``: the installed plugins, broken and blocked ones included."""
from __future__ import annotations

import click

from core.cli.base import main


@main.group()
def plugin() -> None:
    """Installed plugins."""


@plugin.command("list")
def plugin_list() -> None:
    """Every installed plugin: key, version, source, depends, state.

    Lists broken and blocked plugins too, so it works when the app itself
    refuses to start because of one.
    """
    import os

    from core.plugin.registry import PluginError, PluginRegistry, PluginsConfig
    toml = os.environ.get("QDESK_PLUGINS_TOML", os.path.join(os.getcwd(), "plugins.toml"))
    config = PluginsConfig.load(toml)
    try:
        registry = PluginRegistry.load(PluginsConfig(config.blocked, True, False, config.settings))
    except PluginError as exc:  # a dependency cycle is never skipped
        raise click.ClickException(str(exc)) from None
    if not registry.infos:
        click.echo("no plugins installed (entry-point group qdesk.plugins)")
    for info in sorted(registry.infos.values(), key=lambda i: i.key):
        click.echo(f"{info.key:<20} {info.version:<10} {info.state:<8} "
                   f"depends: {', '.join(info.depends) or '-'}")
        click.echo(f"    from {info.source}")
        if info.error:
            click.echo(f"    error: {info.error}")
