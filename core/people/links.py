"""One-time set-password links: issued to a new login or on a reset,
shown once, stored only as the SHA-256 of their token, working once
before they expire."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from core.errors import Invalid
from core.extensions import db
from core.i18n import translate as _gettext
from core.models import Company, PasswordLink, User, utcnow
from core.records.security import set_password

#: How long a link works.
LINK_HOURS = 72
#: ``password_hash`` of a login that has no usable password yet (no
#: scrypt hash ever equals it, so no password logs in).
NO_PASSWORD = "!no-password"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_link(user: User, company: Company | None = None, by: User | None = None) -> str:
    """A new link token for ``user`` (the only time it exists in clear);
    the user's earlier unused links stop working. Not committed."""
    now = utcnow()
    for old in db.session.query(PasswordLink).filter(PasswordLink.user_id == user.id,
                                                     PasswordLink.used_at.is_(None)):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordLink(user=user, company_id=company.id if company else None, token_hash=_digest(token),
                                expires_at=now + timedelta(hours=LINK_HOURS), created_by_id=by.id if by else None))
    return token


def check_link(token: str) -> PasswordLink:
    """The working link of ``token``.

    :raises Invalid: no such link, already used or replaced, expired, or
        its login deactivated (one message each, none naming the login).
    """
    link = None
    if token and len(token) <= 200:
        link = db.session.query(PasswordLink).filter(PasswordLink.token_hash == _digest(token)).one_or_none()
    if link is None:
        raise Invalid(_gettext("This link is not valid. Ask your company administrator for a new one."))
    if link.used_at is not None:
        raise Invalid(_gettext("This link has already been used or was replaced by a newer one. Ask your "
                               "company administrator for a new one."))
    if link.expires_at <= utcnow():
        raise Invalid(_gettext("This link has expired. Ask your company administrator for a new one."))
    if not link.user.active:
        raise Invalid(_gettext("This link is not valid. Ask your company administrator for a new one."))
    return link


def use_link(token: str, password: str) -> User:
    """Set the password of the link's login and spend the link; committed.

    :raises Invalid: the link does not work (:func:`check_link`) or the
        password is refused (too short); nothing changed.
    """
    link = check_link(token)
    try:
        set_password(link.user, password)  # ends the login's other sessions
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    link.used_at = utcnow()
    link.user.failed_logins, link.user.locked_until = 0, None
    db.session.commit()
    return link.user
