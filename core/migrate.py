"""Alembic, wired to the plugin registry: one environment, one branch per plugin."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app

import migrations

MIGRATIONS_DIR = Path(migrations.__file__).parent
CORE_VERSIONS = MIGRATIONS_DIR / "versions"


def alembic_config(plugin: str | None = None) -> Config:
    """An Alembic config whose version locations are core's and every
    loaded plugin's ``migrations/versions`` folders."""
    registry = current_app.extensions["qdesk.plugins"]
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [str(CORE_VERSIONS)] + [str(i.migrations_path) for i in registry.loaded() if i.migrations_path]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["qdesk_plugin"] = plugin
    return cfg


def upgrade() -> None:
    """Upgrade every branch (``heads``): core and all loaded plugins."""
    command.upgrade(alembic_config(), "heads")


def _branch_exists(script: ScriptDirectory, label: str) -> bool:
    return any(label in (rev.branch_labels or ()) for rev in script.walk_revisions())


def revision(plugin: str, message: str, autogenerate: bool = True) -> str:
    """Generate a revision on ``plugin``'s branch (``core`` for core).

    The first revision of a plugin starts its branch, labelled with its key
    and depending on the current heads of core and of its dependencies.
    :return: the new revision's path.
    """
    registry = current_app.extensions["qdesk.plugins"]
    cfg = alembic_config(plugin)
    script = ScriptDirectory.from_config(cfg)
    if plugin == "core":
        path, deps = CORE_VERSIONS, None
    else:
        info = registry.get(plugin)
        path = info.path / "migrations" / "versions"
        path.mkdir(parents=True, exist_ok=True)
        deps = [f"{d}@head" for d in ("core", *info.depends)]
    if _branch_exists(script, plugin):
        rev = command.revision(cfg, message, autogenerate=autogenerate, head=f"{plugin}@head",
                               version_path=str(path))
    else:
        depends_on = [script.get_revision(d).revision for d in deps] if deps else None
        rev = command.revision(cfg, message, autogenerate=autogenerate, head="base",
                               branch_label=plugin, version_path=str(path), depends_on=depends_on)
    return rev.path
