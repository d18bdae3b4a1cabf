"""Records and access: what every company-owned record is, who may touch it.

How a record is kept (installed once, as SQLAlchemy session events, when this
package is imported):

* :mod:`core.records.mixin`: :class:`CompanyOwnedMixin` (company, stamps,
  ``version`` as SQLAlchemy's ``version_id_col``, archive) and
  :func:`delete_or_archive`, which deletes only what has no history and
  nothing pointing at it;
* :mod:`core.records.stamps`: before each flush, ``company_id`` from the
  current company (never from input, never moved), created/updated by and at;
* :mod:`core.records.links`: a link to another record must stay inside the
  company (:class:`core.errors.ForeignRecord` otherwise, nothing written);
* :mod:`core.records.parents`: a part's change (a customer's contact) saves
  its parent too;
* :mod:`core.records.audit`: an :class:`~core.models.AuditEntry` for every
  change in the same transaction, ``record_changed`` after commit;
* :mod:`core.records.reasons`: a column declared ``info={"reason": True}``
  changes only with a reason, kept in the audit entry;
* :mod:`core.records.protected`: the people a record names in its entity's
  ``protected_from`` may read it, never change it.

Who may do what, in which company:

* :mod:`core.records.tenancy`: the current user and company, the one company
  filter (:func:`~core.records.tenancy.scoped_query`);
* :mod:`core.records.permissions` and :mod:`core.records.security`: rights
  per role, passwords and logins;
* :mod:`core.records.entities`: each model declared once, with its labels,
  permissions and schema;
* :mod:`core.records.access`: the access layer every front-end goes through
  (module gate, permission, company scope, version, archive rule).

What comes in and how it is shown: :mod:`core.records.inputs` (bounded
parsing of ids, numbers and dates), :mod:`core.records.search` (``LIKE``
patterns), :mod:`core.records.choices` (codes with Chinese and English
labels).

Plugins import the public names from :mod:`core` (``CompanyOwnedMixin``,
``Entity``, ``Permission``, ``access``).
"""
from core.records.mixin import SYSTEM_COLUMNS, CompanyOwnedMixin, delete_or_archive, is_referenced
from core.records.links import links_of, model_of_table
from core.records.parents import parents_of
from core.records.audit import annotate_audit
from core.records import stamps  # noqa: F401  (installs the before_flush listener)
from core.records.reasons import ReasonRequired, give_reason, reason_fields
from core.records.protected import NamedInRecord

__all__ = ["SYSTEM_COLUMNS", "CompanyOwnedMixin", "delete_or_archive", "is_referenced",
           "links_of", "model_of_table", "parents_of", "annotate_audit", "ReasonRequired", "give_reason",
           "reason_fields", "NamedInRecord"]
