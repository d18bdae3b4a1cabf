"""``qdesk org``: a company's departments and employees from a spreadsheet."""
from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from core.cli.base import company_by_code, main

#: What a file imports.
KINDS = ("departments", "employees")
#: The largest file read, and rows taken, as on the screens' Import tab.
MAX_BYTES, MAX_ROWS = 2 * 1024 * 1024, 5000


@main.group()
def org() -> None:
    """The organisation of a company: departments, posts, employees."""


@org.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--company", "company_code", required=True, help="the company whose organisation it is")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="departments or employees (default: employees when the file has a 工号/number column)")
@with_appcontext
def org_import(file: str, company_code: str, kind: str | None) -> None:
    """Import departments or employees from FILE (CSV or XLSX, the columns
    of the Import tab of Departments / Employees). All rows or none: a file
    with errors is refused with its row numbers and nothing is written."""
    from core.imports import ImportRefused, check, read_table, write
    from core.org.models import Department, Employee
    from core.org.schemas import DepartmentSchema, EmployeeSchema
    from core.records import tenancy
    company = company_by_code(company_code)
    with open(file, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise click.ClickException(f"{file} is larger than {MAX_BYTES // 1048576} MB; nothing imported")
    with tenancy.acting_as(company, None):
        try:
            table = read_table(os.path.basename(file), data, max_rows=MAX_ROWS)
            if kind is None:
                header = {h.strip().lower() for h in table.header}
                kind = "employees" if header & {"number", "工号", "工号 / number"} else "departments"
            model, schema = ((Employee, EmployeeSchema) if kind == "employees" else (Department, DepartmentSchema))
            checked = check(table, schema())
            if not checked.ok:
                lines = [f"row {e.row}: {e.column or '-'}: {e.message}" for e in checked.errors]
                raise click.ClickException(f"{file} refused, nothing imported:\n" + "\n".join(lines))
            count = write(model, checked)
        except ImportRefused as exc:
            raise click.ClickException(f"{file} refused, nothing imported: {exc}") from None
    click.echo(f"{count} {kind} imported into {company.code}")
