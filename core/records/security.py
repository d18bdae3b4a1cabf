"""Passwords, login with throttling, and the memberships a user may act in.

Sessions end by a per-user generation: login stores
``User.session_generation`` in the session, every request compares it, and
logout or any password change bumps it (``User.end_sessions``).
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.models import Company, Membership, User, utcnow

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
# Compared against when the e-mail is unknown, so both paths cost one scrypt.
_DUMMY_HASH = generate_password_hash("qdesk-no-such-user", method="scrypt")


class LoginError(Exception):
    """Login refused; the message is safe to show (it never says which part was wrong)."""


def hash_password(password: str) -> str:
    """A scrypt hash of ``password``; ``ValueError`` if it is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(_("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    return generate_password_hash(password, method="scrypt")


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password (``ValueError`` if too short). Not committed.

    Changing ``password_hash`` ends the user's other sessions at the next
    flush, whoever sets it (see ``User.end_sessions``); this is the one helper
    the screens and the CLI call.
    """
    user.password_hash = hash_password(password)


def authenticate(email: str, password: str) -> User:
    """The active user with this e-mail and password; commits the attempt.

    After ``MAX_FAILED_LOGINS`` failures in a row the account is locked for
    ``LOCK_MINUTES`` minutes, even for the right password.

    :raises LoginError: wrong e-mail or password, inactive or locked account.
    """
    user = db.session.query(User).filter(User.email == email.strip().lower()).one_or_none()
    now = utcnow()
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise LoginError(_("Wrong e-mail or password."))
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise LoginError(_("Too many failed logins. Try again in %(minutes)s minute(s).",
                                 minutes=minutes))
    if not check_password_hash(user.password_hash, password) or not user.active:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
        db.session.commit()
        raise LoginError(_("Wrong e-mail or password."))
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    db.session.commit()
    return user


def companies_of(user: User) -> list[Company]:
    """Active companies the user is an active member of, by code."""
    return (db.session.query(Company).join(Membership)
            .filter(Membership.user_id == user.id, Membership.active.is_(True), Company.active.is_(True))
            .order_by(Company.code).all())
