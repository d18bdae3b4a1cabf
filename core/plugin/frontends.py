"""Front-ends: how a user reaches the records (the admin shell; later the API).

Core does not import its front-ends; they are registered like the built-in
plugins, as entry points of their distribution, in the group
``qdesk.frontends``. Each names a function ``init(app, registry)`` that
:func:`core.app.create_app` calls once every registry (entities,
permissions, printables, settings, workflows, deadlines, KPIs, jobs) is
filled. qdesk's own ``setup.py`` declares::

    "qdesk.frontends": ["admin = admin:init_admin"],

Every installed front-end starts by default; ``QDESK_FRONTENDS=admin`` (a
comma-separated list, or ``FRONTENDS`` in ``instance/qdesk.cfg`` or the
config of ``create_app``) picks some, ``""`` none (a worker that only runs
jobs). A name that is not installed stops the start.
"""
from __future__ import annotations

import importlib.metadata
from typing import Callable

from flask import Flask

GROUP = "qdesk.frontends"


class FrontendError(RuntimeError):
    """A configured front-end is not installed."""


def installed() -> dict[str, importlib.metadata.EntryPoint]:
    """The installed front-ends by name (a distribution found twice on
    ``sys.path`` counts once)."""
    found: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in sorted(importlib.metadata.entry_points(group=GROUP), key=lambda e: e.name):
        found.setdefault(ep.name, ep)
    return found


def _wanted(setting: object, found: dict[str, importlib.metadata.EntryPoint]) -> list[str]:
    if setting is None:
        return list(found)
    names = setting.split(",") if isinstance(setting, str) else list(setting)
    names = [n.strip() for n in names if n.strip()]
    unknown = [n for n in names if n not in found]
    if unknown:
        raise FrontendError(f"front-end {', '.join(map(repr, unknown))} is not installed "
                            f"(entry points {GROUP}: {', '.join(found) or 'none'})")
    return names


def init_frontends(app: Flask, registry: object) -> list[str]:
    """Start the configured front-ends on ``app``; returns their names (also
    in ``app.extensions["qdesk.frontends"]``).

    :raises FrontendError: ``FRONTENDS`` names one that is not installed.
    """
    found = installed()
    names = _wanted(app.config.get("FRONTENDS"), found)
    for name in names:
        init: Callable[[Flask, object], object] = found[name].load()
        init(app, registry)
    app.extensions["qdesk.frontends"] = names
    return names
