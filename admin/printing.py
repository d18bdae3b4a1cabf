"""Print URLs: ``/print/<printable>/<id>.pdf``, behind login, the module
gate (404), the printable's permission (403) and the company scope (404)."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from core import printing

from core.records import tenancy
from admin.errors import http_errors

bp = Blueprint("qdesk_print", __name__)


@bp.route("/print/<key>/<record_id>.pdf")
def print_one(key: str, record_id: str):
    """One record of printable ``key`` as a PDF (a form, or a one-row register)."""
    if tenancy.current_user() is None:
        return redirect(url_for("qdesk_auth.login", next=request.full_path))
    with http_errors():  # not found or disabled: 404; not allowed: 403
        printable, pdf, records = printing.print_ids(key, [record_id], strict=True)
    return printing.pdf_response(printable, pdf, records)
