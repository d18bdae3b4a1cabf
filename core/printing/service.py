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
from core.printing.render import render_pdf

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


def check_permission(printable: Printable) -> None:
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


def pdf_response(printable: Printable, pdf: bytes, records: list[Any]) -> Any:
    from flask import send_file
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf",
                         download_name=printable.download_name(records), as_attachment=False)
    response.headers["Cache-Control"] = "no-store"
    return response
