"""``qdesk calendar``: official holiday years, for all companies."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.cli.base import main


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
