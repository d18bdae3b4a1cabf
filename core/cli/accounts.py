"""``qdesk company`` and ``qdesk user``: companies, logins and their memberships."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from core.cli.base import company_by_code, main
from core.extensions import db
from core.models import ROLES, Company, Membership, User


@main.group()
def company() -> None:
    """Companies (tenants)."""


@company.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--province", default=None)
@with_appcontext
def company_create(code: str, name: str, province: str | None) -> None:
    """Create company CODE named NAME."""
    if db.session.query(Company).filter_by(code=code).first():
        raise click.ClickException(f"company {code!r} already exists")
    db.session.add(Company(code=code, name=name, province=province))
    db.session.commit()
    click.echo(f"created company {code} {name}")


@company.command("list")
@with_appcontext
def company_list() -> None:
    """List companies."""
    for c in db.session.query(Company).order_by(Company.code):
        click.echo(f"{c.code:<10} {c.name:<30} {c.province or '':<10} {'active' if c.active else 'inactive'}")


@main.group()
def user() -> None:
    """Users and their roles per company."""


@user.command("create")
@click.argument("email")
@click.option("--company", "company_code", help="company code to join")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True)
@click.option("--name", default="")
@click.option("--system-admin", is_flag=True, help="may manage companies and users")
@with_appcontext
def user_create(email: str, company_code: str | None, role: str, name: str, system_admin: bool) -> None:
    """Create user EMAIL; the password is read from a prompt or stdin, never an argument."""
    from core.records.security import hash_password
    email = email.strip().lower()
    password = _read_password()
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    company = company_by_code(company_code) if company_code else None
    account = db.session.query(User).filter_by(email=email).one_or_none()
    if account is not None and company is None:
        raise click.ClickException(f"user {email} already exists")
    if account is None:
        account = User(email=email, name=name, password_hash=password_hash, is_system_admin=system_admin)
        db.session.add(account)
    elif any(m.company_id == company.id for m in account.memberships):
        raise click.ClickException(f"user {email} is already a member of {company.code}")
    if company is not None:
        account.memberships.append(Membership(company=company, role=role))
    db.session.commit()
    click.echo(f"user {email} ready" + (f" ({role} in {company.code})" if company else ""))


@user.command("password")
@click.argument("email")
@with_appcontext
def user_password(email: str) -> None:
    """Set the password of user EMAIL (read from a prompt or stdin, never an
    argument); the user's sessions end, so every browser must log in again."""
    from core.records.security import set_password
    email = email.strip().lower()
    account = db.session.query(User).filter_by(email=email).one_or_none()
    if account is None:
        raise click.ClickException(f"no user {email}")
    try:
        set_password(account, _read_password())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"password of {email} changed; their sessions have ended")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@user.command("list")
@with_appcontext
def user_list() -> None:
    """List users with their companies and roles."""
    for u in db.session.query(User).order_by(User.email):
        roles = ", ".join(f"{m.company.code}:{m.role}" for m in u.memberships) or "-"
        flags = " [system admin]" if u.is_system_admin else ""
        flags += "" if u.active else " [inactive]"
        click.echo(f"{u.email:<30} {roles}{flags}")
