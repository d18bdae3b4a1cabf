"""``qdesk print``: records to a PDF, as the system user of a company."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.cli.base import company_by_code, main


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
    from core import printing
    from core.records import tenancy
    from core.errors import NotFound
    company = company_by_code(company_code)
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


@main.command("report")
@click.argument("report")
@click.option("--company", "company_code", required=True, help="company the report is about")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="a parameter, e.g. period=2026-Q3 or period=2026-10-08..2026-11-20 (repeat for each)")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="PDF file to write ('-' for stdout)")
@with_appcontext
def report_command(report: str, company_code: str, params: tuple[str, ...], output: str) -> None:
    """Print the period report REPORT (e.g. crm.contact_log_period) to a PDF file.

    Acts as the company's system user (its records only, its modules only);
    the print is logged with its parameters. A bad parameter is reported and
    nothing is written.
    """
    from core import printing
    from core.errors import NotFound
    from core.records import tenancy
    company = company_by_code(company_code)
    item = printing.report_registry().get(report)
    if item is None:
        known = ", ".join(sorted(printing.report_registry().by_key)) or "none"
        raise click.ClickException(f"no report {report!r} (installed: {known})")
    raw: dict[str, str] = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep or not name.strip():
            raise click.ClickException(f"--param {param!r}: write NAME=VALUE, e.g. period=2026-Q3")
        raw[name.strip()] = value
    with tenancy.acting_as(company, None):
        try:
            _report, pdf, _values = printing.print_report(report, raw)
        except NotFound:
            raise click.ClickException(f"module {item.module!r} is not enabled for {company.code}") from None
        except printing.ReportInvalid as exc:
            raise click.ClickException("; ".join(exc.errors.values())) from None
        except printing.ReportTooLarge as exc:
            raise click.ClickException(exc.message) from None
    if output == "-":
        click.get_binary_stream("stdout").write(pdf)
    else:
        with open(output, "wb") as f:
            f.write(pdf)
        click.echo(f"wrote {output}: report {report}", err=True)
