"""The ``qdesk`` command: db, demo, company, user, module, jobs, plugin, print, calendar (and Flask's run/shell)."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from core.extensions import db
from core.models import ROLES, Company, Membership, User


def _create_app():
    from core import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             help="qdesk: service quality management. Configure with QDESK_* variables.")
def main() -> None:
    pass


def _company(code: str) -> Company:
    company = db.session.query(Company).filter_by(code=code).one_or_none()
    if company is None:
        raise click.ClickException(f"no company with code {code!r}")
    return company


# --- db ---------------------------------------------------------------------
@main.group()
def db_group() -> None:
    """Database schema: upgrade, generate revisions."""


db_group.name = "db"


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Upgrade core and every installed plugin to their latest revision."""
    from core import migrate
    migrate.upgrade()
    click.echo("database is up to date (all heads)")


@db_group.command("revision")
@click.option("--plugin", "plugin", required=True, help="plugin key, or 'core'")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="do not autogenerate")
@with_appcontext
def db_revision(plugin: str, message: str, empty: bool) -> None:
    """Autogenerate a revision into PLUGIN's migration branch."""
    from core import migrate
    try:
        path = migrate.revision(plugin, message, autogenerate=not empty)
    except KeyError:
        raise click.ClickException(f"no loaded plugin {plugin!r}") from None
    click.echo(f"created {path}")


# --- demo -------------------------------------------------------------------
@main.group()
def demo() -> None:
    """Demonstration data."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="do nothing when companies exist")
@with_appcontext
def demo_load(if_empty: bool) -> None:
    """Create two demo companies with users, enable all modules, print logins."""
    from core.demo import demo_logins_in_use, load_demo
    if if_empty and db.session.query(Company.id).first() is not None:
        click.echo("The database already has data; demo data not loaded again.")
        logins = demo_logins_in_use()
    elif db.session.query(Company.id).filter(Company.code.in_(["HZ", "CD"])).first() is not None:
        raise click.ClickException("the demo companies HZ and CD already exist")
    else:
        logins = load_demo()
    if logins:
        click.echo("Demo logins (e-mail / password / role):")
    for email, password, role in logins:
        click.echo(f"  {email:<24} {password:<12} {role}")


# --- company ----------------------------------------------------------------
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


# --- user -------------------------------------------------------------------
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
    from core.security import hash_password
    email = email.strip().lower()
    password = _read_password()
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    company = _company(company_code) if company_code else None
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
    from core.security import set_password
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


# --- module -----------------------------------------------------------------
@main.group()
def module() -> None:
    """Per-company module enablement."""


@module.command("list")
@click.option("--company", "company_code", required=True)
@with_appcontext
def module_list(company_code: str) -> None:
    """List installed modules and whether each is enabled for the company."""
    from core import tenancy
    company = _company(company_code)
    enabled = tenancy.enabled_modules(company)
    for info in current_app.extensions["qdesk.plugins"].loaded():
        state = "enabled" if info.key in enabled else "disabled"
        click.echo(f"{info.key:<20} {info.version:<10} {state:<9} {info.manifest.name_en}")


def _change_module(verb: str, name: str, company_code: str) -> None:
    from core.plugin.modules import ModuleError, disable_module, enable_module
    company = _company(company_code)
    try:
        if verb == "enable":
            pulled = enable_module(company, name)
            click.echo(f"enabled {name} for {company.code}"
                       + (f"; also enabled: {', '.join(pulled)}" if pulled else ""))
        else:
            disable_module(company, name)
            click.echo(f"disabled {name} for {company.code} (data kept)")
    except ModuleError as exc:
        raise click.ClickException(str(exc)) from None


@module.command("enable")
@click.argument("name")
@click.option("--company", "company_code", required=True)
@with_appcontext
def module_enable(name: str, company_code: str) -> None:
    """Enable module NAME (and its dependencies) for a company."""
    _change_module("enable", name, company_code)


@module.command("disable")
@click.argument("name")
@click.option("--company", "company_code", required=True)
@with_appcontext
def module_disable(name: str, company_code: str) -> None:
    """Disable module NAME for a company (refused while others depend on it)."""
    _change_module("disable", name, company_code)


# --- print ------------------------------------------------------------------
@main.command("print")
@click.argument("printable")
@click.argument("ids", nargs=-1, required=True)
@click.option("--company", "company_code", required=True, help="company whose records are printed")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="PDF file to write ('-' for stdout)")
@with_appcontext
def print_command(printable: str, ids: tuple[str, ...], company_code: str, output: str) -> None:
    """Print records IDS of PRINTABLE (e.g. notes.note 7 8) to a PDF file.

    Acts as the company (its records only, its modules only), as the system
    user; the print is logged in the company's print log.
    """
    from core import printing, tenancy
    from core.errors import NotFound
    company = _company(company_code)
    item = printing.printable_registry().get(printable)
    if item is None:
        known = ", ".join(sorted(printing.printable_registry().by_key)) or "none"
        raise click.ClickException(f"no printable {printable!r} (installed: {known})")
    with tenancy.acting_as(company, None):
        if not tenancy.module_enabled(item.module):
            raise click.ClickException(f"module {item.module!r} is not enabled for {company.code}")
        try:
            records = printing.load_records(item, ids, strict=True)
        except NotFound:
            raise click.ClickException(f"{printable}: not every id of {' '.join(ids)} is a record "
                                       f"of company {company.code}") from None
        pdf, job = printing.print_records(item, records)
    if output == "-":
        click.get_binary_stream("stdout").write(pdf)
    else:
        with open(output, "wb") as f:
            f.write(pdf)
        click.echo(f"wrote {output}: {job.pages} page(s), {len(records)} record(s) of {printable}",
                   err=True)


# --- jobs -------------------------------------------------------------------
@main.group()
def jobs() -> None:
    """Periodic jobs of the plugins (run daily from cron: qdesk jobs run)."""


@jobs.command("list")
@with_appcontext
def jobs_list() -> None:
    """The declared jobs."""
    from core.jobs import job_registry
    for key, job in sorted(job_registry().by_key.items()):
        click.echo(f"{key:32} {job.label_en} / {job.label_zh}")


@jobs.command("run")
@click.argument("keys", nargs=-1)
@click.option("--company", "company_code", help="only this company (default: every active company)")
@with_appcontext
def jobs_run(keys: tuple[str, ...], company_code: str | None) -> None:
    """Run the jobs KEYS (default: all) for every company that has their
    module enabled; exits 1 when any failed."""
    from core.jobs import run_jobs
    companies = [_company(company_code)] if company_code else None
    try:
        results = run_jobs(keys, companies)
    except KeyError as exc:
        raise click.ClickException(exc.args[0]) from None
    for r in results:
        click.echo(f"{r.company:10} {r.job:32} {'ok' if r.ok else 'FAILED'}  {r.message}")
    if any(not r.ok for r in results):
        sys.exit(1)


# --- deadlines --------------------------------------------------------------
@main.group()
def deadlines() -> None:
    """Declared deadlines (core.deadlines)."""


@deadlines.command("check")
@click.option("--company", "company_code", help="only this company (default: every active company)")
@with_appcontext
def deadlines_check(company_code: str | None) -> None:
    """Mark the deadlines past their due time (company-local) as breached;
    the same work as the job core.deadlines_check."""
    from core.jobs import run_jobs
    companies = [_company(company_code)] if company_code else None
    results = run_jobs(["core.deadlines_check"], companies)
    for r in results:
        click.echo(f"{r.company:10} {'ok' if r.ok else 'FAILED'}  {r.message}")
    if any(not r.ok for r in results):
        sys.exit(1)


@deadlines.command("list")
@with_appcontext
def deadlines_list() -> None:
    """The declared deadlines and the settings that time them."""
    from core.deadlines import DeadlineRegistry
    for key, d in sorted(DeadlineRegistry.current().by_key.items()):
        click.echo(f"{key:32} {d.label_en or '-'} / {d.label_zh or '-'}  ({', '.join(d.setting_keys)})")


# --- plugin -----------------------------------------------------------------
@main.group()
def plugin() -> None:
    """Installed plugins."""


@plugin.command("list")
def plugin_list() -> None:
    """Every installed plugin: key, version, source, depends, state.

    Lists broken and blocked plugins too, so it works when the app itself
    refuses to start because of one.
    """
    import os

    from core.plugin.registry import PluginError, PluginRegistry, PluginsConfig
    toml = os.environ.get("QDESK_PLUGINS_TOML", os.path.join(os.getcwd(), "plugins.toml"))
    config = PluginsConfig.load(toml)
    try:
        registry = PluginRegistry.load(PluginsConfig(config.blocked, True, False, config.settings))
    except PluginError as exc:  # a dependency cycle is never skipped
        raise click.ClickException(str(exc)) from None
    if not registry.infos:
        click.echo("no plugins installed (entry-point group qdesk.plugins)")
    for info in sorted(registry.infos.values(), key=lambda i: i.key):
        click.echo(f"{info.key:<20} {info.version:<10} {info.state:<8} "
                   f"depends: {', '.join(info.depends) or '-'}")
        click.echo(f"    from {info.source}")
        if info.error:
            click.echo(f"    error: {info.error}")


# --- calendar ---------------------------------------------------------------
@main.group()
def calendar() -> None:
    """Official holiday years, for all companies (System → Holiday years)."""


@calendar.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="replace the year when it is entered already")
@with_appcontext
def calendar_import(file: str, replace: bool) -> None:
    """Enter one year's public holidays and make-up working days from FILE
    (CSV or XLSX; columns date, kind = holiday|workday or 放假|上班, name).
    The whole year or nothing: a malformed file is refused with its line numbers."""
    import os

    from core.calendar import holidays
    with open(file, "rb") as f:
        data = f.read(holidays.MAX_FILE_BYTES + 1)
    if len(data) > holidays.MAX_FILE_BYTES:
        raise click.ClickException(f"{file} is larger than {holidays.MAX_FILE_BYTES // 1024} KB: "
                                   "not a year's schedule; nothing changed")
    try:
        entered = holidays.import_file(os.path.basename(file), data, replace=replace)
    except holidays.HolidayFileError as exc:
        raise click.ClickException(f"{file} refused, nothing changed:\n" + "\n".join(exc.errors)) from None
    except holidays.YearExists as exc:
        raise click.ClickException(f"{exc} (--replace)") from None
    off = sum(d.kind == "holiday" for d in entered.days)
    click.echo(f"{entered.year} entered: {off} holidays, {len(entered.days) - off} make-up working days; "
               "every company's calendar uses them now")


@calendar.command("years")
@with_appcontext
def calendar_years() -> None:
    """The years around today and every entered year: where their holidays come from."""
    from core.calendar import holidays
    for y in holidays.year_summaries():
        counts = (f"{y.holidays:3} holidays {y.workdays:3} make-up days" if y.source != "missing"
                  else "plain weekends (no public holidays)")
        click.echo(f"{y.year}  {y.source:<16} {counts}")
