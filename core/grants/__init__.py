"""Per-company role grants: a company admin grants or revokes a
permission for a role beyond the declared defaults, per module.

The overrides are stored as :class:`~core.records.grants.RoleGrant` rows
and read by :func:`core.records.permissions.has_permission` (the
company's override, else the default); this package shows and changes
them (:mod:`core.grants.changes`), with the lock-out rule: the admin role
keeps :data:`LOCKED`.
"""
from core.records.grants import RoleGrant, company_overrides, forget_grants
from core.grants.changes import (LOCKED, PROTECTED_ROLE, Cell, ModuleTable, Row, company_tables, module_permissions,
                                 module_table, module_title, reset_module, set_module_grants, shown_modules)

__all__ = ["RoleGrant", "company_overrides", "forget_grants", "LOCKED", "PROTECTED_ROLE", "Cell", "ModuleTable",
           "Row", "company_tables", "module_permissions", "module_table", "module_title", "reset_module",
           "set_module_grants", "shown_modules"]
