"""The pages a user sees when a request is refused: 403, 404 and 413 in
the interface language, with a way back, instead of the server's bare
English pages. JSON and PDF clients get the status code alone as before."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def init_error_pages(app: Flask) -> None:
    """Register the handlers (called by ``init_admin``)."""
    for code in (403, 404, 413):
        app.register_error_handler(code, error_page)


def error_page(error: HTTPException):
    """The page of ``error`` (403, 404 or 413)."""
    code = error.code or 500
    if not request.accept_mimetypes.accept_html:
        return error  # an API or a script: the status code is the answer
    if code == 403:
        title, message = _("Not allowed"), _("Your role in this company does not allow this. "
                                              "Ask your company administrator if you need it.")
    elif code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        title, message = _("Too large"), _("What you sent is larger than the server accepts "
                                           "(%(size)s MB at most). Nothing was saved.",
                                           size=f"{limit / 1024 / 1024:.0f}")
    else:
        title, message = _("Not found"), _("There is no such page or record here. It may belong to "
                                           "another company, or its module is not enabled for this one.")
    return render_template("qdesk/error.html", code=code, title=title, message=message), code
