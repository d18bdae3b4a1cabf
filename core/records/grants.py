"""The company's overrides of the default role grants, as
:func:`core.records.permissions.has_permission` reads them.

A :class:`RoleGrant` row says that in one company one role holds (or does
not hold) one permission, whatever the permission's declared default. A row
exists only where the company differs from the default; "reset to defaults"
deletes the rows. Rows are company-owned records, so every change is in the
audit log. The rows of a company are read once per app context (one query,
not one per check) and forgotten when grants change
(:func:`forget_grants`). Changing them is :mod:`core.grants`'s business.
"""
from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import Boolean, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.records.mixin import CompanyOwnedMixin

_CACHE = "qdesk_role_grants"


class RoleGrant(CompanyOwnedMixin, db.Model):
    """One company's grant (``granted``) or revocation of ``permission``
    for ``role``, overriding the permission's default. A row naming a
    permission no loaded plugin declares, or an unknown role, is ignored."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("company_id", "permission", "role"),)

    permission: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)

    def __str__(self) -> str:
        return f"{self.permission} · {self.role}: {'+' if self.granted else '-'}"


def company_overrides(company) -> dict[tuple[str, str], bool]:
    """``{(permission, role): granted}`` of ``company``'s overrides (empty
    for none), read once per app context."""
    if company is None:
        return {}
    cache = g.setdefault(_CACHE, {}) if has_app_context() else {}
    if company.id not in cache:
        rows = db.session.execute(select(RoleGrant.permission, RoleGrant.role, RoleGrant.granted).where(
            RoleGrant.company_id == company.id, RoleGrant.archived_at.is_(None)))
        cache[company.id] = {(p, r): bool(granted) for p, r, granted in rows}
    return cache[company.id]


def forget_grants() -> None:
    """Drop the cached overrides (after grants changed)."""
    if has_app_context():
        g.pop(_CACHE, None)
