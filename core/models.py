"""Core tables: companies, their modules, users, memberships, the audit log,
company settings and company calendar days.

Plugin models live in their plugins; company-owned ones inherit
:class:`core.records.CompanyOwnedMixin`.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, true, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db

ROLES = ("admin", "manager", "staff", "readonly")


def utcnow() -> datetime:
    """Current UTC time, naive (stored as UTC on every database): the value of
    every stamp (a column marked ``info=stamp_info()``), shown, exported and printed
    in the company's zone (:mod:`core.calendar.timezone`). Never for what a user sees
    as "now" or a deadline starts from: that is :func:`core.calendar.timezone.local_now`."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def stamp_info() -> dict:
    """``Column.info`` marking a stamp column: naive UTC, set by code, shown,
    exported and printed in the company's zone (key
    :data:`core.calendar.timezone.STAMP`): ``mapped_column(DateTime, default=utcnow,
    info=stamp_info())``. A fresh dict for each column."""
    return {"stamp": True}


class Company(db.Model):
    """A tenant: its own users, enabled modules and records."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(50))
    city: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, info=stamp_info())

    modules: Mapped[list[CompanyModule]] = relationship(back_populates="company", cascade="all, delete-orphan")
    memberships: Mapped[list[Membership]] = relationship(back_populates="company", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CompanyModule(db.Model):
    """Whether a module is enabled for a company. Rows stay when disabled."""

    __tablename__ = "company_modules"
    __table_args__ = (UniqueConstraint("company_id", "module"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    module: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, info=stamp_info())
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    company: Mapped[Company] = relationship(back_populates="modules")


class User(db.Model):
    """A person who logs in. Roles come from memberships, per company."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    is_system_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, info=stamp_info())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, info=stamp_info())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, info=stamp_info())
    # Stored in the session at login and compared on every request: bumping it
    # (logout, any change of password_hash) ends every session of the user.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The company the user last worked in: the next login starts there.
    last_company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def role_in(self, company: Company | None) -> str | None:
        """The user's role in ``company``, or None when not a member."""
        if company is None:
            return None
        for m in self.memberships:
            if m.company_id == company.id:
                return m.role if m.active else None
        return None

    def end_sessions(self) -> None:
        """End every session of this user at the next flush: the generation is
        bumped in SQL (atomic), and the user's id is noted in the database
        session's ``info[SESSIONS_ENDED]`` (the admin shell keeps the current
        request's session valid when it is the user's own)."""
        self.session_generation = User.session_generation + 1
        state = inspect(self)
        if state.session is not None and state.identity is not None:
            state.session.info.setdefault(SESSIONS_ENDED, set()).add(state.identity[0])

    def __str__(self) -> str:
        return self.name or self.email


#: ``Session.info`` key: ids of the users whose sessions the database session ended.
SESSIONS_ENDED = "qdesk.sessions_ended"


@event.listens_for(User, "before_update")
def _password_change_ends_sessions(mapper, connection, user: User) -> None:
    """Whatever sets ``password_hash`` (a screen, the CLI, a plugin, a script)
    ends the user's sessions: done once here, not by each caller."""
    if inspect(user).attrs.password_hash.history.has_changes():
        user.end_sessions()


class Membership(db.Model):
    """A user's role in one company."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "company_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # A company admin deactivates a member instead of deleting the row (the
    # user's records and audit entries keep pointing at them).
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    user: Mapped[User] = relationship(back_populates="memberships")
    company: Mapped[Company] = relationship(back_populates="memberships")


class PasswordLink(db.Model):
    """A one-time set-password link (:mod:`core.people`): only the SHA-256
    of its token is kept; it works once, before ``expires_at``."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, info=stamp_info())
    used_at: Mapped[datetime | None] = mapped_column(DateTime, info=stamp_info())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, info=stamp_info())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AuditEntry(db.Model):
    """One change to one company-owned record: who, when, which fields."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, info=stamp_info())
    #: For ``action == "transition"``: the workflow transition fired
    #: (:mod:`core.workflow`) and the comment the user gave with it.
    transition: Mapped[str | None] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (db.Index("ix_audit_entries_record", "table_name", "record_id"),)

    user: Mapped[User | None] = relationship()


class PrintJob(db.Model):
    """One print: who printed which records of which printable, when, how many pages."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    printable: Mapped[str] = mapped_column(String(80))
    record_ids: Mapped[list] = mapped_column(JSON, default=list)
    # A period report's parameters as typed ({"period": "2026-Q3", "customer": "12"}); None for a form.
    parameters: Mapped[dict | None] = mapped_column(JSON)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True, info=stamp_info())

    user: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        if self.parameters is not None:
            return f"{self.printable} {self.parameters}"
        return f"{self.printable} {self.record_ids}"


class CompanySetting(db.Model):
    """A company's value of one declared setting (``core.settings``); a
    setting without a row has its default. Changes are audited as
    ``AuditEntry(table_name="company_settings")``."""

    __tablename__ = "company_settings"
    __table_args__ = (UniqueConstraint("company_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    value: Mapped[object] = mapped_column(JSON, nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, info=stamp_info())

    def __str__(self) -> str:
        return f"{self.key}={self.value!r}"
