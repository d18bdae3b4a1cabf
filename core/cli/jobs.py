"""``qdesk jobs`` (periodic jobs) and ``qdesk deadlines`` (declared deadlines)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from core.cli.base import company_by_code, main


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
    companies = [company_by_code(company_code)] if company_code else None
    try:
        results = run_jobs(keys, companies)
    except KeyError as exc:
        raise click.ClickException(exc.args[0]) from None
    for r in results:
        click.echo(f"{r.company:10} {r.job:32} {'ok' if r.ok else 'FAILED'}  {r.message}")
    if any(not r.ok for r in results):
        sys.exit(1)


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
    companies = [company_by_code(company_code)] if company_code else None
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
