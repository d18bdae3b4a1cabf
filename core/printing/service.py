"""The printing service: the module gate, the permission, the scoped
load, the print and its log (:class:`core.models.PrintJob`), the PDF response."""
from __future__ import annotations

import io
import logging
from typing import Any, Iterable

from flask_babel import gettext

from core.records import tenancy
from core.errors import Forbidden, NotFound
from core.extensions import db
from core.models import PrintJob
from core.records.permissions import has_permission

from core.printing.printables import Printable, printable_registry
from core.printing.render import render_pdf, render_report_pdf
from core.printing.reports import Report, ReportRequest, report_registry

log = logging.getLogger("qdesk.printing")

# --- the gate and the log ----------------------------------------------------------

def get_printable(key: str) -> Printable:
    """The printable ``key`` if its module is enabled for the current company;
    :class:`~core.errors.NotFound` otherwise, as if it did not exist."""
    printable = printable_registry().get(key)
    if printable is None or tenancy.current_company() is None \
            or not tenancy.module_enabled(printable.module):
        raise NotFound(gettext("There is no such printed form."))
    return printable


def check_permission(printable: Printable | Report) -> None:
    """:class:`~core.errors.Forbidden` unless the current user holds the
    printable's permission. A system print (CLI: no user, a current
    company) is allowed."""
    if tenancy.acting_as_system():
        return
    if not has_permission(printable.needed_permission):
        raise Forbidden(gettext("You may not print this form (%(permission)s).",
                                permission=printable.needed_permission))


def load_records(printable: Printable, ids: Iterable[Any], strict: bool = True) -> list[Any]:
    """The current company's records among ``ids``, in the order given
    (:func:`core.records.access.scoped`: the gate and the printable's permission are
    checked by :func:`get_printable` and :func:`check_permission`).

    :param strict: :class:`~core.errors.NotFound` when any id is not one of
        the company's records (URL, CLI); else other ids are dropped (list
        action, like ``scoped_action``).
    """
    from core.records import access
    records = access.scoped(printable.model, ids, strict=strict)
    if not records:
        raise NotFound(gettext("There is no such record."))
    return records


def print_records(printable: Printable, records: list[Any]) -> tuple[bytes, PrintJob]:
    """Render ``records`` (already scoped) and log the print."""
    company, user = tenancy.require_company(), tenancy.current_user()
    pdf, pages = render_pdf(printable, records, company, user)
    job = PrintJob(company_id=company.id, user_id=user.id if user else None,
                   printable=printable.key, record_ids=[r.id for r in records], pages=pages)
    db.session.add(job)
    db.session.commit()
    log.info("printed %s %s for %s by %s: %d page(s)", printable.key, job.record_ids,
             company.code, user or "system", pages)
    return pdf, job


def print_ids(key: str, ids: Iterable[Any], strict: bool = True) -> tuple[Printable, bytes, list[Any]]:
    """The gate, the permission, the scoped load and the print, in that order."""
    printable = get_printable(key)
    check_permission(printable)
    records = load_records(printable, ids, strict=strict)
    pdf, _job = print_records(printable, records)
    return printable, pdf, records


# --- period reports -----------------------------------------------------------------

def get_report(key: str) -> Report:
    """The report ``key`` if its module is enabled for the current company;
    :class:`~core.errors.NotFound` otherwise, as if it did not exist."""
    report = report_registry().get(key)
    if report is None or tenancy.current_company() is None or not tenancy.module_enabled(report.module):
        raise NotFound(gettext("There is no such report."))
    return report


def available_reports() -> list[Report]:
    """The reports the current user may print in the current company (the
    module enabled, the permission held), by title."""
    if tenancy.current_company() is None:
        return []
    found = [r for r in report_registry().by_key.values()
             if tenancy.module_enabled(r.module) and (tenancy.acting_as_system() or has_permission(r.permission))]
    return sorted(found, key=lambda r: (r.module, r.key))


def reports_of(entity: str) -> list[Report]:
    """The :func:`available_reports` that name ``entity`` (its list screen offers them)."""
    return [r for r in available_reports() if r.entity == entity]


def print_report(key: str, raw: dict[str, Any]) -> tuple[Report, bytes, dict[str, Any]]:
    """The gate (404), the permission (403), the parameters
    (:class:`~core.printing.ReportInvalid`, nothing logged), the report's
    ``collect`` through the company scope, the PDF and its print log entry
    (with the parameters' texts). Returns the report, the PDF and the values."""
    report = get_report(key)
    check_permission(report)
    values = report.parse(raw)
    company, user = tenancy.require_company(), tenancy.current_user()
    request = ReportRequest(report, company, user, values)
    pdf, pages = render_report_pdf(request)
    job = PrintJob(company_id=company.id, user_id=user.id if user else None, printable=report.key,
                   record_ids=[], parameters=report.raw_values(values), pages=pages)
    db.session.add(job)
    db.session.commit()
    log.info("printed report %s %s for %s by %s: %d page(s)", report.key, job.parameters,
             company.code, user or "system", pages)
    return report, pdf, values


def pdf_response(printable: Printable | Report, pdf: bytes, records: Any) -> Any:
    """The PDF inline, named by the printable (``records``: the printed
    records, or a report's values)."""
    from flask import send_file
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf",
                         download_name=printable.download_name(records), as_attachment=False)
    response.headers["Cache-Control"] = "no-store"
    return response
