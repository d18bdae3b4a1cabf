"""The ``qdesk`` command (``setup.py``: ``qdesk = core.cli:main``).

One module per command group; each adds its commands to :data:`main`
(:mod:`core.cli.base`) when imported here. Flask's own ``run`` and
``shell`` come with the group.

* :mod:`core.cli.database`: ``db upgrade|revision``, ``demo load``;
* :mod:`core.cli.accounts`: ``company create|list``, ``user create|password|list``;
* :mod:`core.cli.modules`: ``module list|enable|disable``;
* :mod:`core.cli.printing`: ``print``;
* :mod:`core.cli.jobs`: ``jobs list|run``, ``deadlines check|list``;
* :mod:`core.cli.plugins`: ``plugin list``;
* :mod:`core.cli.calendar`: ``calendar import|years``;
* :mod:`core.cli.org`: ``org import``;
* :mod:`core.cli.settings`: ``settings list|get|set --company CODE``;
* :mod:`core.cli.search`: ``search reindex|status``.
"""
from core.cli.base import main
from core.cli import accounts, calendar, database, jobs, modules, org, plugins, printing, search, settings  # noqa: F401  (register)

__all__ = ["main"]
