"""qdesk core: the public API plugins build on.

Plugins import from here: ``hookimpl`` to implement hooks, ``Manifest`` to
declare themselves, ``CompanyOwnedMixin`` for their models, ``db`` for the
session, ``Entity`` to declare each model once (its permissions follow; ``Attachments``
to let users attach files to its records),
``Permission``/``crud_permissions`` for other access rights, ``Printable``,
``Sequence``, ``Workflow``/``Transition`` and ``Deadline`` for what core
does with their records; ``Responsibility`` for who signs them off; ``access`` (:mod:`core.records.access`) to load and change
records in code of their own.
"""
from core.extensions import db
from core.plugin.hookspecs import hookimpl
from core.plugin.manifest import Manifest
from core.records.permissions import Permission, crud_permissions
from core.printing import Printable
from core.records import CompanyOwnedMixin
from core.records.entities import Attachments, Entity
from core.sequences import Sequence
from core.workflow import Transition, Workflow
from core.deadlines import Deadline
from core.org import OrgOwnedMixin, Responsibility
from core.records import access
from core import links  # noqa: F401  (the record-link table, cross-plugin actions and panels)

__all__ = ["create_app", "db", "hookimpl", "Manifest", "Permission", "crud_permissions",
           "CompanyOwnedMixin", "Printable", "Entity", "Attachments", "Sequence", "Workflow", "Transition", "Deadline",
           "access", "Responsibility", "OrgOwnedMixin"]


def create_app(config=None):
    """Build a qdesk Flask app; see :func:`core.app.create_app`."""
    from core.app import create_app as _create_app
    return _create_app(config)
