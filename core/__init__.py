"""qdesk core: the public API plugins build on.

Plugins import from here: ``hookimpl`` to implement hooks, ``Manifest`` to
declare themselves, ``CompanyOwnedMixin`` for their models, ``db`` for the
session, ``Permission``/``crud_permissions`` to declare access rights.
"""
from core.extensions import db
from core.plugin.hookspecs import hookimpl
from core.plugin.manifest import Manifest
from core.permissions import Permission, crud_permissions
from core.printing import Printable
from core.records import CompanyOwnedMixin

__all__ = ["create_app", "db", "hookimpl", "Manifest", "Permission", "crud_permissions",
           "CompanyOwnedMixin", "Printable"]


def create_app(config=None):
    """Build a qdesk Flask app; see :func:`core.app.create_app`."""
    from core.app import create_app as _create_app
    return _create_app(config)
