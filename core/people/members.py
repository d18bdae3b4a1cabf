"""A company's members, managed by its own admins: add (an existing login
joins, a new one gets a set-password link), change role, deactivate and
reactivate, reset a password. Every query is scoped to the company's
memberships, so nothing here reaches another company; every change is
audited (``AuditEntry(table_name="memberships")``)."""
from __future__ import annotations

import re
from typing import Any

from core.errors import Invalid, NotFound
from core.extensions import db
from core.i18n import translate as _gettext
from core.models import ROLES, AuditEntry, Company, Membership, User
from core.people.links import NO_PASSWORD, issue_link
from core.records import tenancy
from core.records.inputs import parse_id

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def members(company: Company | None = None) -> list[Membership]:
    """The company's memberships (active first, then by e-mail), users loaded."""
    company = company or tenancy.require_company()
    return (db.session.query(Membership).join(User, User.id == Membership.user_id)
            .filter(Membership.company_id == company.id)
            .order_by(Membership.active.desc(), User.email).all())


def membership(member_id: Any, company: Company | None = None) -> Membership:
    """The company's membership ``member_id``; :class:`NotFound` for
    another company's (the same answer as for no such id)."""
    company = company or tenancy.require_company()
    pk = parse_id(str(member_id))
    found = None if pk is None else db.session.query(Membership).filter(
        Membership.id == pk, Membership.company_id == company.id).one_or_none()
    if found is None:
        raise NotFound(_gettext("No such member in this company."))
    return found


def _audit(m: Membership, action: str, changes: dict, by: User | None) -> None:
    db.session.flush()
    db.session.add(AuditEntry(company_id=m.company_id, table_name="memberships", record_id=m.id, action=action,
                              user_id=by.id if by else None,
                              changes={"user": [None, m.user.email], **changes}))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(_gettext("Choose a role: %(roles)s.", roles=", ".join(ROLES)))


def _other_active_admins(m: Membership) -> int:
    return db.session.query(Membership).join(User, User.id == Membership.user_id).filter(
        Membership.company_id == m.company_id, Membership.id != m.id, Membership.role == "admin",
        Membership.active.is_(True), User.active.is_(True)).count()


def _keep_an_admin(m: Membership) -> None:
    if m.active and m.role == "admin" and not _other_active_admins(m):
        raise Invalid(_gettext("%(email)s is the company's last active admin: make someone else admin first.",
                               email=m.user.email))


def add_member(email: str, role: str, name: str = "", company: Company | None = None,
               by: User | None = None) -> tuple[Membership, str | None]:
    """Add the login ``email`` to the company with ``role``: an existing
    login joins (its name and password untouched); a new one is created
    without a usable password. Committed, audited.

    :return: the membership and, for a new login, its set-password token
        (shown once; only its hash is kept).
    :raises Invalid: a malformed e-mail, an unknown role, already a member.
    """
    company = company or tenancy.require_company()
    by = by or tenancy.current_user()
    email = (email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 200:
        raise Invalid(_gettext("Enter an e-mail address such as name@example.com."))
    _check_role(role)
    name = (name or "").strip()[:100]
    user = db.session.query(User).filter(User.email == email).one_or_none()
    token = None
    if user is not None:
        existing = next((m for m in user.memberships if m.company_id == company.id), None)
        if existing is not None:
            raise Invalid(_gettext("%(email)s is already a member of this company.", email=email))
    else:
        user = User(email=email, name=name, password_hash=NO_PASSWORD)
        db.session.add(user)
    m = Membership(user=user, company=company, role=role, active=True)
    db.session.add(m)
    if user.id is None or user.password_hash == NO_PASSWORD:
        db.session.flush()
        token = issue_link(user, company, by)
    _audit(m, "create", {"role": [None, role]}, by)
    db.session.commit()
    return m, token


def change_role(m: Membership, role: str, by: User | None = None) -> bool:
    """Give member ``m`` the role ``role``; False when it already was.
    :raises Invalid: unknown role, or the last active admin stepping down."""
    _check_role(role)
    if m.role == role:
        return False
    if role != "admin":
        _keep_an_admin(m)
    old, m.role = m.role, role
    _audit(m, "update", {"role": [old, role]}, by or tenancy.current_user())
    db.session.commit()
    tenancy.forget_enabled_modules()
    return True


def set_active(m: Membership, active: bool, by: User | None = None) -> bool:
    """Deactivate (or reactivate) member ``m`` in this company only: their
    login and other companies are untouched. False when nothing changed.
    :raises Invalid: deactivating the last active admin."""
    if m.active == active:
        return False
    if not active:
        _keep_an_admin(m)
    m.active = active
    _audit(m, "update", {"active": [not active, active]}, by or tenancy.current_user())
    db.session.commit()
    return True


def reset_password(m: Membership, by: User | None = None) -> str:
    """End member ``m``'s sessions, make the old password unusable and
    issue a new set-password link; committed, audited. Returns its token.

    :raises Invalid: the login also works in another company or is a
        system administrator (then only a system administrator resets it),
        or the membership is inactive.
    """
    by = by or tenancy.current_user()
    user = m.user
    if not m.active:
        raise Invalid(_gettext("%(email)s is deactivated here: reactivate them first.", email=user.email))
    others = [o for o in user.memberships if o.company_id != m.company_id and o.active]
    if others or user.is_system_admin:
        raise Invalid(_gettext("%(email)s also works outside this company: ask a system administrator to "
                               "reset their password.", email=user.email))
    user.password_hash = NO_PASSWORD  # ends every session of the login (User's before_update)
    token = issue_link(user, m.company, by)
    _audit(m, "update", {"password": [None, "reset"]}, by)
    db.session.commit()
    return token
